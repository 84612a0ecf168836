"""The public HTTP contract's bodies and queries (OpenAPI is built from
these). They check shape: unknown fields are refused, read-only ones cannot
be written. The owning service checks meaning (a phone's format, a slot's
freedom) and its errors come back naming the field too."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from jastar_common.contracts import EMAIL, FULL_NAME, IIN, LANGUAGE, PHONE_LENGTH, TELEGRAM
from jastar_common.validation import StrictSchema, UtcDateTime

ID = validate.Length(1, 40)
MAX_PAGE = 100


class Page(StrictSchema):
    limit = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PAGE))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 100_000))


class DistrictQuery(Page):
    kind = fields.String(validate=validate.OneOf(("district", "city")))


class CentreQuery(Page):
    district_id = fields.String(validate=ID)
    status = fields.String(validate=validate.OneOf(("planned", "open", "closed")))
    q = fields.String(validate=validate.Length(1, 100))


class ServiceQuery(Page):
    topic = fields.String(validate=validate.OneOf(("jobs", "housing", "own_business", "health",
                                                   "psychologist", "lawyer", "state_programmes")))
    centre_id = fields.String(validate=ID)
    partner_id = fields.String(validate=ID)
    q = fields.String(validate=validate.Length(1, 100))


class SpecialistQuery(Page):
    centre_id = fields.String(validate=ID)
    service_id = fields.String(validate=ID)
    partner_id = fields.String(validate=ID)


class ProgrammeQuery(Page):
    centre_id = fields.String(validate=ID)
    kind = fields.String(validate=validate.OneOf(("course", "event", "training")))
    target_group = fields.String(validate=validate.Length(1, 40))


SANE_DATE = validate.Range(date(2000, 1, 1), date(2100, 12, 31))


class AvailabilityQuery(Page):
    service_id = fields.String(validate=ID)
    specialist_id = fields.String(validate=ID)
    space_id = fields.String(validate=ID)
    programme_id = fields.String(validate=ID)
    date_from = fields.Date(data_key="from", validate=SANE_DATE)
    date_to = fields.Date(data_key="to", validate=SANE_DATE)
    include_full = fields.Boolean(load_default=False, metadata={
        "description": "space hours only: also the full hours, with free 0"})


class OtpRequest(StrictSchema):
    phone = fields.String(required=True, validate=PHONE_LENGTH)
    role = fields.String(load_default="member", validate=validate.OneOf(("member", "staff")))


class TokenRequest(OtpRequest):
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$"))


# member fields: the rules are jastar_common.contracts', as in the registry;
# the registry also checks meaning (a Kazakh mobile, an IIN's digits)
class Registration(StrictSchema):
    full_name = fields.String(required=True, validate=FULL_NAME)
    birth_date = fields.Date(required=True)
    phone = fields.String(required=True, validate=PHONE_LENGTH)
    email = fields.String(allow_none=True, validate=EMAIL)
    telegram = fields.String(allow_none=True, validate=TELEGRAM)
    district_id = fields.String(allow_none=True, validate=ID)
    iin = fields.String(allow_none=True, validate=IIN)
    language = fields.String(required=True, validate=LANGUAGE)
    categories = fields.List(fields.String(validate=validate.Length(1, 40)))
    consent = fields.Boolean(required=True)


class MemberChanges(StrictSchema):
    full_name = fields.String(validate=FULL_NAME)
    birth_date = fields.Date()
    phone = fields.String(validate=PHONE_LENGTH)
    email = fields.String(allow_none=True, validate=EMAIL)
    telegram = fields.String(allow_none=True, validate=TELEGRAM)
    district_id = fields.String(allow_none=True, validate=ID)
    iin = fields.String(allow_none=True, validate=IIN)
    language = fields.String(validate=LANGUAGE)
    categories = fields.List(fields.String(validate=validate.Length(1, 40)))


class MemberLookup(StrictSchema):
    phone = fields.String(validate=PHONE_LENGTH)
    iin = fields.String(validate=validate.Length(12, 12))


class NewBooking(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(("consultation", "space", "seat")))
    member_id = fields.String(validate=validate.Length(1, 36),
                              metadata={"description": "staff booking for a member; members omit it"})
    service_id = fields.String(validate=ID)
    specialist_id = fields.String(validate=ID)
    space_id = fields.String(validate=ID)
    session_id = fields.String(validate=ID)
    programme_id = fields.String(validate=ID)
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()


class Cancellation(StrictSchema):
    reason = fields.String(validate=validate.Length(1, 500))


class Reschedule(StrictSchema):
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime()


class ScheduleQuery(Page):
    specialist_id = fields.String(validate=ID)
    centre_id = fields.String(validate=ID)


class LineQuery(Page):
    resource_id = fields.String(required=True, validate=ID,
                                metadata={"description": "a session, or a whole course (its programme id)"})


class DayQuery(Page):
    date = fields.Date(required=True, validate=SANE_DATE)


class NewStaff(StrictSchema):
    phone = fields.String(required=True, validate=PHONE_LENGTH)
    full_name = fields.String(required=True, validate=FULL_NAME)
    role = fields.String(load_default="staff", validate=validate.OneOf(("staff", "admin")))
    centre_ids = fields.List(fields.String(validate=ID), load_default=list)


class NewApiKey(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(1, 200))


class NewWebhook(StrictSchema):
    url = fields.String(required=True, validate=validate.Length(1, 2000))
    event_types = fields.List(fields.String(validate=validate.Length(1, 100)), required=True,
                              validate=validate.Length(min=1))
    description = fields.String(validate=validate.Length(max=500))


CLOCK = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="a time of day as HH:MM (00:00-23:59)")


class QuietHours(StrictSchema):
    """Almaty time; `from` later than `to` crosses midnight. Reminders and other
    non-urgent messages due inside wait for its end; urgent ones (a waitlist
    offer, a booking the centre cancelled) are sent anyway."""
    from_ = fields.String(required=True, data_key="from", attribute="from", validate=CLOCK,
                          metadata={"example": "22:00"})
    to = fields.String(required=True, validate=CLOCK, metadata={"example": "08:00"})

    @validates_schema
    def not_empty(self, data, **kwargs):
        if data.get("from") and data.get("from") == data.get("to"):
            raise ValidationError("from and to must differ", field_name="to")


class Preferences(StrictSchema):
    channels = fields.List(fields.String(validate=validate.OneOf(("sms", "email", "telegram", "log"))),
                           required=True)
    telegram_chat_id = fields.String(allow_none=True, validate=validate.Length(max=40))
    quiet_hours = fields.Nested(QuietHours, allow_none=True,
                                metadata={"description": "null or left out: no quiet hours"})


class CatalogueObject(Schema):
    """The fields of a registry kind (see GET on the same kind); checked by the registry."""

    class Meta:
        unknown = "include"

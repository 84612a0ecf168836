"""What crosses booking's RPC boundary, in and out."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from jastar_common.validation import StrictSchema, UtcDateTime

from .domain.model import KINDS

ID = fields.String(validate=validate.Length(1, 40))


class CreateBookingSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    member_id = fields.String(allow_none=True, validate=validate.Length(1, 36))
    service_id = ID
    specialist_id = ID
    space_id = ID
    session_id = ID
    programme_id = ID
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    idempotency_key = fields.String(validate=validate.Length(1, 100))

    @validates_schema
    def what_each_kind_needs(self, data, **kwargs):
        needs = {"consultation": ("service_id", "starts_at"), "space": ("space_id", "starts_at", "ends_at")}
        missing = {name: ["required for a " + data["kind"] + " booking"]
                   for name in needs.get(data.get("kind"), ()) if data.get(name) is None}
        if data.get("kind") == "seat" and not (data.get("session_id") or data.get("programme_id")):
            missing["session_id"] = ["give session_id, or programme_id for a whole course"]
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            missing["ends_at"] = ["must be after starts_at"]
        if missing:
            raise ValidationError(missing)


class RescheduleSchema(StrictSchema):
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime()


class AvailabilitySchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(("consultation", "space", "programme")))
    service_id = ID
    specialist_id = ID
    space_id = ID
    programme_id = ID
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    include_full = fields.Boolean(load_default=False)  # space hours with free 0 too

    @validates_schema
    def what_each_kind_needs(self, data, **kwargs):
        needs = {"consultation": ("service_id", "date_from", "date_to"),
                 "space": ("space_id", "date_from", "date_to"), "programme": ("programme_id",)}
        missing = {("from" if n == "date_from" else "to" if n == "date_to" else n): ["required"]
                   for n in needs[data["kind"]] if data.get(n) is None}
        if missing:
            raise ValidationError(missing)
        if data["include_full"] and data["kind"] != "space":
            raise ValidationError({"include_full": ["only for space hours (space_id)"]})


class CentreDaySchema(StrictSchema):
    """The day of a centre's desk list (centre_day), a local date."""
    day = fields.Date(required=True, error_messages={"invalid": "a date, YYYY-MM-DD"})


class PageSchema(StrictSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class FactsPageSchema(StrictSchema):
    what = fields.String(required=True, validate=validate.OneOf(("bookings", "waitlist")))
    after = fields.String(load_default=None, validate=validate.Length(max=36))
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 2000))


class BookingSchema(Schema):
    """A booking as clients see it, with the deadlines the member keeps under
    `policy` (the member's app offers cancel and move only until them)."""

    def __init__(self, policy, **kwargs):
        super().__init__(**kwargs)
        self.policy = policy

    id = fields.String()
    kind = fields.String()
    state = fields.String()
    member_id = fields.String()
    centre_id = fields.String()
    resource_id = fields.String()
    service_id = fields.String()
    programme_id = fields.String()
    specialist_id = fields.Function(lambda b: b.resource_id if b.kind == "consultation" else None)
    space_id = fields.Function(lambda b: b.resource_id if b.kind == "space" else None)
    session_id = fields.Function(
        lambda b: b.resource_id if b.kind == "seat" and b.resource_id != b.programme_id else None)
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    reason = fields.String()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    cancel_until = fields.Method("_cancel_until")
    move_until = fields.Method("_move_until")

    def _cancel_until(self, booking):
        return _TIME._serialize(booking.cancel_until(self.policy.min_notice_cancel), None, None)

    def _move_until(self, booking):
        return _TIME._serialize(booking.move_until(self.policy.min_notice_change), None, None)


_TIME = UtcDateTime()


class WaitlistEntrySchema(Schema):
    id = fields.String()
    resource_id = fields.String()
    centre_id = fields.String()
    member_id = fields.String()
    position = fields.Integer(attribute="place")  # the place in line now, not the join order
    state = fields.String()
    offer_expires_at = UtcDateTime()
    booking_id = fields.String()
    created_at = UtcDateTime()


class SlotSchema(Schema):
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    centre_id = fields.String()
    specialist_id = fields.String()
    space_id = fields.String()
    free = fields.Integer()


class SeatsSchema(Schema):
    """A session's (or a whole course's) seats: the row programme_seats gives."""
    resource_id = fields.String()
    seats_left = fields.Integer()
    waiting = fields.Integer()
    starts_at = fields.Function(lambda row: row["session"].starts_at.isoformat() if row["session"] else None)


class ProgrammeSeatsSchema(Schema):
    """(programme, rows) as the answer for a programme's availability."""
    programme_id = fields.Function(lambda found: found[0].id)
    whole_course = fields.Function(lambda found: found[0].whole_course)
    items = fields.Function(lambda found: SeatsSchema(many=True).dump(found[1]))

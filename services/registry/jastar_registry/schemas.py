"""What crosses the registry's RPC boundary, in and out, per kind. Create
schemas require what the kind needs; updates take the same fields, partially,
never the id; lists take filters, a text query and a page."""
import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from jastar_common.contracts import LANGUAGES
from jastar_common.validation import StrictSchema, UtcDateTime

from .domain import model

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,39}$", error="lowercase letters, digits and dashes (2-40)")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
MAX_PAGE = 200


def _name():
    return fields.String(required=True, validate=validate.Length(1, 200))


def _status():
    return fields.String(load_default="open", validate=validate.OneOf(model.STATUSES))


class Week(fields.Dict):
    """{"mon": [["09:00", "13:00"], ["14:00", "18:00"]], ...}, local time."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.String(validate=validate.OneOf(model.WEEKDAYS)),
                         values=fields.List(fields.List(fields.String(), validate=validate.Length(2, 2))),
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        week = super()._deserialize(value, attr, data, **kwargs)
        for day, intervals in week.items():
            for interval in intervals:
                if not all(HHMM.match(t) for t in interval):
                    raise ValidationError(f"{day}: times are HH:MM")
        return week


class ScheduleException(StrictSchema):
    date = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("leave", "extra")))
    start = fields.String(load_default=None, validate=validate.Regexp(HHMM))
    end = fields.String(load_default=None, validate=validate.Regexp(HHMM))
    reason = fields.String(load_default="", validate=validate.Length(max=200))


class RegionSchema(StrictSchema):
    id = fields.String(required=True, validate=SLUG)
    name_kk, name_ru = _name(), _name()
    youth_population = fields.Integer(load_default=None, validate=validate.Range(min=0))
    status = _status()


class DistrictSchema(StrictSchema):
    id = fields.String(required=True, validate=SLUG)
    name_kk, name_ru = _name(), _name()
    region_id = fields.String(load_default="almaty-region")
    kind = fields.String(load_default="district", validate=validate.OneOf(("district", "city")))
    admin_centre = fields.String(required=True, validate=validate.Length(1, 200))
    youth_population = fields.Integer(load_default=None, validate=validate.Range(min=0))
    status = _status()


class CentreSchema(StrictSchema):
    id = fields.String(required=True, validate=SLUG)
    district_id = fields.String(required=True)
    name_kk, name_ru = _name(), _name()
    address = fields.String(required=True, validate=validate.Length(1, 300))
    status = fields.String(load_default="planned", validate=validate.OneOf(model.STATUSES))
    floors = fields.Integer(load_default=None, validate=validate.Range(1, 50))
    area_m2 = fields.Integer(load_default=None, validate=validate.Range(1, 100_000))
    opening_date = fields.Date(load_default=None)
    planned_year = fields.Integer(load_default=None, validate=validate.Range(2000, 2100))
    opening_hours = Week(load_default=dict)
    closed_dates = fields.List(fields.Date(), load_default=list)
    time_zone = fields.String(dump_only=True)


class SpaceSchema(StrictSchema):
    id = fields.String(load_default=None, validate=SLUG)
    centre_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(model.SPACE_KINDS))
    name_kk, name_ru = _name(), _name()
    capacity = fields.Integer(load_default=1, validate=validate.Range(1, 1000))
    floor = fields.Integer(load_default=None, validate=validate.Range(-5, 50))
    grid_minutes = fields.Integer(load_default=30, validate=validate.OneOf((15, 30, 60)))
    min_minutes = fields.Integer(load_default=30, validate=validate.Range(15, 24 * 60))
    max_minutes = fields.Integer(load_default=240, validate=validate.Range(15, 24 * 60))
    buffer_minutes = fields.Integer(load_default=0, validate=validate.Range(0, 240))
    needs_approval = fields.Boolean(load_default=False)
    equipment = fields.List(fields.String(validate=validate.Length(1, 100)), load_default=list)
    status = _status()
    opens_on = fields.Date(load_default=None)


class PartnerSchema(StrictSchema):
    id = fields.String(required=True, validate=SLUG)
    kind = fields.String(required=True, validate=validate.OneOf(model.PARTNER_KINDS))
    name_kk, name_ru = _name(), _name()
    website = fields.Url(load_default=None, schemes={"https", "http"})
    status = _status()


class ServiceSchema(StrictSchema):
    id = fields.String(required=True, validate=SLUG)
    topic = fields.String(required=True, validate=validate.OneOf(model.TOPICS))
    name_kk, name_ru = _name(), _name()
    slot_minutes = fields.Integer(load_default=30, validate=validate.Range(10, 240))
    partner_id = fields.String(load_default=None)
    centre_ids = fields.List(fields.String(), load_default=list)
    status = _status()


class SpecialistSchema(StrictSchema):
    id = fields.String(required=True, validate=SLUG)
    full_name = fields.String(required=True, validate=validate.Length(2, 200))
    title_kk, title_ru = _name(), _name()
    partner_id = fields.String(load_default=None)
    centre_id = fields.String(load_default=None)
    service_ids = fields.List(fields.String(), load_default=list)
    languages = fields.List(fields.String(validate=validate.OneOf(LANGUAGES)),
                            load_default=lambda: ["kk", "ru"], validate=validate.Length(min=1))
    status = _status()


class ScheduleSchema(StrictSchema):
    id = fields.String(load_default=None, validate=SLUG)
    specialist_id = fields.String(required=True)
    centre_id = fields.String(required=True)
    weekly = Week(required=True)
    exceptions = fields.List(fields.Nested(ScheduleException), load_default=list)
    valid_from = fields.Date(load_default=None)
    valid_to = fields.Date(load_default=None)
    status = _status()


class ProgrammeSchema(StrictSchema):
    id = fields.String(required=True, validate=SLUG)
    centre_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(model.PROGRAMME_KINDS))
    name_kk, name_ru = _name(), _name()
    description_kk = fields.String(load_default="", validate=validate.Length(max=4000))
    description_ru = fields.String(load_default="", validate=validate.Length(max=4000))
    capacity = fields.Integer(load_default=20, validate=validate.Range(1, 5000))
    min_age = fields.Integer(load_default=model.YOUTH_AGE[0])
    max_age = fields.Integer(load_default=model.YOUTH_AGE[1])
    target_group = fields.String(load_default=None, validate=validate.Length(1, 40))
    languages = fields.List(fields.String(validate=validate.OneOf(LANGUAGES)),
                            load_default=lambda: ["kk", "ru"], validate=validate.Length(min=1))
    is_free = fields.Boolean(load_default=True)
    whole_course = fields.Boolean(load_default=False)
    status = _status()


class SessionSchema(StrictSchema):
    id = fields.String(load_default=None, validate=SLUG)
    programme_id = fields.String(required=True)
    centre_id = fields.String(dump_only=True)
    space_id = fields.String(load_default=None)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    capacity = fields.Integer(load_default=None, validate=validate.Range(1, 5000))
    language = fields.String(load_default="kk", validate=validate.OneOf(LANGUAGES))
    status = _status()


SCHEMAS = {
    "region": RegionSchema, "district": DistrictSchema, "centre": CentreSchema, "space": SpaceSchema,
    "partner": PartnerSchema, "service": ServiceSchema, "specialist": SpecialistSchema,
    "schedule": ScheduleSchema, "programme": ProgrammeSchema, "session": SessionSchema,
}

def _status_filter():
    return fields.String(validate=validate.OneOf(model.STATUSES))


# the filters each kind's list accepts (values are validated as strings or dates)
FILTERS = {
    "region": {"status": _status_filter()},
    "district": {"region_id": fields.String(), "kind": fields.String(), "status": _status_filter()},
    "centre": {"district_id": fields.String(), "status": _status_filter()},
    "space": {"centre_id": fields.String(), "kind": fields.String(), "status": _status_filter()},
    "partner": {"kind": fields.String(), "status": _status_filter()},
    "service": {"topic": fields.String(), "partner_id": fields.String(),
                "centre_id": fields.String(data_key="centre_id", attribute="centre_ids__contains"),
                "status": _status_filter()},
    "specialist": {"partner_id": fields.String(), "centre_id": fields.String(),
                   "service_id": fields.String(attribute="service_ids__contains"),
                   "status": _status_filter()},
    "schedule": {"specialist_id": fields.String(), "centre_id": fields.String(), "status": _status_filter()},
    "programme": {"centre_id": fields.String(), "kind": fields.String(),
                  "target_group": fields.String(), "status": _status_filter()},
    "session": {"programme_id": fields.String(), "centre_id": fields.String(),
                "space_id": fields.String(), "status": _status_filter(),
                "starts_from": UtcDateTime(attribute="starts_at__gte"),
                "starts_before": UtcDateTime(attribute="starts_at__lt")},
}


def list_query_schema(kind):
    """Filters of the kind, plus q (text), limit (capped) and offset."""
    return Schema.from_dict({
        **{name: field for name, field in FILTERS[kind].items()},
        "q": fields.String(validate=validate.Length(1, 100)),
        "limit": fields.Integer(load_default=50, validate=validate.Range(1, MAX_PAGE)),
        "offset": fields.Integer(load_default=0, validate=validate.Range(min=0)),
    }, name=f"{kind.title()}ListQuery")(unknown=RAISE)


def create_schema(kind):
    return SCHEMAS[kind]()


def update_schema(kind):
    return SCHEMAS[kind](partial=True, exclude=("id",))


def output_schema(kind, many=False):
    # a specialist's name shows on the desk and in the app; events leave it out
    return SCHEMAS[kind](many=many)

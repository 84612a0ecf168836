"""What crosses the registry's RPC boundary, in and out."""
from marshmallow import RAISE, Schema, fields, validate

from .domain.model import CENTRE_STATUSES

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,39}$", error="lowercase letters, digits and dashes")


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class DistrictSchema(StrictSchema):
    id = fields.String(required=True, validate=SLUG)
    name_kk = fields.String(required=True, validate=validate.Length(1, 200))
    name_ru = fields.String(required=True, validate=validate.Length(1, 200))
    admin_centre = fields.String(required=True, validate=validate.Length(1, 200))
    youth_population = fields.Integer(load_default=None, validate=validate.Range(min=0))


class CentreSchema(StrictSchema):
    id = fields.String(required=True, validate=SLUG)
    district_id = fields.String(required=True, validate=SLUG)
    name_kk = fields.String(required=True, validate=validate.Length(1, 200))
    name_ru = fields.String(required=True, validate=validate.Length(1, 200))
    address = fields.String(required=True, validate=validate.Length(1, 300))
    status = fields.String(load_default="planned", validate=validate.OneOf(CENTRE_STATUSES))
    opening_date = fields.Date(load_default=None)


class CentreFilterSchema(StrictSchema):
    district_id = fields.String(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(CENTRE_STATUSES))

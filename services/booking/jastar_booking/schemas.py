"""What crosses booking's boundaries."""
from marshmallow import Schema, fields


class CentreCopySchema(Schema):
    centre_id = fields.String()
    district_id = fields.String()
    status = fields.String()
    updated_at = fields.AwareDateTime()

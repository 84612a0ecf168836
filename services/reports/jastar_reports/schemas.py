"""Reports' boundaries: the query every report takes."""
from marshmallow import fields, validate

from jastar_common.validation import StrictSchema

_ID = validate.Length(min=1, max=40)

# a period of Almaty days (both included), and optionally one centre or district
# ("from" is a Python keyword, hence from_dict)
ReportQuerySchema = StrictSchema.from_dict({
    "from": fields.Date(required=True),
    "to": fields.Date(required=True),
    "centre_id": fields.String(load_default=None, validate=_ID),
    "district_id": fields.String(load_default=None, validate=_ID),
}, name="ReportQuerySchema")

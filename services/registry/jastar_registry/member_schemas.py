"""What crosses the registry's RPC boundary for members, in and out.

The schemas check shape, types and lengths (the lengths the gateway's
schemas take) and that a phone is a Kazakh mobile number (libphonenumber's
metadata: jastar_common.contracts.PHONE); the domain (domain/registration.py)
normalises phone, email and Telegram, checks age, IIN, district and
uniqueness. Output never carries the IIN beyond its masked form ("********1234").
"""
from marshmallow import ValidationError, fields, validate, validates_schema

from jastar_common.contracts import EMAIL, FULL_NAME, IIN, LANGUAGE, PHONE, TELEGRAM
from jastar_common.validation import StrictSchema

from .domain.model import CATEGORIES, MEMBER_STATUSES
from .schemas import SLUG

__all__ = [
    "MemberRegistrationSchema", "MemberUpdateSchema", "MemberSchema",
    "MemberEligibilitySchema", "MemberLookupSchema", "EligibilityPageSchema",
    "MemberIdsSchema", "CONTACT_FIELDS", "MAX_MEMBERS_PER_CALL",
]

CATEGORY = validate.OneOf(CATEGORIES)
STATUS = validate.OneOf(MEMBER_STATUSES)


class MemberRegistrationSchema(StrictSchema):
    full_name = fields.String(required=True, validate=FULL_NAME)
    birth_date = fields.Date(required=True)
    phone = fields.String(required=True, validate=PHONE)
    email = fields.String(load_default=None, allow_none=True, validate=EMAIL)
    telegram = fields.String(load_default=None, allow_none=True, validate=TELEGRAM)
    district_id = fields.String(load_default=None, allow_none=True, validate=SLUG)
    iin = fields.String(load_default=None, allow_none=True, validate=IIN)
    language = fields.String(required=True, validate=LANGUAGE)
    categories = fields.List(fields.String(validate=CATEGORY), load_default=list)
    # must be true: the domain refuses false, naming "consent" with the other fields
    consent = fields.Boolean(required=True)


class MemberUpdateSchema(StrictSchema):
    """Partial: only the keys given are changed. None (or "") clears email,
    telegram, district_id and iin; the other fields cannot be cleared."""
    full_name = fields.String(validate=FULL_NAME)
    birth_date = fields.Date()
    phone = fields.String(validate=PHONE)
    email = fields.String(allow_none=True, validate=EMAIL)
    telegram = fields.String(allow_none=True, validate=TELEGRAM)
    district_id = fields.String(allow_none=True, validate=SLUG)
    iin = fields.String(allow_none=True, validate=IIN)
    language = fields.String(validate=LANGUAGE)
    categories = fields.List(fields.String(validate=CATEGORY))


class MemberSchema(StrictSchema):
    """Output. `iin` is the masked value only; ciphertext and hash never leave."""
    id = fields.String(dump_only=True)
    full_name = fields.String(dump_only=True)
    birth_date = fields.Date(dump_only=True)
    phone = fields.String(dump_only=True)
    email = fields.String(dump_only=True)
    telegram = fields.String(dump_only=True)
    district_id = fields.String(dump_only=True)
    language = fields.String(dump_only=True)
    categories = fields.List(fields.String(), dump_only=True)
    status = fields.String(dump_only=True)
    registered_at = fields.DateTime(dump_only=True)
    consent_at = fields.DateTime(dump_only=True)
    iin = fields.String(attribute="iin_masked", dump_only=True)


# get_members: what a message to a member needs, and nothing more (no IIN,
# not even masked; no birth date or categories)
CONTACT_FIELDS = ("id", "full_name", "phone", "email", "telegram", "language", "status")
MAX_MEMBERS_PER_CALL = 500  # a sending batch is 50 by default


class MemberIdsSchema(StrictSchema):
    """Input of get_members: the ids of the members of one batch."""
    member_ids = fields.List(fields.String(validate=SLUG), required=True,
                             validate=validate.Length(max=MAX_MEMBERS_PER_CALL))


class MemberEligibilitySchema(StrictSchema):
    """What booking gets from member_eligibility (dumped by the registry,
    loaded by booking)."""
    member_id = fields.String(required=True)
    birth_date = fields.Date(required=True, allow_none=True)
    categories = fields.List(fields.String(), required=True)
    status = fields.String(required=True, validate=STATUS)


class MemberFactsSchema(StrictSchema):
    """What the reports service gets from list_member_facts."""
    member_id = fields.String(required=True)
    district_id = fields.String(required=True, allow_none=True)
    registered_at = fields.AwareDateTime(required=True, format="iso")
    status = fields.String(required=True, validate=STATUS)


class MemberLookupSchema(StrictSchema):
    """Staff desk look-up: exactly one of phone, iin."""
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    iin = fields.String(load_default=None, allow_none=True, validate=IIN)

    @validates_schema
    def _exactly_one(self, data, **kwargs):
        if (data.get("phone") is None) == (data.get("iin") is None):
            raise ValidationError("give exactly one of phone, iin")


class EligibilityPageSchema(StrictSchema):
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))

"""What crosses the notifications RPC boundary, in and out (unknown=RAISE in)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from jastar_common.validation import StrictSchema

from .domain.services import CHANNELS

LANGUAGE = validate.OneOf(("kk", "ru", "en"))
EVENT_PATTERN = validate.Regexp(r"^(\*|[a-z_]+(\.([a-z_]+|\*))*)$", error="an event type or pattern like booking.*")


class LoginCodeSchema(StrictSchema):
    phone = fields.String(required=True, validate=validate.Regexp(r"^\+?[\d\s()-]{10,20}$"))
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Za-z]{4,10}$"))
    language = fields.String(load_default="ru", validate=LANGUAGE)


CLOCK = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="a time of day as HH:MM (00:00-23:59)")


class QuietHoursSchema(StrictSchema):
    """Almaty wall-clock times; `from` after `to` crosses midnight (22:00-08:00)."""
    from_ = fields.String(required=True, data_key="from", attribute="from", validate=CLOCK)
    to = fields.String(required=True, validate=CLOCK)

    @validates_schema
    def not_empty(self, data, **kwargs):
        if data.get("from") and data.get("from") == data.get("to"):
            raise ValidationError("from and to must differ", field_name="to")


class PreferencesInSchema(StrictSchema):
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True)
    telegram_chat_id = fields.String(load_default=None, allow_none=True,
                                     validate=validate.Regexp(r"^-?\d{1,20}$"))
    quiet_hours = fields.Nested(QuietHoursSchema, load_default=None, allow_none=True)


class PageSchema(StrictSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class WebhookInSchema(StrictSchema):
    url = fields.String(required=True, validate=validate.Length(1, 2000))
    event_types = fields.List(fields.String(validate=EVENT_PATTERN), required=True,
                              validate=validate.Length(min=1))
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class PreferencesSchema(Schema):
    member_id = fields.String()
    channels = fields.List(fields.String())
    telegram_chat_id = fields.String(allow_none=True)
    quiet_hours = fields.Dict(allow_none=True)  # {"from", "to"} or null
    default = fields.Boolean()


class MessageSchema(Schema):
    """The delivery log: never the text, the contact or a login code."""
    id = fields.String()
    member_id = fields.String(allow_none=True)
    booking_id = fields.String(allow_none=True)
    message_type = fields.String()
    channel = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    provider_message_id = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.AwareDateTime()
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)


class WebhookSchema(Schema):
    id = fields.String()
    owner = fields.String()
    url = fields.String()
    event_types = fields.List(fields.String())
    description = fields.String(allow_none=True)
    active = fields.Boolean()
    disabled_reason = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class NewWebhookSchema(WebhookSchema):
    secret = fields.String()  # shown this once


class DeliverySchema(Schema):
    id = fields.String()
    subscription_id = fields.String()
    event_id = fields.String()
    event_type = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime()
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    response_ms = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)

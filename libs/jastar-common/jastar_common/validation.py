"""marshmallow at the boundaries: load or raise InvalidInput naming each field."""
from datetime import timezone

from marshmallow import RAISE, Schema, ValidationError, fields

from .errors import InvalidInput


class StrictSchema(Schema):
    """The base of every input schema: an unknown field is an error, named."""

    class Meta:
        unknown = RAISE


def load(schema, data, **kwargs):
    try:
        return schema.load(data if data is not None else {}, **kwargs)
    except ValidationError as err:
        raise InvalidInput.from_validation_error(err) from None


class UtcDateTime(fields.AwareDateTime):
    """An ISO-8601 time with its offset, held and written in UTC, so that the
    same moment always reads the same whichever zone it was given in."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).astimezone(timezone.utc)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None:
            value = value.astimezone(timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)

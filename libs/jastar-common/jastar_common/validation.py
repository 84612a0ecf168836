"""marshmallow at the boundaries: load or raise InvalidInput naming each field."""
from marshmallow import ValidationError

from .errors import InvalidInput


def load(schema, data, **kwargs):
    try:
        return schema.load(data if data is not None else {}, **kwargs)
    except ValidationError as err:
        raise InvalidInput.from_validation_error(err) from None

"""The one envelope every Jastar Hub event travels in (a public contract,
documented in docs/asyncapi.yaml)."""
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from marshmallow import Schema, fields, validate, RAISE

from .clock import utcnow

EVENT_TYPE_PATTERN = r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$"


@dataclass(frozen=True)
class Envelope:
    type: str
    source: str
    data: dict
    version: int = 1
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=utcnow)

    def to_dict(self):
        return _SCHEMA.dump(self)

    @classmethod
    def from_dict(cls, payload):
        """Validate an incoming envelope; raises marshmallow.ValidationError."""
        return cls(**_SCHEMA.load(payload))


class EnvelopeSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(EVENT_TYPE_PATTERN))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    time = fields.AwareDateTime(required=True, format="iso")  # naive times are refused
    source = fields.String(required=True, validate=validate.Length(min=1, max=64))
    data = fields.Dict(keys=fields.String(), required=True)

    def load(self, *args, **kwargs):
        loaded = super().load(*args, **kwargs)
        loaded["id"] = str(loaded["id"])
        return loaded


# built once: making a marshmallow schema costs more than using it, and a
# schema keeps no state between dump and load calls
_SCHEMA = EnvelopeSchema()

"""Write docs/asyncapi.yaml from the event catalogues in the code, so the
published contract and what the services emit cannot drift apart.
`--check` exits 1 when the file on disk differs (the test suite runs it)."""
import dataclasses
import sys
import types
import typing
from datetime import date, datetime
from pathlib import Path

import yaml

from jastar_common.ages import BAND_NAMES
from jastar_common.contracts import BOOKING_EVENTS, REFERENCE_VERBS, WAITLIST_EVENTS
from jastar_common.envelope import EVENT_TYPE_PATTERN
from jastar_common.topology import EVENTS_EXCHANGE_NAME
from jastar_registry.domain import catalogue

# served by the gateway at /asyncapi.yaml; docs/asyncapi.yaml links to it
DOC = Path(__file__).resolve().parent.parent / "gateway" / "jastar_gateway" / "static" / "asyncapi.yaml"

INTRO = """\
Every change in Jastar Hub is published as an event, in one envelope, on the
RabbitMQ topic exchange `jastar.events` with the event type as the routing key
(e.g. `centre.updated`). Integrators bind their own durable queue to the
exchange with the keys they want (`centre.*`, `#`).

Guarantees: an event is published if and only if the change that caused it
committed (transactional outbox); delivery is at least once, so consumers keep
the ids they have handled (the envelope `id` is unique per event and is also
the AMQP `message_id`). Order is per publishing service, oldest first, but a
retried event may arrive after a newer one: compare `time`.

Events carry ids and non-personal fields only. Fetch personal data through the
API, with the rights to see it. `*.updated` events name the changed fields in
`data.changed`.
"""

_JSON_TYPES = {str: {"type": "string"}, int: {"type": "integer"}, bool: {"type": "boolean"},
               date: {"type": "string", "format": "date"},
               datetime: {"type": "string", "format": "date-time"},
               list: {"type": "array"}, dict: {"type": "object"}}


def _json_type(annotation):
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) and type(None) in args:
        inner = _json_type(next(a for a in args if a is not type(None)))
        return {**inner, "type": [inner["type"], "null"]}
    return dict(_JSON_TYPES[annotation])


def _kind_schema(kind):
    hints = {f.name: f.type for f in dataclasses.fields(kind.cls)}
    properties = {f"{kind.name}_id": {"type": "string"}}
    properties.update({name: _json_type(hints[name]) for name in kind.event_fields})
    return {"type": "object", "required": [f"{kind.name}_id"], "properties": properties}


MEMBER_SCHEMA = {"type": "object", "required": ["member_id"], "properties": {
    "member_id": {"type": "string", "format": "uuid"},
    "district_id": {"type": ["string", "null"]},
    "language": {"type": "string", "enum": ["kk", "ru"]},
    "status": {"type": "string", "enum": ["active", "erased"]},
}}
CHANGED = {"changed": {"type": "array", "items": {"type": "string"},
                       "description": "Names of the fields that changed."}}


_ID = {"type": "string"}
_MAYBE_ID = {"type": ["string", "null"]}
_TIME = {"type": "string", "format": "date-time"}
BOOKING_SCHEMA = {"type": "object", "required": ["booking_id", "member_id", "kind", "state"], "properties": {
    "booking_id": {"type": "string", "format": "uuid"}, "member_id": _ID,
    "kind": {"type": "string", "enum": ["consultation", "space", "seat"]},
    "state": {"type": "string", "enum": ["pending", "confirmed", "rejected", "cancelled", "checked_in",
                                         "no_show", "completed"]},
    "centre_id": _ID, "resource_id": _ID, "service_id": _MAYBE_ID, "specialist_id": _MAYBE_ID,
    "space_id": _MAYBE_ID, "session_id": _MAYBE_ID, "programme_id": _MAYBE_ID,
    "starts_at": _TIME, "ends_at": _TIME,
    "requested_at": {**_TIME, "description": "When the booking was made."},
    "changed_at": {**_TIME, "description": "When the booking took this state or time: of two events "
                                           "of one booking, the later changed_at is the current one."},
    "age_band": {"type": ["string", "null"], "enum": [*BAND_NAMES, None],
                 "description": "The member's age band on the booking's local date (never the birth date)."},
    "reason": {"type": ["string", "null"]},
    "by": {"type": "string", "enum": ["member", "staff", "system"]},
    "previous_starts_at": {**_TIME, "description": "booking.rescheduled only"},
    "previous_ends_at": {**_TIME, "description": "booking.rescheduled only"},
}}
WAITLIST_SCHEMA = {"type": "object", "required": ["entry_id", "member_id", "resource_id", "position"],
                   "properties": {
    "entry_id": {"type": "string", "format": "uuid"}, "member_id": _ID,
    "resource_id": {**_ID, "description": "a session, or a programme booked as a whole course"},
    "centre_id": _ID, "position": {"type": "integer", "minimum": 1, "description":
        "the place in line when the event happened: waiting entries ahead + 1"},
    "state": {"type": "string", "enum": ["waiting", "offered", "accepted", "declined", "expired", "left"]},
    "joined_at": {**_TIME, "description": "When the member joined the waitlist."},
    "changed_at": {**_TIME, "description": "When the entry took this state."},
    "offer_expires_at": {**_TIME, "description": "waitlist.offered only"},
    "booking_id": {"type": "string", "description": "waitlist.promoted only"},
}}


def data_schemas():
    """{event type: data schema} for every event any service emits."""
    out = {}
    for kind in catalogue.KINDS.values():
        base = _kind_schema(kind)
        for verb in REFERENCE_VERBS:
            schema = {**base, "properties": {**base["properties"], **(CHANGED if verb == "updated" else {})}}
            out[f"{kind.name}.{verb}"] = schema
    out["member.registered"] = MEMBER_SCHEMA
    out["member.updated"] = {**MEMBER_SCHEMA, "properties": {**MEMBER_SCHEMA["properties"], **CHANGED}}
    out["member.erased"] = {"type": "object", "required": ["member_id"],
                            "properties": {"member_id": {"type": "string", "format": "uuid"}}}
    out.update({event: BOOKING_SCHEMA for event in BOOKING_EVENTS})
    out.update({event: WAITLIST_SCHEMA for event in WAITLIST_EVENTS})
    return out


def build():
    schemas = data_schemas()
    messages = {
        event: {"name": event, "contentType": "application/json", "payload": {"allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {"type": "object", "properties": {"type": {"const": event}, "data": schema}},
        ]}}
        for event, schema in sorted(schemas.items())
    }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Jastar Hub events", "version": "1.0.0", "description": INTRO},
        "servers": {"production": {"host": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0.9.1"}},
        "channels": {"events": {
            "address": EVENTS_EXCHANGE_NAME,
            "bindings": {"amqp": {"is": "routingKey", "exchange": {
                "name": EVENTS_EXCHANGE_NAME, "type": "topic", "durable": True, "autoDelete": False,
                "vhost": "/"}}},
            "messages": {event: {"$ref": f"#/components/messages/{event}"} for event in messages},
        }},
        "operations": {"receiveEvents": {
            "action": "receive", "channel": {"$ref": "#/channels/events"},
            "summary": "Bind a queue to jastar.events with the routing keys (event types) you need.",
            "messages": [{"$ref": f"#/channels/events/messages/{event}"} for event in messages],
        }},
        "components": {"schemas": {"Envelope": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "type", "version", "time", "source", "data"],
            "properties": {
                "id": {"type": "string", "format": "uuid",
                       "description": "Unique per event; also the AMQP message_id."},
                "type": {"type": "string", "pattern": EVENT_TYPE_PATTERN,
                         "description": "Also the routing key."},
                "version": {"type": "integer", "minimum": 1,
                            "description": "Version of this type's data schema."},
                "time": {"type": "string", "format": "date-time",
                         "description": "When it happened: UTC, ISO-8601 with its offset."},
                "source": {"type": "string", "enum": ["registry", "booking", "notifications", "gateway"]},
                "data": {"type": "object"},
            }}}, "messages": messages},
    }


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # write shared schemas out in full, no &anchors
        return True


_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def render():
    return "# Generated by scripts/gen_asyncapi.py from the code's event catalogues: do not edit.\n" + \
        yaml.dump(build(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def main(argv):
    text = render()
    if "--check" in argv:
        if DOC.read_text() != text:
            print("docs/asyncapi.yaml is out of date: run python scripts/gen_asyncapi.py")
            return 1
        return 0
    DOC.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

import pytest
from marshmallow import ValidationError
from nameko.exceptions import deserialize, serialize

from jastar_common import errors
from jastar_common.envelope import Envelope
from jastar_common.outbox import backoff_seconds


def test_envelope_round_trips_through_its_schema():
    envelope = Envelope(type="booking.confirmed", source="booking", data={"booking_id": "b-1"})
    payload = envelope.to_dict()
    assert set(payload) == {"id", "type", "version", "time", "source", "data"}
    assert payload["time"].endswith("+00:00")
    assert Envelope.from_dict(payload) == envelope


@pytest.mark.parametrize("change, field", [
    ({"type": "Booking Confirmed"}, "type"),
    ({"version": 0}, "version"),
    ({"id": "not-a-uuid"}, "id"),
    ({"time": "2026-01-01T10:00:00"}, "time"),  # naive: whose 10:00?
    ({"extra": 1}, "extra"),
])
def test_envelope_rejects_what_breaks_the_contract(change, field):
    payload = {**Envelope(type="a.b", source="s", data={}).to_dict(), **change}
    with pytest.raises(ValidationError) as err:
        Envelope.from_dict(payload)
    assert field in err.value.messages


def test_typed_errors_cross_rpc_intact():
    original = errors.RuleBroken("too many bookings", rule="max_active_bookings", limit=3)
    rebuilt = deserialize(serialize(original))
    assert isinstance(rebuilt, errors.RuleBroken)
    assert rebuilt.message == "too many bookings"
    # nameko stringifies scalars on the way (its safe_for_serialization)
    assert rebuilt.details == {"rule": "max_active_bookings", "limit": "3"}


def test_backoff_grows_and_is_capped():
    assert all(0 <= backoff_seconds(0) <= 0.5 for _ in range(100))
    assert max(backoff_seconds(3) for _ in range(500)) > 2
    assert all(backoff_seconds(30) <= 60 for _ in range(100))

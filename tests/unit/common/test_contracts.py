"""One contract, taken from jastar_common.contracts by every side of it."""
import pytest
from marshmallow import ValidationError

from jastar_booking.domain.events import EVENT_TYPES as BOOKING
from jastar_common import contracts
from jastar_common.topology import subscription
from jastar_gateway import schemas as gateway
from jastar_registry import member_schemas as registry
from jastar_registry.domain import catalogue
from jastar_registry.repository import RegistryUnitOfWork
from jastar_reports.domain.facts import COPIED_KINDS as REPORTS_COPIED


def test_the_services_emit_the_events_of_the_contract():
    assert RegistryUnitOfWork.event_types == contracts.EVENT_TYPES["registry"]
    assert BOOKING == contracts.EVENT_TYPES["booking"]
    assert tuple(catalogue.KINDS) == contracts.REFERENCE_KINDS
    assert REPORTS_COPIED == contracts.REPORTS_COPIED_KINDS


def test_each_copy_of_registry_data_hears_the_events_of_the_kinds_it_keeps():
    booking = subscription("booking", "registry_changes").keys
    reports = subscription("reports", "registry_changes").keys
    assert {f"{kind}.*" for kind in contracts.BOOKING_COPIED_KINDS} < set(booking)
    assert set(reports) == {f"{kind}.*" for kind in (*contracts.REPORTS_COPIED_KINDS, "member")}
    assert "member.*" in booking


@pytest.mark.parametrize("phone, gateway_takes, registry_takes", [
    ("8 701 234 56 78", True, True),
    ("+1 202 555 0100", True, False),  # the shape, yes; a Kazakh mobile, no
    ("1234", False, False),
    ("8" * 41, False, False),
])
def test_the_gateway_checks_a_phones_shape_the_registry_its_meaning_too(
        phone, gateway_takes, registry_takes):
    assert _takes(gateway.MemberChanges(), {"phone": phone}) is gateway_takes
    assert _takes(registry.MemberUpdateSchema(), {"phone": phone}) is registry_takes


@pytest.mark.parametrize("field, value", [
    ("full_name", "A"), ("full_name", "A" * 201), ("email", "a" * 255), ("telegram", "t" * 101),
    ("iin", "1" * 21), ("language", "en"),
])
def test_both_refuse_the_same_member_input(field, value):
    assert not _takes(gateway.MemberChanges(), {field: value})
    assert not _takes(registry.MemberUpdateSchema(), {field: value})


def _takes(schema, data):
    try:
        schema.load(data)
    except ValidationError:
        return False
    return True

"""Booking's rules where they rest on RPC and PostgreSQL: a retried request,
a move in one transaction, bad input named at the boundary, availability
asked over RPC. No registry runs: booking works from its own copy. The rules
themselves are unit tests (tests/unit/booking/test_rules.py)."""
from datetime import datetime, timedelta

import pytest

from jastar_common.errors import InvalidInput, SlotTaken

from .conftest import client, events, staff
from .world import local


def studio(member_id, start, end, **more):
    return {"kind": "space", "member_id": member_id, "space_id": "studio",
            "starts_at": start.isoformat(), "ends_at": end.isoformat(), **more}


def consultation(member_id, start, **more):
    return {"kind": "consultation", "member_id": member_id, "service_id": "svc",
            "starts_at": start.isoformat(), **more}


def rule_of(excinfo):
    return excinfo.value.details.get("rule")


def test_a_repeated_idempotency_key_returns_the_first_booking(booking):
    with client(booking.amqp_uri) as rpc:
        request = consultation("m-001", local(booking.day, 11), idempotency_key="tap-1")
        first = rpc.booking.create_booking(request)
        again = rpc.booking.create_booking(request)
    assert first == again
    assert len(events(booking.url, "booking.confirmed")) == 1


def test_reschedule_is_atomic(booking):
    day = booking.day
    with client(booking.amqp_uri) as rpc:
        a = rpc.booking.create_booking(consultation("m-020", local(day, 15), specialist_id="sp1"))["booking"]
        rpc.booking.create_booking(consultation("m-021", local(day, 16), specialist_id="sp1"))
        with pytest.raises(SlotTaken):
            rpc.booking.reschedule_booking(a["id"], {"starts_at": local(day, 16).isoformat()})
        assert rpc.booking.get_booking(a["id"])["starts_at"] == a["starts_at"]  # kept the old one
        moved = rpc.booking.reschedule_booking(a["id"], {"starts_at": local(day, 17).isoformat()})
        assert moved["starts_at"] != a["starts_at"]
        # the old slot is free again
        assert rpc.booking.create_booking(consultation("m-022", local(day, 15), specialist_id="sp1"))
    assert len(events(booking.url, "booking.rescheduled")) == 1


def test_a_booking_says_until_when_its_member_may_cancel_and_move_it(booking):
    start = local(booking.day, 12)
    with client(booking.amqp_uri) as rpc:
        made = rpc.booking.create_booking(consultation("m-030", start))["booking"]
        read = rpc.booking.get_booking(made["id"])
        cancelled = rpc.booking.cancel_booking(made["id"])
    for seen in (made, read):  # the default policy: 60 minutes to cancel, 120 to move
        assert datetime.fromisoformat(seen["cancel_until"]) == start - timedelta(minutes=60)
        assert datetime.fromisoformat(seen["move_until"]) == start - timedelta(minutes=120)
    assert cancelled["cancel_until"] is None and cancelled["move_until"] is None


def test_bad_requests_name_their_fields(booking):
    with client(booking.amqp_uri) as rpc:
        with pytest.raises(InvalidInput) as err:
            rpc.booking.create_booking({"kind": "space", "member_id": "m-040", "space_id": "studio",
                                        "starts_at": "tomorrow", "colour": "red"})
    assert {"starts_at", "colour"} <= set(err.value.details["fields"])
    with client(booking.amqp_uri, staff("c1")) as desk:
        for day in ("tomorrow", None, "2026-12-01T10:00"):
            with pytest.raises(InvalidInput) as err:
                desk.booking.centre_day("c1", day)
            assert set(err.value.details["fields"]) == {"day"}


def test_full_studio_hours_show_with_free_0_when_asked(booking):
    day = booking.day
    ask = {"kind": "space", "space_id": "studio", "from": day.isoformat(), "to": day.isoformat()}
    with client(booking.amqp_uri) as rpc:
        rpc.booking.create_booking(studio("m-003", local(day, 10), local(day, 11)))
        plain = {s["starts_at"]: s["free"] for s in rpc.booking.availability(ask)["items"]}
        full = {s["starts_at"]: s["free"] for s in rpc.booking.availability({**ask, "include_full": True})["items"]}
        with pytest.raises(InvalidInput) as err:
            rpc.booking.availability({"kind": "consultation", "service_id": "svc", "from": day.isoformat(),
                                      "to": day.isoformat(), "include_full": True})
    shown_full = {datetime.fromisoformat(start) for start, free in full.items() if free == 0}
    assert shown_full >= {local(day, 10), local(day, 10, 30)}
    assert not {datetime.fromisoformat(start) for start in plain} & shown_full
    assert {start: free for start, free in full.items() if free} == plain
    assert "include_full" in err.value.details["fields"]

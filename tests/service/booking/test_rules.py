"""Booking's rules at their edges, through RPC, on PostgreSQL. No
registry runs in these tests: booking works from its own copy."""
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert

from jastar_booking.models import bookings as bookings_table
from jastar_booking.service import BookingService
from jastar_common.database import make_engine
from jastar_common.errors import Conflict, InvalidInput, NotAllowed, NotFound, RuleBroken, SlotTaken

from . import world
from .conftest import TEST_POLICY, client, events, member, staff
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


def test_studio_hours_per_week_quota_at_its_edge(booking):
    day = booking.day
    with client(booking.amqp_uri) as rpc:
        rpc.booking.create_booking(studio("m-002", local(day, 10), local(day, 13)))
        rpc.booking.create_booking(studio("m-002", local(day, 14), local(day, 15)))  # exactly 4 h
        with pytest.raises(RuleBroken) as err:
            rpc.booking.create_booking(studio("m-002", local(day, 16), local(day, 16, 30)))
    assert rule_of(err) == "space_hours_per_week"


def _past_no_shows(url, member_id, days_ago):
    engine = make_engine(url, pool_size=1)
    with engine.begin() as conn:
        for n, ago in enumerate(days_ago):
            start = datetime.now().astimezone() - timedelta(days=ago)
            conn.execute(insert(bookings_table).values(
                id=str(uuid.uuid4()), kind="consultation", member_id=member_id, centre_id="c1",
                resource_id="sp2", starts_at=start, ends_at=start + timedelta(minutes=30),
                hold_until=start + timedelta(minutes=30), state="no_show", created_at=start,
                updated_at=start))
    engine.dispose()


def test_three_no_shows_in_ninety_days_suspend_new_bookings(booking):
    _past_no_shows(booking.url, "m-003", [5, 40, 80])
    _past_no_shows(booking.url, "m-004", [5, 40, 91])  # the third is outside the 90 days
    with client(booking.amqp_uri) as rpc:
        with pytest.raises(RuleBroken) as err:
            rpc.booking.create_booking(consultation("m-003", local(booking.day, 12)))
        assert rule_of(err) == "suspended"
        assert rpc.booking.create_booking(consultation("m-004", local(booking.day, 12)))["booking"]


def test_booking_window_and_minimum_notice(booking, container_factory):
    far = world.working_day(31)
    with client(booking.amqp_uri) as rpc:
        with pytest.raises(RuleBroken) as err:
            rpc.booking.create_booking(studio("m-005", local(far, 10), local(far, 11)))
        assert rule_of(err) == "booking_window"
        near = world.working_day(29)
        assert rpc.booking.create_booking(studio("m-005", local(near, 10), local(near, 11)))["booking"]


def test_minimum_notice_refuses_what_starts_too_soon(rabbit_config, amqp_uri, container_factory,
                                                     service_database):
    url = service_database("booking")
    day = world.build(url)
    # 10:00 falls 30 minutes short of the notice and 11:00 clears it by 30, so
    # however slowly the container starts, only 10:00 is refused
    notice = (local(day, 10) - datetime.now().astimezone()).total_seconds() // 60 + 30
    container = container_factory(BookingService, {"BOOKING_DATABASE_URL": url, **TEST_POLICY,
                                                   "BOOKING_MIN_NOTICE_BOOK_MINUTES": int(notice)})
    container.start()
    with client(amqp_uri) as rpc:
        with pytest.raises(RuleBroken) as err:  # 10:00 is less than the notice away
            rpc.booking.create_booking(studio("m-006", local(day, 10), local(day, 11)))
        assert rule_of(err) == "min_notice"
        assert rpc.booking.create_booking(studio("m-006", local(day, 11), local(day, 12)))["booking"]


def test_bookings_around_midnight_in_almaty(booking):
    day = booking.day
    with client(booking.amqp_uri) as rpc:
        late = rpc.booking.create_booking(studio("m-007", local(day, 23), local(day, 23) + timedelta(hours=1)))
        assert late["booking"]["ends_at"].startswith(f"{day.isoformat()}T19:00:00")  # 24:00 local, UTC+5
        with pytest.raises(RuleBroken) as err:
            rpc.booking.create_booking(studio("m-008", local(day, 23, 30), local(day, 23, 30) + timedelta(hours=1)))
        assert rule_of(err) == "outside_opening_hours"
        with client(booking.amqp_uri, staff("c1")) as desk:
            day_list = desk.booking.centre_day("c1", day.isoformat())["items"]
        assert [b["id"] for b in day_list] == [late["booking"]["id"]]


def test_members_see_and_change_only_their_own_bookings(booking):
    with client(booking.amqp_uri, member("m-010")) as mine:
        own = mine.booking.create_booking(consultation(None, local(booking.day, 13)))["booking"]
        with pytest.raises(NotAllowed):
            mine.booking.create_booking(consultation("m-011", local(booking.day, 14)))
    with client(booking.amqp_uri, member("m-011")) as theirs:
        with pytest.raises(NotFound):
            theirs.booking.get_booking(own["id"])
        with pytest.raises(NotFound):
            theirs.booking.cancel_booking(own["id"], "not mine")
        assert theirs.booking.member_bookings("m-010")["items"] == []  # reads their own instead
    with client(booking.amqp_uri, staff("another-centre")) as desk:
        with pytest.raises(NotFound):
            desk.booking.check_in(own["id"])


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


def test_spaces_needing_approval_wait_for_staff(booking):
    day = booking.day
    with client(booking.amqp_uri) as rpc:
        hall = rpc.booking.create_booking({"kind": "space", "member_id": "m-030", "space_id": "hall",
                                           "starts_at": local(day, 10).isoformat(),
                                           "ends_at": local(day, 12).isoformat()})["booking"]
        assert hall["state"] == "pending"
        with pytest.raises(SlotTaken):  # a pending booking holds the hall
            rpc.booking.create_booking({"kind": "space", "member_id": "m-031", "space_id": "hall",
                                        "starts_at": local(day, 11).isoformat(),
                                        "ends_at": local(day, 12).isoformat()})
    with client(booking.amqp_uri, staff("c1")) as desk:
        assert desk.booking.approve_booking(hall["id"])["state"] == "confirmed"
        with pytest.raises(Conflict):
            desk.booking.reject_booking(hall["id"], "too late")
    assert [t for t, _ in events(booking.url, "booking.")] == ["booking.requested", "booking.confirmed"]


def test_bad_requests_name_their_fields(booking):
    with client(booking.amqp_uri) as rpc:
        with pytest.raises(InvalidInput) as err:
            rpc.booking.create_booking({"kind": "space", "member_id": "m-040", "space_id": "studio",
                                        "starts_at": "tomorrow", "colour": "red"})
    assert {"starts_at", "colour"} <= set(err.value.details["fields"])


def test_one_seat_per_member_and_eligibility(booking):
    world.set_member(booking.url, "m-050", birth_date=world.birthday_years_ago(booking.day, 36).isoformat())
    world.set_member(booking.url, "m-051", birth_date=world.birthday_years_ago(booking.day, 35).isoformat())
    with client(booking.amqp_uri) as rpc:
        rpc.booking.create_booking({"kind": "seat", "member_id": "m-051", "session_id": "s1"})
        with pytest.raises(Conflict):
            rpc.booking.create_booking({"kind": "seat", "member_id": "m-051", "session_id": "s1"})
        with pytest.raises(RuleBroken) as err:
            rpc.booking.create_booking({"kind": "seat", "member_id": "m-050", "session_id": "s1"})
    assert rule_of(err) == "age"


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


def test_where_a_member_booked_is_told_to_staff_only_among_their_centres(booking):
    with client(booking.amqp_uri) as rpc:
        made = rpc.booking.create_booking(consultation("m-004", local(booking.day, 12)))["booking"]
        rpc.booking.cancel_booking(made["id"], None)  # had a booking: still counts
        assert rpc.booking.member_centres("m-004") == ["c1"]
        assert rpc.booking.member_centres("m-005") == []
    with client(booking.amqp_uri, staff("c1")) as desk:
        assert desk.booking.member_centres("m-004") == ["c1"]
    with client(booking.amqp_uri, staff("c2")) as other:
        assert other.booking.member_centres("m-004") == []

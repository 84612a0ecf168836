"""A booking's life after it is made: waitlist offers taken or declined,
check-in, and what the sweeper does with time (no-shows, completion)."""
from datetime import timedelta

import pytest

from jastar_common.clock import utcnow
from jastar_booking.domain.policies import Policy
from jastar_booking.domain import bookings as use_cases
from jastar_booking.domain.sweeper import sweep
from jastar_booking.repository import BookingUnitOfWork
from jastar_common.database import make_engine, make_session_factory
from jastar_common.errors import Conflict, RuleBroken

from . import world
from .conftest import client, events, member, staff


@pytest.fixture
def full_course(rabbit_config, amqp_uri, container_factory, service_database):
    from jastar_booking.service import BookingService
    from .conftest import TEST_POLICY
    url = service_database("booking")
    day = world.build(url, seats=1)
    container = container_factory(BookingService, {"BOOKING_DATABASE_URL": url, **TEST_POLICY})
    container.start()
    with client(amqp_uri) as rpc:
        seat = rpc.booking.create_booking({"kind": "seat", "member_id": "m-000", "session_id": "s1"})
        second = rpc.booking.create_booking({"kind": "seat", "member_id": "m-001", "session_id": "s1"})
        third = rpc.booking.create_booking({"kind": "seat", "member_id": "m-002", "session_id": "s1",
                                            "idempotency_key": "k-third"})
    container.url, container.day, container.amqp_uri = url, day, amqp_uri
    return container, seat["booking"], second["waitlist"], third["waitlist"]


def run_sweep(url, at):
    engine = make_engine(url)
    factory = make_session_factory(engine)
    done = sweep(lambda: BookingUnitOfWork(factory, "booking"), Policy(), at)
    engine.dispose()
    return done


def test_an_offer_accepted_becomes_a_seat_and_a_declined_one_passes_on(full_course):
    container, seat, second, third = full_course
    assert (second["position"], third["position"]) == (1, 2)
    with client(container.amqp_uri) as rpc:
        rpc.booking.cancel_booking(seat["id"], "ill")
    with client(container.amqp_uri, member("m-001")) as m1:
        m1.booking.decline_offer(second["id"])
    with client(container.amqp_uri, member("m-002")) as m2:
        booked = m2.booking.accept_offer(third["id"])
        assert booked["state"] == "confirmed" and booked["member_id"] == "m-002"
        with pytest.raises(Conflict):
            m2.booking.accept_offer(third["id"])
    kinds = [t for t, _ in events(container.url, "waitlist.")]
    assert kinds == ["waitlist.joined", "waitlist.joined", "waitlist.offered", "waitlist.declined",
                     "waitlist.offered", "waitlist.promoted"]


def test_the_first_in_line_reads_1_once_the_one_ahead_took_a_seat(full_course):
    container, seat, second, third = full_course
    with client(container.amqp_uri) as rpc:
        rpc.booking.cancel_booking(seat["id"], "ill")  # the seat is offered to m-001
    with client(container.amqp_uri, member("m-002")) as m2:
        assert m2.booking.member_waitlist("m-002")["items"][0]["position"] == 1  # m-001 holds an offer
    with client(container.amqp_uri, member("m-001")) as m1:
        m1.booking.accept_offer(second["id"])
    with client(container.amqp_uri, member("m-002")) as m2:
        [mine] = m2.booking.member_waitlist("m-002")["items"]
        assert (mine["id"], mine["state"], mine["position"]) == (third["id"], "waiting", 1)
        # a retried request answers with the place now, not the place then
        again = m2.booking.create_booking({"kind": "seat", "member_id": "m-002", "session_id": "s1",
                                           "idempotency_key": "k-third"})
        assert again["waitlist"]["position"] == 1 and again["waitlist"]["id"] == third["id"]
    joined = [d["position"] for t, d in events(container.url, "waitlist.joined")]
    assert joined == [1, 2]


def test_no_one_else_may_accept_an_offer(full_course):
    container, seat, second, _ = full_course
    with client(container.amqp_uri) as rpc:
        rpc.booking.cancel_booking(seat["id"], None)
    with client(container.amqp_uri, member("m-002")) as other:
        with pytest.raises(Exception) as err:
            other.booking.accept_offer(second["id"])
    assert type(err.value).__name__ == "NotFound"


def test_unattended_bookings_become_no_shows_and_attended_ones_complete(booking):
    day = booking.day
    with client(booking.amqp_uri) as rpc:
        attended = rpc.booking.create_booking({"kind": "consultation", "member_id": "m-100",
                                               "service_id": "svc", "specialist_id": "sp1",
                                               "starts_at": world.local(day, 10).isoformat()})["booking"]
        missed = rpc.booking.create_booking({"kind": "consultation", "member_id": "m-101",
                                             "service_id": "svc", "specialist_id": "sp2",
                                             "starts_at": world.local(day, 10).isoformat()})["booking"]
    with client(booking.amqp_uri, staff("c1")) as desk:
        with pytest.raises(RuleBroken) as err:  # far too early to check in
            desk.booking.check_in(attended["id"])
        assert err.value.details["rule"] == "check_in_window"

    start = world.local(day, 10)
    engine = make_engine(booking.url)
    factory = make_session_factory(engine)
    from jastar_common.caller import Caller
    use_cases.check_in(BookingUnitOfWork(factory, "booking"), Caller("staff", "d", ("c1",)),
                       attended["id"], Policy(), start + timedelta(minutes=5))
    engine.dispose()
    assert run_sweep(booking.url, start + timedelta(minutes=14))["no_shows"] == 0  # still in grace
    done = run_sweep(booking.url, start + timedelta(minutes=31))
    assert done == {"offers_expired": 0, "no_shows": 1, "unapproved": 0, "completed": 1}
    states = {d["booking_id"]: t for t, d in events(booking.url, "booking.")
              if t in ("booking.no_show", "booking.completed")}
    assert states == {missed["id"]: "booking.no_show", attended["id"]: "booking.completed"}
    assert run_sweep(booking.url, start + timedelta(hours=2)) == dict.fromkeys(done, 0)


def test_an_erased_member_keeps_no_place_ahead_and_the_seat_passes_on(full_course):
    from jastar_booking.domain import copies
    from jastar_common.envelope import Envelope
    container, seat, second, _ = full_course
    engine = make_engine(container.url)
    factory = make_session_factory(engine)
    erased = Envelope(type="member.erased", source="registry", data={"member_id": "m-000"})
    copies.apply_registry_event(
        BookingUnitOfWork(factory, "booking"), erased,
        on_erased=lambda uow, member_id: use_cases.release_member(uow, member_id, Policy(), utcnow()))
    engine.dispose()
    cancelled = [d for t, d in events(container.url, "booking.cancelled")]
    assert [(d["booking_id"], d["reason"]) for d in cancelled] == [(seat["id"], "member erased")]
    assert [d["entry_id"] for _, d in events(container.url, "waitlist.offered")] == [second["id"]]

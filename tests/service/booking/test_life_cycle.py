"""A booking's life after it is made, where it rests on PostgreSQL: the place
in line counted by the database, and the sweeper's queries. The transitions
themselves are unit tests (tests/unit/booking/test_rules.py)."""
from datetime import timedelta

import pytest

from jastar_booking.domain.policies import Policy
from jastar_booking.domain import bookings as use_cases
from jastar_booking.domain.sweeper import sweep
from jastar_booking.repository import BookingUnitOfWork
from jastar_common.database import make_engine, make_session_factory

from . import world
from .conftest import client, events, member


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


def test_unattended_bookings_become_no_shows_and_attended_ones_complete(booking):
    """The sweeper's queries on PostgreSQL: each due booking once, then none."""
    day = booking.day
    with client(booking.amqp_uri) as rpc:
        attended = rpc.booking.create_booking({"kind": "consultation", "member_id": "m-100",
                                               "service_id": "svc", "specialist_id": "sp1",
                                               "starts_at": world.local(day, 10).isoformat()})["booking"]
        missed = rpc.booking.create_booking({"kind": "consultation", "member_id": "m-101",
                                             "service_id": "svc", "specialist_id": "sp2",
                                             "starts_at": world.local(day, 10).isoformat()})["booking"]
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

"""No double booking under concurrency, through real RPC, on SQLite and
PostgreSQL (each locks its own way); a full course's waitlist keeps its order
under a stampede."""
import random
from datetime import timedelta

import pytest

from jastar_booking.domain.policies import Policy
from jastar_booking.domain.sweeper import sweep
from jastar_common.clock import utcnow
from jastar_common.errors import SlotTaken

from .conftest import client, events
from .world import local


# the stress rounds: slow, and on both backends, whose locking differs
stress = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])


def gather(calls):
    """Results of call_async handles: ("ok", value) or ("error", exception)."""
    out = []
    for call in calls:
        try:
            out.append(("ok", call.result()))
        except Exception as exc:  # each failure is one of the outcomes we count
            out.append(("error", exc))
    return out


@pytest.mark.slow
@stress
def test_fifty_requests_for_one_slot_twenty_rounds_exactly_one_each(booking):
    with client(booking.amqp_uri) as rpc:
        for round_ in range(20):
            start = local(booking.day, 8) + timedelta(minutes=30 * round_)
            calls = [rpc.booking.create_booking.call_async({
                "kind": "consultation", "member_id": f"m-{n:03d}", "service_id": "svc",
                "specialist_id": "sp1", "starts_at": start.isoformat()}) for n in range(50)]
            results = gather(calls)
            confirmed = [v for kind, v in results if kind == "ok"]
            refused = [v for kind, v in results if kind == "error"]
            assert len(confirmed) == 1, f"round {round_}: {len(confirmed)} confirmed"
            assert confirmed[0]["booking"]["state"] == "confirmed"
            assert len(refused) == 49 and all(isinstance(e, SlotTaken) for e in refused), \
                {type(e).__name__ for e in refused}
    assert len(events(booking.url, "booking.confirmed")) == 20


@pytest.mark.slow
@stress
def test_overlapping_ranges_of_different_lengths_never_both_hold_the_studio(booking):
    rng = random.Random(7)
    base = local(booking.day, 10)
    requests = []
    for n in range(60):
        start = base + timedelta(minutes=30 * rng.randrange(0, 12))
        length = timedelta(minutes=30 * rng.randrange(1, 5))
        requests.append({"kind": "space", "member_id": f"m-{n:03d}", "space_id": "studio",
                         "starts_at": start.isoformat(), "ends_at": (start + length).isoformat()})
    with client(booking.amqp_uri) as rpc:
        results = gather([rpc.booking.create_booking.call_async(r) for r in requests])
        held = sorted((b["booking"]["starts_at"], b["booking"]["ends_at"])
                      for kind, b in results if kind == "ok")
    assert held, "nothing was booked at all"
    buffer = timedelta(minutes=15)
    from datetime import datetime
    spans = [(datetime.fromisoformat(s), datetime.fromisoformat(e)) for s, e in held]
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert e1 + buffer <= s2, f"overlap: {s1}-{e1} and {s2}-{e2}"
    assert all(isinstance(v, SlotTaken) or type(v).__name__ == "RuleBroken"
               for kind, v in results if kind == "error")


@pytest.mark.slow
@stress
def test_two_hundred_enrolments_for_ten_seats_then_cancellations_and_an_expired_offer(booking):
    with client(booking.amqp_uri) as rpc:
        results = gather([rpc.booking.create_booking.call_async(
            {"kind": "seat", "member_id": f"m-{n:03d}", "session_id": "s1"}) for n in range(200)])
        assert all(kind == "ok" for kind, _ in results), [v for k, v in results if k == "error"][:3]
        seats = [v["booking"] for _, v in results if "booking" in v]
        waiting = [v["waitlist"] for _, v in results if "waitlist" in v]
        assert len(seats) == 10 and all(s["state"] == "confirmed" for s in seats)
        assert sorted(w["position"] for w in waiting) == list(range(1, 191))
        joined = {w["id"]: w["position"] for w in waiting}  # the place at joining: the line's order

        leaving = seats[:5]
        gather([rpc.booking.cancel_booking.call_async(s["id"], "plans changed") for s in leaving])
        offered = events(booking.url, "waitlist.offered")
        assert sorted(joined[data["entry_id"]] for _, data in offered) == [1, 2, 3, 4, 5]
        # each offer went to whoever was first among those still waiting
        assert [data["position"] for _, data in offered] == [1] * 5

    # nobody answers the first offer: after the hold it passes to position 6
    later = utcnow() + Policy().offer_hold + timedelta(minutes=1)
    from jastar_booking.repository import BookingUnitOfWork
    from jastar_common.database import make_engine, make_session_factory
    engine = make_engine(booking.url)
    factory = make_session_factory(engine)
    done = sweep(lambda: BookingUnitOfWork(factory, "booking"), Policy(), later)
    engine.dispose()
    assert done["offers_expired"] == 5
    assert sorted(joined[d["entry_id"]] for _, d in events(booking.url, "waitlist.offered")) == \
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert len(events(booking.url, "waitlist.offer_expired")) == 5


def test_a_cancel_racing_a_check_in_lets_exactly_one_win(new_pg_database):
    """The state checked is the state written over: on PostgreSQL the booking
    row is read under its lock, so the loser sees the winner's change."""
    import eventlet
    from jastar_booking.domain import bookings as use_cases
    from jastar_booking.repository import BookingUnitOfWork
    from jastar_common.caller import SYSTEM, Caller
    from jastar_common.database import make_engine, make_session_factory
    from jastar_common.migrations import upgrade_head
    from . import world

    url = new_pg_database("race")
    upgrade_head("jastar_booking", url)
    day = world.build(url, members=40)
    engine = make_engine(url, pool_size=10)
    factory = make_session_factory(engine)
    uow = lambda: BookingUnitOfWork(factory, "booking")  # noqa: E731
    policy, desk = Policy(), Caller("staff", "desk", ("c1",))
    outcomes = []
    for n in range(20):
        start = local(day, 8) + timedelta(minutes=30 * n)
        _, booking = use_cases.create(uow(), SYSTEM, {"kind": "consultation", "member_id": f"m-{n:03d}",
                                                      "service_id": "svc", "specialist_id": "sp1",
                                                      "starts_at": start}, policy, utcnow())

        def attempt(action):
            try:
                action()
                return "ok"
            except Exception as exc:  # the loser's refusal is the point of the test
                return type(exc).__name__

        cancel = eventlet.spawn(attempt, lambda: use_cases.cancel(uow(), SYSTEM, booking.id, "race",
                                                                  policy, start - timedelta(hours=1)))
        check_in = eventlet.spawn(attempt, lambda: use_cases.check_in(uow(), desk, booking.id, policy,
                                                                      start + timedelta(minutes=1)))
        outcomes.append(sorted([cancel.wait(), check_in.wait()]))
    engine.dispose()
    assert all(pair == ["Conflict", "ok"] for pair in outcomes), outcomes

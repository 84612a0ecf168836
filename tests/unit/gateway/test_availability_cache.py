"""The gateway's availability cache: keyed by the exact request sent to
booking, dropped by events and by this process's own booking changes, never
storing an answer that raced a drop; AVAILABILITY_CACHE_SECONDS=0 turns it off."""
import re
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from nameko import config

from jastar_booking.domain.events import EVENT_TYPES as BOOKING_EVENTS
from jastar_common.clock import fixed
from jastar_common.errors import InvalidInput
from jastar_common.settings import read
from jastar_gateway import cache
from jastar_gateway.cache import AVAILABILITY, CATALOGUE, TtlCache
from jastar_gateway.invalidation import ROUTING_KEYS, drop_cached_answers
from jastar_gateway.routes import Calls
from jastar_gateway.routes.members import MemberRoutes
from jastar_gateway.routes.public import PublicRoutes
from jastar_gateway.routes.staff import StaffRoutes
from jastar_gateway.settings import GatewaySettings
from jastar_registry.repository import RegistryUnitOfWork


class Clock:
    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


# 01:30 on 2 December in Almaty: "today" is the local date, not the UTC one
NOW = datetime(2026, 12, 1, 20, 30, tzinfo=timezone.utc)


class Gateway(Calls, PublicRoutes, MemberRoutes, StaffRoutes):
    """The routes with booking replaced by a recorder, on a fixed clock."""

    now = staticmethod(fixed(NOW))

    def __init__(self):
        self.calls = []

    @property
    def settings(self):  # as the setup would build them from this config
        return read(GatewaySettings)

    def call(self, service, method, *args, **kwargs):
        self.calls.append((service, method, *args))
        if method == "availability":
            return {"items": [{"answer": len(self.calls)}]}
        return {"booking": {"id": "b1", "state": "confirmed"}}

    def asked(self):
        return [c[2] for c in self.calls if c[1] == "availability"]


def get(gateway, **query):
    query = {"limit": 20, "offset": 0, **query}  # what the query schema loads by default
    return gateway.availability(SimpleNamespace(jastar_query=query))


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(cache, "time", clock)
    AVAILABILITY.invalidate_all()
    CATALOGUE.invalidate_all()
    with config.patch({"AVAILABILITY_CACHE_SECONDS": 5}):
        yield clock
    AVAILABILITY.invalidate_all()
    CATALOGUE.invalidate_all()


def test_the_key_is_the_request_sent_with_the_dates_resolved():
    gateway = Gateway()
    first = get(gateway, service_id="jobs")
    today = date(2026, 12, 2)
    # the default range, spelled out, is the same request to booking
    assert get(gateway, service_id="jobs", date_from=today, date_to=today + timedelta(days=13)) == first
    assert get(gateway, service_id="jobs") == first
    assert gateway.asked() == [{"kind": "consultation", "service_id": "jobs",
                                "from": today.isoformat(), "to": (today + timedelta(days=13)).isoformat()}]
    # anything else in the request is another entry
    get(gateway, service_id="jobs", specialist_id="aida")
    get(gateway, service_id="housing")
    get(gateway, service_id="jobs", date_from=date(2030, 1, 1))
    get(gateway, space_id="karasai-sewing")
    get(gateway, programme_id="sewing-course")
    assert len(gateway.asked()) == 6
    assert gateway.asked()[-1] == {"kind": "programme", "programme_id": "sewing-course"}
    get(gateway, programme_id="sewing-course")
    get(gateway, space_id="karasai-sewing")
    assert len(gateway.asked()) == 6


def test_full_space_hours_are_asked_for_apart_and_only_for_spaces():
    gateway = Gateway()
    get(gateway, space_id="karasai-sewing", include_full=False)
    get(gateway, space_id="karasai-sewing", include_full=True)
    plain, full = gateway.asked()
    assert "include_full" not in plain and full == {**plain, "include_full": True}
    for other in ({"service_id": "jobs"}, {"programme_id": "sewing-course"}):
        with pytest.raises(InvalidInput) as err:
            get(gateway, include_full=True, **other)
        assert list(err.value.details["fields"]) == ["include_full"]
    assert len(gateway.asked()) == 2


def test_an_answer_expires_after_the_ttl(fresh):
    gateway = Gateway()
    first = get(gateway, service_id="jobs")
    fresh.now += 4.9
    assert get(gateway, service_id="jobs") == first
    fresh.now += 0.2
    assert get(gateway, service_id="jobs") != first
    assert len(gateway.asked()) == 2


def test_zero_seconds_turns_the_cache_off():
    gateway = Gateway()
    with config.patch({"AVAILABILITY_CACHE_SECONDS": 0}):
        get(gateway, service_id="jobs")
        get(gateway, service_id="jobs")
    assert len(gateway.asked()) == 2
    assert AVAILABILITY.items == {}


def test_a_fill_that_raced_an_invalidation_is_not_stored():
    store, calls = TtlCache(), []

    def fetch_while_an_event_arrives():
        calls.append(1)
        store.invalidate_all()  # booking answered from before the change the event announces
        return "before the change"

    assert store.get_or_call("k", 60, fetch_while_an_event_arrives, now=1) == "before the change"
    assert store.items == {}
    assert store.get_or_call("k", 60, lambda: "after", now=2) == "after"
    assert store.get_or_call("k", 60, lambda: "never asked", now=3) == "after"


def test_invalidate_all_drops_every_entry():
    store = TtlCache()
    store.get_or_call("a", 60, lambda: 1, now=1)
    store.get_or_call("b", 60, lambda: 2, now=1)
    store.invalidate_all()
    assert store.get_or_call("a", 60, lambda: 3, now=2) == 3


@pytest.mark.parametrize("change", [
    lambda g, r: g.create_booking(SimpleNamespace(jastar_body={"kind": "seat"}, environ={})),
    lambda g, r: g.cancel_booking(r, "b1"),
    lambda g, r: g.reschedule_booking(r, "b1"),
    lambda g, r: g.accept_offer(r, "w1"),
    lambda g, r: g.decline_offer(r, "w1"),
    lambda g, r: g.approve(r, "b1"),
    lambda g, r: g.reject(r, "b1"),
    lambda g, r: g.no_show(r, "b1"),
    lambda g, r: g.check_in(r, "b1"),
])
def test_a_booking_change_through_this_process_drops_its_answers(change):
    gateway = Gateway()
    get(gateway, service_id="jobs")
    change(gateway, SimpleNamespace(jastar_body={}, headers={}, environ={}))
    get(gateway, service_id="jobs")
    assert len(gateway.asked()) == 2


def test_a_failed_booking_change_keeps_the_answers():
    class Refusing(Gateway):
        def call(self, service, method, *args, **kwargs):
            if method == "cancel_booking":
                raise RuntimeError("booking said no")
            return super().call(service, method, *args, **kwargs)

    gateway = Refusing()
    get(gateway, service_id="jobs")
    with pytest.raises(RuntimeError):
        gateway.cancel_booking(SimpleNamespace(jastar_body={}), "b1")
    get(gateway, service_id="jobs")
    assert len(gateway.asked()) == 1


def test_events_drop_availability_and_registry_events_the_catalogue_too():
    gateway = Gateway()
    CATALOGUE.get_or_call("centres", 5, lambda: "catalogue")
    get(gateway, service_id="jobs")
    drop_cached_answers("booking.confirmed")
    assert AVAILABILITY.items == {} and CATALOGUE.items  # bookings leave the catalogue alone
    get(gateway, service_id="jobs")
    drop_cached_answers("schedule.updated")
    assert AVAILABILITY.items == {} and CATALOGUE.items == {}


def _topic_matches(pattern, key):
    words = [r"[^.]+" if w == "*" else (r".*" if w == "#" else re.escape(w)) for w in pattern.split(".")]
    return re.fullmatch(r"\.".join(words).replace(r"\..*", r"(\..*)?"), key) is not None


def test_the_queue_hears_every_event_that_changes_slots_seats_or_the_catalogue():
    emitted = set(BOOKING_EVENTS) | set(RegistryUnitOfWork.event_types)
    heard = {t for t in emitted if any(_topic_matches(p, t) for p in ROUTING_KEYS)}
    assert heard == {t for t in emitted if not t.startswith("member.")}
    assert {"booking.confirmed", "waitlist.offered", "schedule.updated", "specialist.closed",
            "session.created", "space.updated"} <= heard

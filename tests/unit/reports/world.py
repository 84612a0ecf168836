"""A small reports world for unit tests: a real ReportsUnitOfWork on a
SQLite file (the facts are SQL rows), and events built as booking and the
registry publish them."""
import uuid
from datetime import date, datetime, timedelta, timezone

from jastar_common.caller import Caller
from jastar_common.database import make_engine, make_session_factory
from jastar_common.envelope import Envelope
from jastar_common import tables
from jastar_reports.domain import facts
from jastar_reports.domain.facts import MemberHasher
from jastar_reports.settings import ReportsSettings
from jastar_reports.models import metadata
from jastar_reports.repository import ReportsUnitOfWork

HASHER = MemberHasher("unit-test-key")
SETTINGS = ReportsSettings()
ADMIN = Caller("admin", "admin-1")
WEEK = {"from": date(2026, 3, 2), "to": date(2026, 3, 8), "centre_id": None, "district_id": None}
H = timedelta(hours=1)
# Monday 2 March 2026 (no public holiday that week), 10:00 in Almaty = 05:00 UTC
MONDAY = datetime(2026, 3, 2, 5, 0, tzinfo=timezone.utc)
NOW = MONDAY + timedelta(days=7, hours=-1)  # when reports on WEEK are made: Monday 9 March, 09:00 in Almaty


def store(path):
    engine = make_engine(f"sqlite:///{path}", pool_size=1)
    metadata.create_all(engine)
    tables.metadata.create_all(engine, tables=[tables.inbox, tables.outbox])
    factory = make_session_factory(engine)
    return lambda: ReportsUnitOfWork(factory, "reports")


def event(event_type, data, time):
    source = "booking" if event_type.split(".")[0] in ("booking", "waitlist") else "registry"
    return Envelope(type=event_type, source=source, data=data, time=time)


def registry_events(time=MONDAY - timedelta(days=30)):
    """Region, two districts (one without a population), two centres, a space,
    a partner's service, a specialist and their schedule."""
    week = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    objects = [
        ("region", {"region_id": "almaty-region", "youth_population": 432_000}),
        ("district", {"district_id": "karasai", "region_id": "almaty-region", "youth_population": 82_000}),
        ("district", {"district_id": "konaev", "region_id": "almaty-region", "youth_population": None}),
        ("centre", {"centre_id": "karasai-yrc", "district_id": "karasai", "status": "open",
                    "opening_hours": week, "closed_dates": []}),
        ("centre", {"centre_id": "konaev-yrc", "district_id": "konaev", "status": "open",
                    "opening_hours": week, "closed_dates": []}),
        ("space", {"space_id": "studio", "centre_id": "karasai-yrc", "kind": "recording_studio",
                   "status": "open", "capacity": 1}),
        ("partner", {"partner_id": "career-centre", "kind": "career_centre"}),
        ("service", {"service_id": "jobs", "topic": "jobs", "partner_id": "career-centre",
                     "centre_ids": ["karasai-yrc", "konaev-yrc"]}),
        ("specialist", {"specialist_id": "aigerim", "partner_id": "career-centre", "service_ids": ["jobs"]}),
        ("schedule", {"schedule_id": "aigerim-karasai", "specialist_id": "aigerim", "centre_id": "karasai-yrc",
                      "status": "open", "weekly": {"mon": [["10:00", "14:00"]]}, "exceptions": []}),
    ]
    return [event(f"{kind}.created", data, time) for kind, data in objects]


class Booking:
    """One booking's life as the events booking would publish."""

    def __init__(self, member_id, starts_at, kind="consultation", centre_id="karasai-yrc",
                 resource_id="aigerim", service_id="jobs", minutes=30, age_band="18-24",
                 requested_at=None):
        self.data = {
            "booking_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{member_id}|{starts_at}|{kind}")),
            "member_id": member_id, "kind": kind,
            "centre_id": centre_id, "resource_id": resource_id,
            "service_id": service_id if kind == "consultation" else None,
            "specialist_id": resource_id if kind == "consultation" else None,
            "space_id": resource_id if kind == "space" else None, "session_id": None,
            "programme_id": None, "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(minutes=minutes)).isoformat(),
            "requested_at": (requested_at or starts_at - timedelta(days=3)).isoformat(),
            "age_band": age_band,
        }
        self.events = []
        self.move("confirmed", datetime.fromisoformat(self.data["requested_at"]))

    def move(self, state, at):
        verb = {"checked_in": "checked_in", "no_show": "no_show"}.get(state, state)
        self.data = {**self.data, "state": state, "changed_at": at.isoformat()}
        self.events.append(event(f"booking.{verb}", dict(self.data), at))
        return self

    def latest(self):
        return self.events[-1].data


def apply_all(uow_factory, envelopes):
    for envelope in envelopes:
        facts.apply_event(uow_factory(), envelope, HASHER)


def scenario():
    """(events in publishing order, latest booking and waitlist data)."""
    registered = [
        event("member.registered", {"member_id": "m1", "district_id": "karasai", "status": "active"}, MONDAY),
        event("member.registered", {"member_id": "m5", "district_id": "konaev", "status": "active"},
              MONDAY - timedelta(days=40)),
    ]
    b = [
        Booking("m1", MONDAY).move("checked_in", MONDAY - 0.1 * H),
        Booking("m1", MONDAY + 24 * H).move("checked_in", MONDAY + 24 * H),
        Booking("m2", MONDAY + 0.5 * H).move("no_show", MONDAY + H),
        Booking("m3", MONDAY + H).move("cancelled", MONDAY - 48 * H),
        Booking("m4", MONDAY + 1.5 * H).move("cancelled", MONDAY - 0.5 * H),       # late
        Booking("m5", MONDAY + 48 * H, centre_id="konaev-yrc", age_band="30-35")
        .move("checked_in", MONDAY + 48 * H).move("completed", MONDAY + 49 * H),
        Booking("m2", MONDAY + 5 * H, kind="space", resource_id="studio", minutes=120)
        .move("checked_in", MONDAY + 5 * H),
    ]
    joined = MONDAY - 10 * H
    entries = []
    for n, (final, after) in enumerate((("accepted", 5), ("expired", 3))):
        data = {"entry_id": f"entry-{n}", "member_id": f"w{n}", "resource_id": "sewing-1",
                "centre_id": "karasai-yrc", "position": n + 1, "joined_at": joined.isoformat()}
        for state, at in (("waiting", joined), ("offered", joined + H), (final, joined + after * H)):
            verb = {"waiting": "joined", "accepted": "promoted", "expired": "offer_expired"}.get(state, state)
            entries.append(event(f"waitlist.{verb}", {**data, "state": state, "changed_at": at.isoformat()}, at))
    events = registry_events() + registered + [e for one in b for e in one.events] + entries
    return events, b, entries

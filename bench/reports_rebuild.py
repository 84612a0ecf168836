"""Rebuild the reports from synthetic events: a year of a network of centres
(bookings checked in, missed and cancelled, waitlists, members), 1 000 000
events by default, each applied as the reports service applies one (its own
transaction, inbox included; 1% delivered twice), or --batch N at a time
(a replay: N events per transaction). Prints events per second, the final
database size, and how long each report over the whole year takes.

    .venv/bin/python bench/reports_rebuild.py [--events 1000000] [--batch 1000] [--sqlite]
        [--pg postgresql://postgres@127.0.0.1:5432/postgres]
"""
import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import create_engine, text

from jastar_common.ages import BAND_NAMES
from jastar_common.caller import Caller
from jastar_common.clock import utcnow
from jastar_common.database import make_engine, make_session_factory
from jastar_common.envelope import Envelope
from jastar_common.migrations import upgrade_head
from jastar_reports.domain import facts, reports
from jastar_reports.domain.facts import MemberHasher
from jastar_reports.domain.figures import REPORTS
from jastar_reports.settings import ReportsSettings
from jastar_reports.repository import ReportsUnitOfWork

YEAR = date(2026, 1, 1)
CENTRES = [("karasai", "karasai-yrc"), ("konaev", "konaev-coworking"), ("ili", "ili-coworking"),
           ("talgar", "talgar-yrc"), ("zhambyl", "zhambyl-yrc"), ("enbekshikazakh", "enbekshikazakh-yrc"),
           ("uighur", "uighur-yrc")]
SERVICES = ("jobs", "housing", "health", "psychologist", "lawyer", "state-programmes")
WEEKDAYS = {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def event(kind, data, at):
    source = "booking" if kind.split(".")[0] in ("booking", "waitlist") else "registry"
    return Envelope(type=kind, source=source, data=data, time=at)


def registry_events():
    at = datetime(2025, 12, 1, tzinfo=timezone.utc)
    yield event("region.created", {"region_id": "almaty-region", "youth_population": 432_000}, at)
    for district, centre in CENTRES:
        yield event("district.created", {"district_id": district, "region_id": "almaty-region",
                                         "youth_population": 82_000 if district == "karasai" else None}, at)
        yield event("centre.created", {"centre_id": centre, "district_id": district, "status": "open",
                                       "opening_hours": WEEKDAYS, "closed_dates": []}, at)
        yield event("space.created", {"space_id": f"{centre}-hall", "centre_id": centre, "kind": "hall",
                                      "status": "open", "capacity": 10}, at)
        for service in SERVICES:
            specialist = f"{centre}-{service}"
            yield event("specialist.created", {"specialist_id": specialist, "partner_id": None,
                                               "service_ids": [service]}, at)
            yield event("schedule.created", {"schedule_id": specialist, "specialist_id": specialist,
                                             "centre_id": centre, "weekly": WEEKDAYS, "exceptions": []}, at)
    for service in SERVICES:
        yield event("service.created", {"service_id": service, "topic": "jobs", "partner_id": None,
                                         "centre_ids": [c for _, c in CENTRES]}, at)


def life_events(rng, members):
    """Endless: a member registers now and then; a booking's life is two or
    three events; now and then a waitlist entry's."""
    n = 0
    while True:
        n += 1
        if n % 10 == 0 or not members:
            member = str(uuid.uuid4())
            members.append(member)
            district = rng.choice(CENTRES)[0]
            yield event("member.registered", {"member_id": member, "district_id": district, "status": "active"},
                        datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(525_600)))
        member = rng.choice(members)
        district, centre = rng.choice(CENTRES)
        day = YEAR + timedelta(days=rng.randrange(365))
        starts = datetime(day.year, day.month, day.day, 4 + rng.randrange(9), 30 * rng.randrange(2),
                          tzinfo=timezone.utc)
        if n % 25 == 0:  # a waitlist entry: joined, offered, then accepted, declined or expired
            data = {"entry_id": str(uuid.uuid4()), "member_id": member, "resource_id": f"{centre}-course",
                    "centre_id": centre, "position": 1, "joined_at": (starts - timedelta(days=5)).isoformat()}
            at = starts - timedelta(days=5)
            for state in ("waiting", "offered", rng.choice(("accepted", "declined", "expired"))):
                verb = {"waiting": "joined", "accepted": "promoted", "expired": "offer_expired"}.get(state, state)
                yield event(f"waitlist.{verb}", {**data, "state": state, "changed_at": at.isoformat()}, at)
                at += timedelta(hours=rng.randrange(1, 12))
            continue
        service = rng.choice(SERVICES)
        requested = starts - timedelta(hours=rng.randrange(1, 24 * 20))
        data = {"booking_id": str(uuid.uuid4()), "member_id": member, "kind": "consultation",
                "centre_id": centre, "resource_id": f"{centre}-{service}", "service_id": service,
                "specialist_id": f"{centre}-{service}", "space_id": None, "session_id": None,
                "programme_id": None, "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(minutes=30)).isoformat(), "requested_at": requested.isoformat(),
                "age_band": rng.choice(BAND_NAMES)}
        ending = rng.choices((("checked_in", "completed"), ("no_show",), ("cancelled",)), (75, 12, 13))[0]
        at = requested
        for state in ("confirmed", *ending):
            verb = {"checked_in": "checked_in", "no_show": "no_show"}.get(state, state)
            yield event(f"booking.{verb}", {**data, "state": state, "changed_at": at.isoformat()}, at)
            at = max(at, starts) + timedelta(minutes=rng.randrange(1, 40))


def stream(count, seed):
    rng, members = random.Random(seed), []
    sent, recent = 0, []
    for source in (registry_events(), life_events(rng, members)):
        for envelope in source:
            if sent >= count:
                return
            yield envelope
            sent += 1
            recent.append(envelope)
            if len(recent) > 1000:
                recent = recent[-500:]
            if rng.random() < 0.01 and sent < count:  # delivered again
                yield rng.choice(recent)
                sent += 1


def database(args):
    if args.sqlite:
        path = os.path.join(tempfile.mkdtemp(prefix="jastar-bench-"), "reports.db")
        return f"sqlite:///{path}", lambda: os.path.getsize(path), lambda: os.remove(path)
    admin = create_engine(args.pg.replace("postgresql://", "postgresql+psycopg2://"), isolation_level="AUTOCOMMIT")
    name = f"jastar_bench_reports_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def size():
        with admin.connect() as conn:
            return conn.execute(text("SELECT pg_database_size(:n)"), {"n": name}).scalar()

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return args.pg.rsplit("/", 1)[0] + "/" + name, size, drop


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--batch", type=int, default=1,
                        help="events per transaction (1: as the service applies them live)")
    args = parser.parse_args()
    url, size, drop = database(args)
    try:
        upgrade_head("jastar_reports", url)
        engine = make_engine(url, pool_size=2)
        factory = make_session_factory(engine)
        hasher = MemberHasher("bench-key")
        applied, started = 0, time.perf_counter()
        step = max(1, args.events // 10)
        print(f"applying {args.events} events to an empty reports database "
              f"({'SQLite' if args.sqlite else 'PostgreSQL'}, {args.batch} per transaction)")
        batch, shown = [], 0
        for envelope in stream(args.events, args.seed):
            batch.append(envelope)
            if len(batch) >= args.batch:
                facts.apply_events(ReportsUnitOfWork(factory, "reports"), batch, hasher)
                applied, batch = applied + len(batch), []
            if applied - shown >= step:
                shown = applied
                elapsed = time.perf_counter() - started
                print(f"  {applied:>9} events  {applied / elapsed:8.0f} events/s", flush=True)
        if batch:
            facts.apply_events(ReportsUnitOfWork(factory, "reports"), batch, hasher)
            applied += len(batch)
        elapsed = time.perf_counter() - started
        print(f"events: {applied}  seconds: {elapsed:.1f}  events/s: {applied / elapsed:.0f}")
        print(f"database size: {size() / 1e6:.1f} MB")
        query = {"from": YEAR, "to": YEAR + timedelta(days=364), "centre_id": None, "district_id": None}
        for name in REPORTS:
            began = time.perf_counter()
            rows = reports.build(ReportsUnitOfWork(factory, "reports"), Caller("admin", "bench"), name, query,
                                 ReportsSettings(), utcnow())["rows"]
            print(f"  report {name:<14} over the year: {time.perf_counter() - began:6.2f} s, {len(rows)} rows")
        engine.dispose()
    finally:
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

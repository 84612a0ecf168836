"""Availability of one specialist over 14 days as the bookings table grows
(10 000, 100 000, 1 000 000 rows in PostgreSQL): median and p99 in ms of the
booking service's own work (the domain query on its database), and the ratio
1M/10k, which stays near 1 when the lookup is an index range, not a scan.

    .venv/bin/python bench/booking_availability.py [--pg postgresql://postgres@127.0.0.1:5432/postgres]
"""
import argparse
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, text

from jastar_booking.domain import copies, queries
from jastar_booking.domain.policies import Policy
from jastar_booking.models import start_mappers
from jastar_booking.repository import BookingUnitOfWork
from jastar_common.calendar import ALMATY
from jastar_common.database import make_engine, make_session_factory
from jastar_common.migrations import upgrade_head

SIZES = (10_000, 100_000, 1_000_000)
RUNS = 200
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def world(url):
    engine = make_engine(url, pool_size=1)
    factory = make_session_factory(engine)
    items = {
        "centre": [dict(id="c1", status="open", closed_dates=[],
                        opening_hours={d: [["08:00", "20:00"]] for d in EVERY_DAY})],
        "service": [dict(id="svc", topic="jobs", slot_minutes=30, centre_ids=["c1"], status="open")],
        "specialist": [dict(id="sp-target", service_ids=["svc"], status="open")],
        "schedule": [dict(id="sch", specialist_id="sp-target", centre_id="c1", status="open",
                          exceptions=[], weekly={d: [["09:00", "18:00"]] for d in EVERY_DAY})],
    }
    for kind, rows in items.items():
        copies.resync(BookingUnitOfWork(factory, "bench"), kind, rows, datetime.now(timezone.utc))
    engine.dispose()


def grow(conn, have, want):
    """Bookings of 2 000 other specialists from two years back to two years
    ahead; the target keeps its 40 bookings in its 14 days whatever the total."""
    conn.execute(text("""
        INSERT INTO bookings (id, kind, member_id, centre_id, resource_id, starts_at, ends_at,
                              hold_until, state, created_at, updated_at)
        SELECT md5(random()::text || g)::uuid::text, 'consultation', 'm-' || (g % 50000), 'c1',
               'sp-' || (g % 2000), at, at + interval '30 minutes', at + interval '30 minutes',
               CASE WHEN g % 10 = 0 THEN 'cancelled' ELSE 'confirmed' END, now(), now()
        FROM generate_series(:first, :last) AS g,
             LATERAL (SELECT now() - interval '2 years' + (g % 2102400) * interval '1 minute') AS t(at)
    """), {"first": have + 1, "last": want})
    conn.execute(text("ANALYZE bookings"))


def target_bookings(conn, today):
    for n in range(40):
        start = datetime.combine(today + timedelta(days=2 + n % 12), datetime.min.time(),
                                 tzinfo=ALMATY) + timedelta(hours=9, minutes=30 * (n % 16))
        conn.execute(text("""INSERT INTO bookings (id, kind, member_id, centre_id, resource_id, starts_at,
                             ends_at, hold_until, state, created_at, updated_at)
                             VALUES (:id, 'consultation', 'm-x', 'c1', 'sp-target', :s, :e, :e,
                                     'confirmed', now(), now())"""),
                     {"id": str(uuid.uuid4()), "s": start, "e": start + timedelta(minutes=30)})


def measure(url, today):
    engine = make_engine(url)
    factory = make_session_factory(engine)
    policy = Policy()
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        slots = queries.consultation_slots(BookingUnitOfWork(factory, "bench"), "svc", "sp-target",
                                           today, today + timedelta(days=13), policy,
                                           datetime.now(timezone.utc))
        timings.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99) - 1], len(slots)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    start_mappers()
    admin = create_engine(args.pg.replace("postgresql://", "postgresql+psycopg2://"),
                          isolation_level="AUTOCOMMIT")
    name = f"jastar_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = args.pg.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade_head("jastar_booking", url)
        world(url)
        today = datetime.now(ALMATY).date()
        raw = create_engine(url.replace("postgresql://", "postgresql+psycopg2://"))
        with raw.begin() as conn:
            target_bookings(conn, today)
        results, have = {}, 0
        print(f"availability of one specialist over 14 days, {RUNS} runs each")
        print(f"{'bookings':>10} {'median ms':>10} {'p99 ms':>8} {'slots':>6}")
        for size in SIZES:
            with raw.begin() as conn:
                grow(conn, have, size)
            have = size
            results[size] = measure(url, today)
            median, p99, slots = results[size]
            print(f"{size:>10} {median:>10.2f} {p99:>8.2f} {slots:>6}", flush=True)
        raw.dispose()
        ratio = results[SIZES[-1]][0] / results[SIZES[0]][0]
        print(f"median ratio 1M/10k: {ratio:.2f} (flat is about 1; a scan would grow about 100x)")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()

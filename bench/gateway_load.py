"""Load on the public HTTP API of the whole system, against a nameko baseline.

Starts everything on this machine, each in its own process: the four services
by their run.sh scripts on fresh PostgreSQL databases and a fresh RabbitMQ
vhost (as tests/integration does), with the demo data and N signed-in members;
and the baseline of bench/baseline_echo.py (HTTP -> RPC -> event, nothing
else). Then, at 20 and at 50 concurrent clients (threads in load-generator
processes of their own, one keep-alive connection each), for a fixed time:

    echo          GET  /echo on the baseline
    centers       GET  /v1/centers
    availability  GET  /v1/availability?service_id=jobs
    bookings      POST /v1/bookings, every request a different free desk hour
                  (ili-desks, konaev-desks) or consultation slot, for members
                  no two clients share

It prints requests, errors (non-2xx, by status), 2xx per second and p50/p99
latency of the 2xx, the ratios against the baseline at the same concurrency
with PASS/FAIL per target, and, for a sample of the bookings made under load,
the time from the booking's creation to its notification message being
recorded (and sent) by the notifications service. Everything it started is
stopped and dropped at the end, also on Ctrl-C or error.

It also prints the notifications queues' depth 10 s into each booking
window and at its end, and the CPU-ms per booking summed over the system's
processes; with --py-spy DIR it profiles every service over each booking
window (bench/probes.py; read with bench/profile_summary.py).

    .venv/bin/python bench/gateway_load.py [--duration 15] [--booking-duration S] [--warmup 3]
        [--concurrency 20 50] [--members 200] [--sample 300] [--py-spy DIR]
        [--quiet-wait 300] [--keep-logs]

A benchmark, not a test: it prints figures, never fails the build, and
pytest does not collect it (testpaths = tests/). The reusable parts live next
to it: system.py (the system, members, clean-up), load.py (the HTTP load
driver, percentiles), cpu.py (CPU accounting).
"""

import argparse
import multiprocessing as mp
import os
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

# bench/ is not a package: its modules are imported from this script's
# directory. `python bench/gateway_load.py` puts it first on sys.path already;
# this covers other ways of loading the file (runpy, an import). The spawned
# load generators get the parent's sys.path.
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from cpu import cpu_percent, cpu_snapshot, say  # noqa: E402
from load import drive, percentile  # noqa: E402
from probes import Profiles, QueueDepths  # noqa: E402
from system import bring_up, main as bench_main  # noqa: E402

SCENARIOS = ("echo", "centers", "availability", "bookings")
TARGET_BOOKING_THROUGHPUT = 0.55  # of the baseline's, at the same concurrency (issue 13)
TARGET_BOOKING_P99 = 2.5          # times the baseline's
TARGET_READ_THROUGHPUT = 1.0
TARGET_RECORDED_P99_MS = 500      # booking -> notification recorded, over the booking window
TARGET_SENT_P99_MS = 1500         # booking -> notification sent
TARGET_CPU_MS_PER_BOOKING = 10    # summed over every process of the system
SYSTEM = ("gateway", "registry", "booking", "notifications", "reports", "rabbitmq", "postgres")
DEPTH_AT = 10                     # seconds into the booking window: the first queue depth


def run(bench, args):
    args.booking_duration = args.booking_duration or args.duration
    members, bodies = bring_up(bench, args, baseline=True)
    ctx = mp.get_context("spawn")
    slot_counter = ctx.Value("q", 0)

    scenarios = [
        ("echo", bench.echo_port, {"method": "GET", "path": "/echo"}),
        ("centers", bench.port, {"method": "GET", "path": "/v1/centers"}),
        ("availability", bench.port, {"method": "GET", "path": "/v1/availability?service_id=jobs"}),
        ("bookings", bench.port, {"method": "POST", "path": "/v1/bookings", "bodies": bodies}),
    ]
    table, latencies, cpus, backlog = {}, {}, {}, {}
    for concurrency in args.concurrency:
        # no two clients share a member: each has its own members' tokens
        token_sets = [[token for _, token in members[i::concurrency]] or [members[i % len(members)][1]]
                      for i in range(concurrency)]
        for name, port, spec in scenarios:
            if name not in args.scenarios:
                continue
            booking = "bodies" in spec
            duration = args.booking_duration if booking else args.duration
            say(f"{name} x{concurrency}: {args.warmup}s warm-up + {duration}s")
            depths = QueueDepths(bench, args.warmup + 0.5 + DEPTH_AT) if booking else None
            profiles = Profiles(bench, args, concurrency) if booking else None
            statuses, lat, window, cpu = drive(port, spec, concurrency, args.warmup, duration,
                                               token_sets if booking else None,
                                               slot_counter if booking else None, bench.cpu_groups())
            table[name, concurrency] = (statuses, lat, duration)
            cpus[name, concurrency] = cpu
            if booking:
                depths.at_end()
                if statuses.get("exhausted"):
                    say("ran out of free slots: raise the booking window or shorten the run")
                before = cpu_snapshot(bench.cpu_groups())
                started = time.monotonic()
                bench.settle()
                drained = time.monotonic() - started
                drain_cpu = cpu_percent(before, cpu_snapshot(bench.cpu_groups()), drained)
                profiles.finish()
                latencies[concurrency] = notification_latency(bench, window, args.sample)
                backlog[concurrency] = (depths.depths, drained, drain_cpu)
            else:
                time.sleep(1)
    report(table, latencies, cpus, backlog, args)


def notification_latency(bench, window, sample, seconds=180):
    """For a sample of the bookings created in the window: ms from the
    booking's created_at to its message's created_at (recorded) and sent_at."""
    from sqlalchemy import text

    begin, end = (datetime.fromtimestamp(t, timezone.utc) for t in window)
    with bench.engine("booking").connect() as conn:
        made = dict(conn.execute(text(
            "SELECT id, created_at FROM bookings WHERE created_at BETWEEN :a AND :b "
            "AND state = 'confirmed'"), {"a": begin, "b": end}).all())
    ids = random.Random(7).sample(sorted(made), min(sample, len(made)))
    deadline = time.monotonic() + seconds
    while True:
        with bench.engine("notifications").connect() as conn:
            rows = conn.execute(text(
                "SELECT booking_id, min(created_at), min(sent_at), count(sent_at) = count(*) "
                "FROM messages WHERE message_type = 'booking_confirmed' AND booking_id = ANY(:ids) "
                "GROUP BY booking_id"), {"ids": ids}).all()
        if (len(rows) == len(ids) and all(row[3] for row in rows)) or time.monotonic() > deadline:
            break
        time.sleep(1)
    recorded = sorted((row[1] - made[row[0]]).total_seconds() * 1000 for row in rows)
    sent = sorted((row[2] - made[row[0]]).total_seconds() * 1000 for row in rows if row[2] is not None)
    return len(ids), recorded, sent


def report(table, latencies, cpus, backlog, args):
    def row(name, concurrency):
        statuses, lat, duration = table[name, concurrency]
        ok = sum(n for s, n in statuses.items() if isinstance(s, int) and 200 <= s < 300)
        total = sum(n for s, n in statuses.items() if s != "exhausted")
        return dict(requests=total, errors=total - ok, ok=ok, rps=ok / duration, duration=duration,
                    p50=percentile(lat, 50), p99=percentile(lat, 99), statuses=statuses)

    def ms(value):
        return f"{value:.1f}" if value is not None else "-"

    def verdict(passed):
        return "PASS" if passed else "FAIL"

    print()
    print(f"gateway load, {args.duration:g}s per scenario ({args.booking_duration:g}s for bookings) after "
          f"{args.warmup:g}s warm-up; req/s and latency count 2xx only")
    print(f"{'scenario':<14}{'conc':>5}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    rows = {}
    for concurrency in args.concurrency:
        for name in SCENARIOS:
            if (name, concurrency) not in table:
                continue
            r = rows[name, concurrency] = row(name, concurrency)
            label = "echo(baseline)" if name == "echo" else name
            print(f"{label:<14}{concurrency:>5}{r['requests']:>10}{r['errors']:>8}{r['rps']:>9.1f}"
                  f"{ms(r['p50']):>9}{ms(r['p99']):>9}")
    errors = [(name, c, r["statuses"]) for (name, c), r in rows.items() if r["errors"]]
    if errors:
        print("errors by status:")
        for name, concurrency, statuses in errors:
            parts = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=str)
                              if not (isinstance(s, int) and 200 <= s < 300) and s != "exhausted")
            print(f"  {name} x{concurrency}: {parts}")

    print()
    print("against the baseline at the same concurrency")
    for concurrency in args.concurrency:
        base = rows.get(("echo", concurrency))
        for name, target in (("bookings", TARGET_BOOKING_THROUGHPUT), ("centers", TARGET_READ_THROUGHPUT),
                             ("availability", TARGET_READ_THROUGHPUT)):
            r = rows.get((name, concurrency))
            if base is None or r is None:
                continue
            ratio = r["rps"] / base["rps"] if base["rps"] else 0.0
            print(f"{verdict(ratio >= target)} {name} x{concurrency} throughput {ratio:.2f} of baseline "
                  f"({r['rps']:.1f} vs {base['rps']:.1f} req/s; target >= {target:.2f})")
            if name == "bookings":
                p99 = r["p99"] / base["p99"] if r["p99"] and base["p99"] else float("inf")
                print(f"{verdict(p99 <= TARGET_BOOKING_P99)} {name} x{concurrency} p99 {p99:.2f}x baseline "
                      f"({ms(r['p99'])} vs {ms(base['p99'])} ms; target <= {TARGET_BOOKING_P99:.1f}x)")

    print()
    print("booking -> notification message, sampled bookings made under load (ms)")
    print(f"{'conc':>5}{'sampled':>9}{'recorded':>10}{'p50':>9}{'p99':>9}{'sent':>7}{'p50':>9}{'p99':>9}")
    for concurrency, (sampled, recorded, sent) in latencies.items():
        print(f"{concurrency:>5}{sampled:>9}{len(recorded):>10}{ms(percentile(recorded, 50)):>9}"
              f"{ms(percentile(recorded, 99)):>9}{len(sent):>7}{ms(percentile(sent, 50)):>9}"
              f"{ms(percentile(sent, 99)):>9}")
    print("recorded: the message row's created_at; sent: its sent_at (the log channel), both "
          "from the booking's created_at")
    for concurrency, (sampled, recorded, sent) in latencies.items():
        window = f"x{concurrency}, {args.booking_duration:g}s window"
        recorded_p99, sent_p99 = percentile(recorded, 99), percentile(sent, 99)
        print(f"{verdict(recorded_p99 is not None and recorded_p99 <= TARGET_RECORDED_P99_MS)} recorded p99 "
              f"{ms(recorded_p99)} ms ({window}; target <= {TARGET_RECORDED_P99_MS} ms)")
        print(f"{verdict(sent_p99 is not None and sent_p99 <= TARGET_SENT_P99_MS)} sent p99 "
              f"{ms(sent_p99)} ms ({window}; target <= {TARGET_SENT_P99_MS} ms)")

    print()
    print(f"notifications queues, messages ready {DEPTH_AT:g}s into the booking window and at its end")
    for concurrency, (depths, drained, _) in backlog.items():
        first, end = depths.get("first", {}), depths.get("end", {})
        for queue in sorted(set(first) | set(end)):
            print(f"  x{concurrency} {queue:<40}{first.get(queue, '-'):>8}{end.get(queue, '-'):>8}")
        total_first, total_end = sum(first.values()), sum(end.values())
        print(f"{verdict(bool(first) and total_end <= total_first)} x{concurrency} queue depth at the end "
              f"{total_end} <= {total_first} at {DEPTH_AT:g}s; drained {drained:.1f}s after the window")

    print()
    print(f"CPU-ms per booking, summed over {', '.join(SYSTEM)}: over the window, and over the window "
          f"plus the drain after it (the backlog worked off)")
    for concurrency in args.concurrency:
        r = rows.get(("bookings", concurrency))
        if r is None or not r["ok"] or concurrency not in backlog:
            continue
        in_window = sum(cpus["bookings", concurrency].get(c, 0) for c in SYSTEM) / 100 * r["duration"]
        drained, drain_cpu = backlog[concurrency][1], backlog[concurrency][2]
        in_drain = sum(drain_cpu.get(c, 0) for c in SYSTEM) / 100 * drained
        per_window, per_all = in_window * 1000 / r["ok"], (in_window + in_drain) * 1000 / r["ok"]
        print(f"{verdict(per_all <= TARGET_CPU_MS_PER_BOOKING)} x{concurrency} {per_window:.1f} ms in the "
              f"window, {per_all:.1f} ms with the drain ({r['ok']} bookings; target <= "
              f"{TARGET_CPU_MS_PER_BOOKING} ms)")
        per_process = {c: (cpus["bookings", concurrency].get(c, 0) / 100 * r["duration"]
                           + drain_cpu.get(c, 0) / 100 * drained) * 1000 / r["ok"] for c in SYSTEM}
        print("    " + ", ".join(f"{c} {v:.1f}" for c, v in per_process.items()))

    print()
    print(f"CPU over each measured window, % of one core ({os.cpu_count()} cores = "
          f"{100 * (os.cpu_count() or 1)}%); other: processes not ours (other jobs); kernel+: "
          "softirq and short-lived processes")
    columns = SYSTEM[:-2] + ("echo",) + SYSTEM[-2:] + ("loadgen", "other", "kernel+", "machine")
    print(f"{'scenario':<14}{'conc':>5}" + "".join(f"{c[:8]:>9}" for c in columns))
    for concurrency in args.concurrency:
        for name in SCENARIOS:
            if (name, concurrency) not in cpus:
                continue
            cpu = cpus[name, concurrency]
            label = "echo(baseline)" if name == "echo" else name
            print(f"{label:<14}{concurrency:>5}" + "".join(f"{cpu.get(c, 0):>9.0f}" for c in columns))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15, help="measured seconds per scenario")
    parser.add_argument("--booking-duration", type=float, default=None,
                        help="measured seconds of the bookings scenario (default: --duration)")
    parser.add_argument("--py-spy", metavar="DIR", default=None,
                        help="profile every service with py-spy over each booking window into DIR")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds before each")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=SCENARIOS,
                        help="a subset to run (the ratios need echo)")
    parser.add_argument("--sample", type=int, default=300, help="bookings sampled for notification latency")
    return bench_main(parser, run)


if __name__ == "__main__":
    sys.exit(main())

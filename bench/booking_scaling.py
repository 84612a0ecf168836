"""Independent scaling of the booking service, shown on this machine: the
same load with one and with two booking processes.

Starts the whole system as bench/gateway_load.py does (bench/system.py: the
four services by their run.sh on fresh PostgreSQL databases and a fresh
RabbitMQ vhost, the demo data, N signed-in members). Then, with the one
booking process `make run` starts:

    http    POST /v1/bookings from --concurrency (30) clients for --duration
            seconds after --warmup, every request a different free desk hour
            or consultation slot, for members no two clients share
    events  --events (2000) centre.created envelopes published at once on
            jastar.events (as tests/integration/test_scaling.py does), timed
            from the first publish to the last one in booking's inbox

then starts a second booking process (same settings and database, its own
METRICS_PORT, ready when its /readyz says so) and runs both again. It prints
req/s, p50 and p99 for the HTTP load, events/s for the event workload, both
for 1 and 2 processes and the ratio 2/1, how the work split between the
processes (their entrypoint call counters), and the CPU of each. Everything
is stopped and dropped at the end, also on Ctrl-C or error.

    .venv/bin/python bench/booking_scaling.py [--duration 15] [--warmup 3]
        [--concurrency 30] [--members 90] [--events 2000] [--quiet-wait 300] [--keep-logs]

A benchmark, not a test: it prints figures and exits 0.
"""
import argparse
import multiprocessing as mp
import os
import re
import sys
import textwrap
import time
import urllib.request
import uuid
from pathlib import Path

# bench/ is not a package: see gateway_load.py
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from cpu import cpu_percent, cpu_snapshot, say  # noqa: E402
from load import HOST, drive, ok_count, percentile  # noqa: E402
from system import bring_up, main as bench_main  # noqa: E402

REPLICA = "booking-2"
CPU_COLUMNS = ("gateway", "booking", REPLICA, "registry", "notifications", "rabbitmq", "postgres",
               "loadgen", "bench", "other", "machine")


def cpu_groups(bench):
    """The services' processes, and this script's own (it publishes the events)."""
    return {**bench.cpu_groups(), "bench": [os.getpid()]}


def entrypoint_calls(bench, key, entrypoint):
    """All calls (any outcome) of one of booking's entrypoints in process `key`."""
    url = f"http://{HOST}:{bench.metrics_ports[key]}/metrics"
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    pattern = re.compile(r'^jastar_entrypoint_calls_total\{[^}]*entrypoint="' + re.escape(entrypoint)
                         + r'"[^}]*\} ([0-9.e+]+)$', re.M)
    return sum(float(v) for v in pattern.findall(text))


def booking_keys(bench):
    return ["booking"] + ([REPLICA] if REPLICA in bench.processes else [])


def http_run(bench, args, token_sets, bodies, counter):
    spec = {"method": "POST", "path": "/v1/bookings", "bodies": bodies}
    before = {k: entrypoint_calls(bench, k, "create_booking") for k in booking_keys(bench)}
    statuses, latencies, _, cpu = drive(bench.port, spec, args.concurrency, args.warmup, args.duration,
                                        token_sets, counter, cpu_groups(bench))
    split = {k: entrypoint_calls(bench, k, "create_booking") - n for k, n in before.items()}
    if statuses.get("exhausted"):
        say("ran out of free slots: shorten the run")
    return {"statuses": statuses, "rps": ok_count(statuses) / args.duration,
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99), "split": split, "cpu": cpu}


def event_run(bench, count, seconds=300):
    """Publish `count` centre.created envelopes and wait until booking's inbox
    has them all; events/s from the first publish to the last processed_at.
    The centres' copies are deleted afterwards: booking reads every centre
    copy on each consultation booking, so 2000 more would slow the next HTTP
    run and spoil the comparison."""
    from sqlalchemy import func, select, text

    from jastar_common import tables
    from jastar_common.envelope import Envelope
    from jastar_devkit.helpers import publish

    run = uuid.uuid4().hex[:6]
    events = [Envelope(type="centre.created", source="registry", data={
        "centre_id": f"scale-{run}-{n}", "district_id": "karasai", "status": "open",
        "opening_hours": {}, "closed_dates": []}) for n in range(count)]
    ids = [e.id for e in events]
    keys = booking_keys(bench)
    before = {k: entrypoint_calls(bench, k, "on_registry_change") for k in keys}
    snapshot = cpu_snapshot(cpu_groups(bench))
    began = time.time()
    publish(bench.env["AMQP_URI"], events)
    published = time.time() - began
    query = select(func.count(), func.max(tables.inbox.c.processed_at)).where(tables.inbox.c.event_id.in_(ids))
    deadline = time.monotonic() + seconds
    while True:
        with bench.engine("booking").connect() as conn:
            done, last = conn.execute(query).one()
        if done >= count or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    cpu = cpu_percent(snapshot, cpu_snapshot(cpu_groups(bench)), max(0.1, time.time() - began))
    if done < count:
        say(f"only {done} of {count} events in booking's inbox after {seconds}s")
    with bench.engine("booking").begin() as conn:
        conn.execute(text("DELETE FROM registry_copies WHERE kind = 'centre' AND obj_id LIKE :pattern"),
                     {"pattern": f"scale-{run}-%"})
        # as CopyRepository.put does: the booking processes' cached catalogue is stale now
        conn.execute(text("UPDATE copy_versions SET token = :token WHERE kind = 'centre'"),
                     {"token": uuid.uuid4().hex})
    elapsed = (last.timestamp() - began) if last is not None else float("nan")
    return {"done": done, "elapsed": elapsed, "published": published,
            "eps": done / elapsed if elapsed and elapsed > 0 else 0.0,
            "split": {k: entrypoint_calls(bench, k, "on_registry_change") - n for k, n in before.items()},
            "cpu": cpu}


def run(bench, args):
    members, bodies = bring_up(bench, args)
    counter = mp.get_context("spawn").Value("q", 0)  # shared by both runs: no slot is booked twice
    c = args.concurrency
    token_sets = [[token for _, token in members[i::c]] or [members[i % len(members)][1]] for i in range(c)]

    results = {}
    for processes in (1, 2):
        if processes == 2:
            say("starting a second booking process")
            bench.start_replica("booking", REPLICA)
        say(f"{processes} booking process(es): POST /v1/bookings x{c}, {args.warmup:g}s warm-up + "
            f"{args.duration:g}s")
        http = http_run(bench, args, token_sets, bodies, counter)
        bench.settle()  # booking's outbox drained and the messages recorded: the next run starts quiet
        time.sleep(1)
        say(f"{processes} booking process(es): {args.events} centre.created events")
        events = event_run(bench, args.events)
        results[processes] = http, events
    report(results, args)


def report(results, args):
    def ms(value):
        return f"{value:.1f}" if value is not None else "-"

    def split(parts):
        total = sum(parts.values()) or 1
        return " / ".join(f"{k} {v:.0f} ({100 * v / total:.0f}%)" for k, v in parts.items())

    print()
    print(f"booking scaling on {os.cpu_count()} cores: POST /v1/bookings x{args.concurrency}, "
          f"{args.duration:g}s after {args.warmup:g}s warm-up (req/s and latency count 2xx only); "
          f"{args.events} centre.created events")
    print(f"{'booking processes':<19}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'events/s':>10}{'events s':>10}")
    for n, (http, events) in results.items():
        total = sum(v for s, v in http["statuses"].items() if s != "exhausted")
        print(f"{n:<19}{total:>9}{total - ok_count(http['statuses']):>8}{http['rps']:>9.1f}"
              f"{ms(http['p50']):>9}{ms(http['p99']):>9}{events['eps']:>10.1f}{events['elapsed']:>10.2f}")
    if 1 in results and 2 in results:
        (h1, e1), (h2, e2) = results[1], results[2]

        def ratio(a, b):
            return f"{a / b:.2f}" if a and b else "-"
        print(f"{'ratio 2/1':<19}{'':>9}{'':>8}{ratio(h2['rps'], h1['rps']):>9}{ratio(h2['p50'], h1['p50']):>9}"
              f"{ratio(h2['p99'], h1['p99']):>9}{ratio(e2['eps'], e1['eps']):>10}")
    for n, (http, events) in results.items():
        errors = {s: v for s, v in http["statuses"].items()
                  if not (isinstance(s, int) and 200 <= s < 300) and s != "exhausted"}
        if errors:
            print(f"errors with {n}: " + ", ".join(f"{s}: {v}" for s, v in sorted(errors.items(), key=str)))
        if events["done"] < args.events:
            print(f"events with {n}: only {events['done']} of {args.events} handled in time")

    print()
    print("how the work split (each process's jastar_entrypoint_calls_total over the run, warm-up included)")
    for n, (http, events) in results.items():
        print(f"  {n}: create_booking {split(http['split'])}; on_registry_change {split(events['split'])}")
    print("events s: first publish to the last event in booking's inbox (publishing itself took "
          + ", ".join(f"{results[n][1]['published']:.2f}s with {n}" for n in results) + ")")

    print()
    print(f"CPU, % of one core ({os.cpu_count()} cores = {100 * (os.cpu_count() or 1)}%)")
    print(f"{'run':<12}" + "".join(f"{c[:9]:>10}" for c in CPU_COLUMNS))
    for n, (http, events) in results.items():
        for label, cpu in ((f"http x{n}", http["cpu"]), (f"events x{n}", events["cpu"])):
            print(f"{label:<12}" + "".join(f"{cpu.get(c, 0):>10.0f}" for c in CPU_COLUMNS))

    print()
    note = (f"note: on this {os.cpu_count()}-core machine the gateway, both booking processes, RabbitMQ, "
            "PostgreSQL and the load generators share the same cores. When the machine column is near "
            f"{100 * (os.cpu_count() or 1)}% the cores are the limit, and a second booking process mostly "
            "shows that the work is shared between the two (the split above), not that throughput doubles; "
            "a ratio near 2 needs a booking process that was the bottleneck and spare cores for the second.")
    print(textwrap.fill(note, 100))

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15, help="measured seconds per HTTP run")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds before each")
    parser.add_argument("--concurrency", type=int, default=30, help="HTTP clients")
    parser.add_argument("--members", type=int, default=90, help="members, spread over the clients")
    parser.add_argument("--events", type=int, default=2000, help="centre.created events per event run")
    return bench_main(parser, run)


if __name__ == "__main__":
    sys.exit(main())

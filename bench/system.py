"""The whole system for a bench, as the tests start it (the launcher:
jastar_devkit.system): a fresh RabbitMQ vhost and fresh PostgreSQL
databases, the demo data, the five services by their run.sh (and, for
gateway_load, the nameko baseline of bench/baseline_echo.py); more processes
of a service on demand (`start_replica`); members with tokens and the free
slots they can book; and the clean-up of all of it, also on Ctrl-C or error.

sqlalchemy and requests are imported inside the functions: the load-generator
processes re-import the calling script, which imports this module.
"""
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from cpu import say, wait_quiet
from load import HOST

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
BASELINE = ("EchoHandler", "EchoRpc", "EchoHttp")
ADMIN_KEY = "bench-admin-key"
SETTINGS = dict(
    JASTAR_ENV="development", ADMIN_API_KEY=ADMIN_KEY,
    RATE_LIMIT_PER_SECOND="1000000", RATE_LIMIT_BURST="1000000",
    BOOKING_MAX_ACTIVE_SPACE="1000000", BOOKING_MAX_ACTIVE_CONSULTATION="1000000",
    OUTBOX_POLL_SECONDS="0.5", SHUTDOWN_TIMEOUT_SECONDS="5", JWT_TTL_SECONDS="14400", LOG_LEVEL="WARNING")
# consultation services with a specialist of their own (state-programmes and
# own-business share one, whose 30 and 45 minute slots would overlap)
CONSULTATION_SERVICES = ("jobs", "housing", "health", "psychologist", "lawyer", "state-programmes")
DESKS = ("ili-desks", "konaev-desks")


class Bench:
    """The system under test and everything made for it; `cleanup()` undoes it all."""

    def __init__(self, args=None):
        from jastar_devkit.helpers import free_port
        from jastar_devkit.system import Sandbox

        self.args = args
        self.sandbox = Sandbox("jastar_bench")
        self.vhost = self.sandbox.vhost
        self.log_dir = Path(tempfile.mkdtemp(prefix="jastar-bench-"))
        self.system = None
        self.echo_port = free_port()
        self.replicas = set()  # extra processes of a service, by key
        self.engines = {}

    # the system (port, url, env, processes, metrics_ports: the launcher's)

    def __getattr__(self, name):
        if name in ("port", "url", "metrics_ports", "processes"):
            return getattr(self.system, name)
        if name == "env":
            return self.system.base_env
        raise AttributeError(name)

    def create_infrastructure(self):
        from jastar_devkit.system import System, system_env

        self.sandbox.create()
        self.system = System(system_env(self.sandbox.amqp_uri, self.sandbox.database_urls, **SETTINGS),
                             self.log_dir, say=say, stop_timeout=20)

    def start_system(self):
        self.system.seed()  # as `make run`: the demo data before the services start
        self.system.start_all()
        self.system.wait_ready(120)

    def start_baseline(self):
        for name, workers in (("http", 50), ("backend", 10)):  # as the gateway and the services
            (self.log_dir / f"echo-{name}.yml").write_text(
                f"AMQP_URI: '{self.env['AMQP_URI']}'\nWEB_SERVER_ADDRESS: '{HOST}:{self.echo_port}'\n"
                f"max_workers: {workers}\nparent_calls_tracked: 10\n"
                "LOGGING:\n  version: 1\n  root:\n    level: WARNING\n")
        env = {**self.env, "PYTHONPATH": str(BENCH)}
        for cls in BASELINE:
            config = self.log_dir / ("echo-http.yml" if cls == "EchoHttp" else "echo-backend.yml")
            self.system.add(cls, [str(BIN / "nameko"), "run", "--config", str(config), f"baseline_echo:{cls}"],
                            env, cwd=BENCH)
        self.system.wait_url(f"http://{HOST}:{self.echo_port}/echo", 60, list(BASELINE))

    def start_replica(self, service, key, seconds=90):
        """Another process of `service` (same settings and database, its own
        METRICS_PORT) under `key`; returns once its /readyz answers 200."""
        self.system.start(service, replica=key)
        self.replicas.add(key)
        self.system.wait_healthy(key, seconds)

    def db_url(self, service):
        return self.sandbox.database_urls[service]

    def engine(self, service):
        from sqlalchemy import create_engine

        if service not in self.engines:
            self.engines[service] = create_engine(self.db_url(service), pool_size=2)
        return self.engines[service]

    def cpu_groups(self):
        from jastar_devkit.system import SERVICES

        groups = {key: [proc.pid] for key, proc in self.processes.items()
                  if key in SERVICES or key in self.replicas}
        groups["echo"] = [proc.pid for key, proc in self.processes.items() if key in BASELINE]
        return groups

    def tail(self, key, chars=3000):
        return self.system.log(key)[-chars:] if self.system else ""

    def cleanup(self, keep_logs=False):
        try:
            if self.system:
                killed = self.system.stop_all()
                if killed:
                    say(f"had to kill {', '.join(killed)}")
        finally:
            for engine in self.engines.values():
                engine.dispose()
            self.sandbox.drop()
            if keep_logs:
                say(f"logs kept in {self.log_dir}")
            else:
                shutil.rmtree(self.log_dir, ignore_errors=True)

    # members and what they can book

    def api(self, method, path, body=None, expect=(200, 201, 202)):
        import requests

        response = requests.request(method, self.url + path, json=body, timeout=30)
        if response.status_code not in expect:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def make_members(self, count):
        """Registered members (about 20 years old) with an access token each;
        returns [(member_id, token)] once booking's copy has them all."""
        from sqlalchemy import text

        from jastar_devkit.helpers import new_phone, sign_up, wait_until

        today = date.today()

        def one(n):
            member, token = sign_up(self.url, new_phone(n), full_name=f"Bench Member {n}", language="ru",
                                    birth_date=date(today.year - 20, 1 + n % 12, 1 + n % 28).isoformat())
            return member["id"], token["access_token"]

        with ThreadPoolExecutor(8) as pool:
            members = list(pool.map(one, range(1000, 1000 + count)))
        ids = [member_id for member_id, _ in members]

        def copied():
            with self.engine("booking").connect() as conn:
                return conn.execute(text("SELECT count(*) FROM registry_copies WHERE kind = 'member' "
                                         "AND obj_id = ANY(:ids)"), {"ids": ids}).scalar() == len(ids)
        wait_until(copied, 120, what=f"booking's copy lacks some of the {len(ids)} members after 120s",
                   interval=0.5)
        return members

    def bookable(self):
        """Request bodies, each for a different free desk hour or consultation
        slot in the booking window, interleaved across resources so that
        neighbouring requests lock different rows."""
        today = date.today()
        span = {"from": today.isoformat(), "to": (today + timedelta(days=30)).isoformat()}
        earliest = datetime.now(timezone.utc) + timedelta(hours=3)  # keeps the min notice all run long
        queues = []
        for space_id in DESKS:
            queues.append([{"kind": "space", "space_id": space_id, "starts_at": s["starts_at"],
                            "ends_at": s["ends_at"]}
                           for s in self._free({"space_id": space_id, **span})
                           if _utc(s["starts_at"]) >= earliest
                           for _ in range(s["free"])])
        for service_id in CONSULTATION_SERVICES:
            queues.append([{"kind": "consultation", "service_id": service_id,
                            "specialist_id": s["specialist_id"], "starts_at": s["starts_at"]}
                           for s in self._free({"service_id": service_id, **span})
                           if _utc(s["starts_at"]) >= earliest])
        bodies = []
        while any(queues):
            for queue in queues:
                if queue:
                    bodies.append(json.dumps(queue.pop(0)).encode())
        return bodies

    def _free(self, query):
        """Every free slot of an availability query, page by page (100 a page)."""
        items, offset = [], 0
        while True:
            page = self.api("GET", "/v1/availability?" + urllib.parse.urlencode(
                {**query, "limit": 100, "offset": offset}))
            items += page["items"]
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return items

    # after a booking run

    def settle(self, seconds=180):
        """Wait until every booking event is published and its message recorded."""
        from sqlalchemy import text

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.engine("booking").connect() as conn:
                unsent = conn.execute(text("SELECT count(*) FROM jastar_outbox WHERE sent_at IS NULL")).scalar()
                confirmed = conn.execute(text("SELECT count(*) FROM bookings WHERE state = 'confirmed'")).scalar()
            with self.engine("notifications").connect() as conn:
                recorded = conn.execute(text(
                    "SELECT count(DISTINCT booking_id) FROM messages "
                    "WHERE message_type = 'booking_confirmed'")).scalar()
            if unsent == 0 and recorded >= confirmed:
                time.sleep(1)
                return True
            time.sleep(1)
        say(f"not settled after {seconds}s: {unsent} events unsent, {recorded}/{confirmed} messages")
        return False


def bring_up(bench, args, baseline=False, members=True):
    """The common start of every bench: a quiet machine, the system (and the
    baseline), signed-in members, and the free slots to book. Returns
    (members, bookable request bodies), or None without members."""
    busy = wait_quiet(args.quiet_wait)
    print(f"machine busy before the bench: {busy:.0f}% of {os.cpu_count()} cores"
          + ("  (WARNING: other jobs are running; figures are skewed)" if busy > 25 else ""))
    say(f"logs in {bench.log_dir}; vhost {bench.vhost}")
    bench.create_infrastructure()
    say("starting the system (4 services by their run.sh, PostgreSQL)")
    bench.start_system()
    if baseline:
        say("starting the baseline (3 nameko processes of bench/baseline_echo.py)")
        bench.start_baseline()
    if not members:
        return None
    say(f"registering {args.members} members and signing them in")
    made = bench.make_members(args.members)
    bodies = bench.bookable()
    say(f"{len(bodies)} free desk hours and consultation slots to book")
    return made, bodies


def _utc(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _interrupt(*_):
    raise KeyboardInterrupt


def main(parser, work):
    """A bench's main: its options and the common ones (--keep-logs,
    --quiet-wait), then work(bench, args) with everything cleaned up after."""
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--quiet-wait", type=float, default=300,
                        help="seconds to wait for other jobs on the machine to finish first")
    args = parser.parse_args()
    return run_and_clean_up(Bench(args), work, args, keep_logs=args.keep_logs)


def run_and_clean_up(bench, work, *args, keep_logs=False):
    """work(bench, *args), then bench.cleanup() whatever happens (SIGTERM and
    Ctrl-C included; the logs are kept on failure, with their tails printed on
    error). Returns 0: a bench prints figures, it does not fail."""
    signal.signal(signal.SIGTERM, _interrupt)
    failed = False
    try:
        work(bench, *args)
    except KeyboardInterrupt:
        failed = True
        say("interrupted; cleaning up")
    except Exception:
        failed = True
        import traceback
        traceback.print_exc()
        for key in list(bench.processes if bench.system else ()):
            tail = bench.tail(key, 1500)
            if tail:
                say(f"--- {key} log tail ---\n{tail}")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop the clean-up
        bench.cleanup(keep_logs=keep_logs or failed)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    return 0

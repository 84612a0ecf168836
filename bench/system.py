"""The whole system for a bench, each part its own process, as tests/integration
starts it: a fresh RabbitMQ vhost (management API) and fresh PostgreSQL
databases, the event topology, the registry's schema and demo data, then the
four services by their run.sh (and, for gateway_load, the nameko baseline of
bench/baseline_echo.py); more processes of a service on demand
(`start_replica`); members with tokens and the free slots they can book; and
the clean-up of all of it (processes stopped, databases dropped, vhost
deleted), also on Ctrl-C or error.

sqlalchemy and requests are imported inside the methods: the load-generator
processes re-import the calling script, which imports this module.
"""
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from cpu import say
from load import HOST

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
RUN_SCRIPTS = {  # started in this order; stopped in the reverse
    "registry": ROOT / "services/registry/run.sh",
    "booking": ROOT / "services/booking/run.sh",
    "notifications": ROOT / "services/notifications/run.sh",
    "reports": ROOT / "services/reports/run.sh",
    "gateway": ROOT / "gateway/run.sh",
}
BASELINE = ("EchoHandler", "EchoRpc", "EchoHttp")
ADMIN_KEY = "bench-admin-key"
PG_ADMIN = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
RABBIT_API = "http://127.0.0.1:15672/api"
RABBIT_USER = ("guest", "guest")
# consultation services with a specialist of their own (state-programmes and
# own-business share one, whose 30 and 45 minute slots would overlap)
CONSULTATION_SERVICES = ("jobs", "housing", "health", "psychologist", "lawyer", "state-programmes")
DESKS = ("ili-desks", "konaev-desks")


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Rabbit:
    def __init__(self):
        self.auth = "Basic " + base64.b64encode(":".join(RABBIT_USER).encode()).decode()

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(RABBIT_API + path, data=data, method=method,
                                         headers={"Authorization": self.auth,
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return json.loads(raw) if raw else None

    def create_vhost(self, name):
        self.call("PUT", f"/vhosts/{name}", {})
        self.call("PUT", f"/permissions/{name}/{RABBIT_USER[0]}",
                  {"configure": ".*", "write": ".*", "read": ".*"})

    def delete_vhost(self, name):
        try:
            self.call("DELETE", f"/vhosts/{name}")
        except urllib.error.HTTPError as err:
            if err.code != 404:
                raise


class Bench:
    """The system under test and everything made for it; `cleanup()` undoes it all."""

    def __init__(self, args=None):
        from sqlalchemy import create_engine

        self.args = args
        self.tag = uuid.uuid4().hex[:8]
        self.vhost = f"jastar_bench_{self.tag}"
        self.rabbit = Rabbit()
        self.vhost_made = False
        self.pg_admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        self.databases = {}
        self.engines = {}
        self.processes = {}
        self.metrics_ports = {}  # process key -> its METRICS_PORT (/healthz, /readyz, /metrics)
        self.replicas = {}       # extra process key -> its service
        self.log_dir = Path(tempfile.mkdtemp(prefix="jastar-bench-"))
        self.port = free_port()
        self.echo_port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.env = None

    # infrastructure

    def create_infrastructure(self):
        from sqlalchemy import text

        self.rabbit.create_vhost(self.vhost)
        self.vhost_made = True
        with self.pg_admin.connect() as conn:
            for service in RUN_SCRIPTS:
                name = f"jastar_bench_{service}_{self.tag}"
                conn.execute(text(f'CREATE DATABASE "{name}"'))
                self.databases[service] = name
        env = dict(os.environ,
                   PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                   AMQP_URI=f"pyamqp://{RABBIT_USER[0]}:{RABBIT_USER[1]}@{HOST}:5672/{self.vhost}",
                   PYTHONWARNINGS="ignore::DeprecationWarning", PYTHONUNBUFFERED="1",
                   JASTAR_ENV="development", LOGIN_CODE_ECHO="true", ADMIN_API_KEY=ADMIN_KEY,
                   RATE_LIMIT_PER_SECOND="1000000", RATE_LIMIT_BURST="1000000",
                   BOOKING_MAX_ACTIVE_SPACE="1000000", BOOKING_MAX_ACTIVE_CONSULTATION="1000000",
                   OUTBOX_POLL_SECONDS="0.5", SHUTDOWN_TIMEOUT_SECONDS="5",
                   JWT_TTL_SECONDS="14400", LOG_LEVEL="WARNING", GATEWAY_PORT=str(self.port))
        for service, name in self.databases.items():
            env[f"{service.upper()}_DATABASE_URL"] = self.db_url(service)
        self.env = env

    def db_url(self, service):
        return PG_ADMIN.rsplit("/", 1)[0] + "/" + self.databases[service]

    def engine(self, service):
        from sqlalchemy import create_engine

        if service not in self.engines:
            self.engines[service] = create_engine(self.db_url(service), pool_size=2)
        return self.engines[service]

    def service_env(self, service, key=None):
        port = self.metrics_ports[key or service] = free_port()
        return {**self.env, "DATABASE_URL": self.db_url(service), "METRICS_PORT": str(port)}

    # processes

    def _spawn(self, key, argv, env, cwd=None):
        log = open(self.log_dir / f"{key}.log", "ab")
        self.processes[key] = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log,
                                               stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def start_system(self):
        # as `make run`: topology and the registry's schema first, then the demo data
        for what, argv in (("topology", ["jastar-topology", "declare"]),
                           ("registry migration", ["jastar-registry-migrate"]),
                           ("demo data", ["jastar-registry-seed"])):
            result = subprocess.run(argv, env=self.service_env("registry"), cwd=ROOT / "services/registry",
                                    capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError(f"{what} failed:\n{result.stdout}{result.stderr}")
        for service, script in RUN_SCRIPTS.items():
            self._spawn(service, ["sh", str(script)], self.service_env(service))
        self.wait_http(self.url + "/ready", list(RUN_SCRIPTS), 120)

    def start_baseline(self):
        amqp = self.env["AMQP_URI"]
        for name, workers in (("http", 50), ("backend", 10)):  # as the gateway and the services
            (self.log_dir / f"echo-{name}.yml").write_text(
                f"AMQP_URI: '{amqp}'\nWEB_SERVER_ADDRESS: '{HOST}:{self.echo_port}'\n"
                f"max_workers: {workers}\nparent_calls_tracked: 10\n"
                "LOGGING:\n  version: 1\n  root:\n    level: WARNING\n")
        env = {**self.env, "PYTHONPATH": str(BENCH)}
        for cls in BASELINE:
            config = self.log_dir / ("echo-http.yml" if cls == "EchoHttp" else "echo-backend.yml")
            self._spawn(cls, [str(BIN / "nameko"), "run", "--config", str(config), f"baseline_echo:{cls}"],
                        env, cwd=BENCH)
        self.wait_http(f"http://{HOST}:{self.echo_port}/echo", list(BASELINE), 60)

    def start_replica(self, service, key, seconds=90):
        """Another process of `service` (same settings and database, its own
        METRICS_PORT) under `key`, as tests/integration's System.start(name,
        replica=key); returns once its /readyz answers 200."""
        self._spawn(key, ["sh", str(RUN_SCRIPTS[service])], self.service_env(service, key))
        self.replicas[key] = service
        self.wait_http(f"http://{HOST}:{self.metrics_ports[key]}/readyz", [key], seconds)

    def wait_http(self, url, keys, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for key in keys:
                proc = self.processes[key]
                if proc.poll() is not None:
                    raise RuntimeError(f"{key} exited with {proc.returncode}:\n{self.tail(key)}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{url} not ready in {seconds}s; logs in {self.log_dir}")

    def cpu_groups(self):
        groups = {key: [proc.pid] for key, proc in self.processes.items()
                  if key in RUN_SCRIPTS or key in self.replicas}
        groups["echo"] = [self.processes[key].pid for key in BASELINE if key in self.processes]
        return groups

    def tail(self, key, chars=3000):
        try:
            return (self.log_dir / f"{key}.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop_processes(self):
        keys = list(reversed(list(self.processes)))
        for key in keys:
            proc = self.processes[key]
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for key in keys:
            proc = self.processes[key]
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{key} did not stop on SIGTERM; killing it")
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # its own session: run.sh and nameko
                except ProcessLookupError:
                    pass
                proc.wait(timeout=10)
        self.processes.clear()

    def cleanup(self, keep_logs=False):
        from sqlalchemy import text

        try:
            self.stop_processes()
        finally:
            for engine in self.engines.values():
                engine.dispose()
            with self.pg_admin.connect() as conn:
                for name in self.databases.values():
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self.pg_admin.dispose()
            if self.vhost_made:
                self.rabbit.delete_vhost(self.vhost)
            if keep_logs:
                say(f"logs kept in {self.log_dir}")
            else:
                shutil.rmtree(self.log_dir, ignore_errors=True)

    # members and what they can book

    def api(self, method, path, body=None, token=None, expect=(200, 201, 202)):
        import requests

        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = requests.request(method, self.url + path, json=body, headers=headers, timeout=30)
        if response.status_code not in expect:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def make_members(self, count):
        """Registered members (about 20 years old) with an access token each;
        returns [(member_id, token)] once booking's copy has them all."""
        from sqlalchemy import text

        today = date.today()

        def one(n):
            phone = f"+7 701 {n // 10000 % 1000:03d} {n // 100 % 100:02d} {n % 100:02d}"
            member = self.api("POST", "/v1/members", {
                "full_name": f"Bench Member {n}", "phone": phone, "language": "ru", "consent": True,
                "birth_date": date(today.year - 20, 1 + n % 12, 1 + n % 28).isoformat()})
            code = self.api("POST", "/v1/auth/otp", {"phone": phone})["code"]
            token = self.api("POST", "/v1/auth/token", {"phone": phone, "code": code})["access_token"]
            return member["id"], token

        with ThreadPoolExecutor(8) as pool:
            members = list(pool.map(one, range(1000, 1000 + count)))
        ids = [member_id for member_id, _ in members]
        deadline = time.monotonic() + 120
        while True:
            with self.engine("booking").connect() as conn:
                have = conn.execute(text("SELECT count(*) FROM registry_copies WHERE kind = 'member' "
                                         "AND obj_id = ANY(:ids)"), {"ids": ids}).scalar()
            if have == len(ids):
                return members
            if time.monotonic() > deadline:
                raise RuntimeError(f"booking's copy has {have} of {len(ids)} members after 120s")
            time.sleep(0.5)

    def bookable(self):
        """Request bodies, each for a different free desk hour or consultation
        slot in the booking window, interleaved across resources so that
        neighbouring requests lock different rows."""
        today = date.today()
        span = {"from": today.isoformat(), "to": (today + timedelta(days=30)).isoformat()}
        earliest = datetime.now(timezone.utc) + timedelta(hours=3)  # keeps the min notice all run long
        queues = []
        for space_id in DESKS:
            items = self.api("GET", "/v1/availability?" + urllib.parse.urlencode({"space_id": space_id, **span}))
            queues.append([{"kind": "space", "space_id": space_id, "starts_at": s["starts_at"],
                            "ends_at": s["ends_at"]}
                           for s in items["items"] if _utc(s["starts_at"]) >= earliest
                           for _ in range(s["free"])])
        for service_id in CONSULTATION_SERVICES:
            items = self.api("GET", "/v1/availability?" + urllib.parse.urlencode({"service_id": service_id,
                                                                                   **span}))
            queues.append([{"kind": "consultation", "service_id": service_id,
                            "specialist_id": s["specialist_id"], "starts_at": s["starts_at"]}
                           for s in items["items"] if _utc(s["starts_at"]) >= earliest])
        bodies = []
        while any(queues):
            for queue in queues:
                if queue:
                    bodies.append(json.dumps(queue.pop(0)).encode())
        return bodies

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


def bring_up(bench, args, baseline=False):
    """The common start of every bench: a quiet machine, the system (and the
    baseline), signed-in members, and the free slots to book. Returns
    (members, bookable request bodies)."""
    from cpu import say, wait_quiet
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
    say(f"registering {args.members} members and signing them in")
    members = bench.make_members(args.members)
    bodies = bench.bookable()
    say(f"{len(bodies)} free desk hours and consultation slots to book")
    return members, bodies


def _utc(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _interrupt(*_):
    raise KeyboardInterrupt


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
        for key in list(bench.processes):
            tail = bench.tail(key, 1500)
            if tail:
                say(f"--- {key} log tail ---\n{tail}")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop the clean-up
        bench.cleanup(keep_logs=keep_logs or failed)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    return 0

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

    .venv/bin/python bench/gateway_load.py [--duration 15] [--warmup 3]
        [--concurrency 20 50] [--members 200] [--sample 300] [--quiet-wait 300] [--keep-logs]

A benchmark, not a test: it prints figures, never fails the build, and
pytest does not collect it (testpaths = tests/).
"""
import argparse
import base64
import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
RUN_SCRIPTS = {  # started in this order; stopped in the reverse
    "registry": ROOT / "services/registry/run.sh",
    "booking": ROOT / "services/booking/run.sh",
    "notifications": ROOT / "services/notifications/run.sh",
    "gateway": ROOT / "gateway/run.sh",
}
BASELINE = ("EchoHandler", "EchoRpc", "EchoHttp")
ADMIN_KEY = "bench-admin-key"
PG_ADMIN = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
RABBIT_API = "http://127.0.0.1:15672/api"
RABBIT_USER = ("guest", "guest")
HOST = "127.0.0.1"
THREADS_PER_PROCESS = 10
# consultation services with a specialist of their own (state-programmes and
# own-business share one, whose 30 and 45 minute slots would overlap)
CONSULTATION_SERVICES = ("jobs", "housing", "health", "psychologist", "lawyer", "state-programmes")
DESKS = ("ili-desks", "konaev-desks")
SCENARIOS = ("echo", "centers", "availability", "bookings")
TARGET_BOOKING_THROUGHPUT = 0.70  # of the baseline's, at the same concurrency
TARGET_BOOKING_P99 = 2.0          # times the baseline's
TARGET_READ_THROUGHPUT = 1.0


def say(line):
    print(f"bench: {line}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(sorted_values, p):
    """Nearest rank; None for no values."""
    if not sorted_values:
        return None
    rank = max(1, int(round(p / 100 * len(sorted_values) + 0.4999)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


# --- where the CPU goes: /proc, in jiffies ----------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_jiffies(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def _all_processes():
    """{pid: (name, jiffies)} of every process on the machine."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    raw = f.read()
                name, rest = raw[raw.index("(") + 1:raw.rindex(")")], raw.rsplit(")", 1)[1].split()
                found[int(entry)] = (name, int(rest[11]) + int(rest[12]))  # utime + stime
            except (OSError, ValueError, IndexError):
                pass
    return found


def cpu_snapshot(groups):
    """Every process's jiffies, the components' pids and the machine's busy jiffies."""
    try:
        with open("/proc/stat") as f:
            cpu = [int(x) for x in f.readline().split()[1:]]
        machine = sum(cpu) - cpu[3] - cpu[4]  # all but idle and iowait
    except OSError:
        machine = 0
    return {"processes": _all_processes(), "groups": groups, "machine": machine}


def cpu_percent(before, after, seconds):
    """% of one core per component over the window: each of `groups`,
    RabbitMQ (beam.smp), PostgreSQL (every postgres process on the machine),
    other processes, and `kernel+` (softirq and processes that began and
    ended inside the window), and the whole machine."""
    old, new = before["processes"], after["processes"]
    delta = {pid: jiffies - old[pid][1] if pid in old and old[pid][0] == name else jiffies
             for pid, (name, jiffies) in new.items()}
    result, seen = {}, set()
    for component, pids in after["groups"].items():
        result[component] = sum(delta.get(pid, 0) for pid in pids)
        seen.update(pids)
    for component, prefix in (("rabbitmq", "beam.smp"), ("postgres", "postgres")):
        pids = [pid for pid, (name, _) in new.items() if name.startswith(prefix) and pid not in seen]
        result[component] = sum(delta[pid] for pid in pids)
        seen.update(pids)
    result["other"] = sum(d for pid, d in delta.items() if pid not in seen)
    result["machine"] = after["machine"] - before["machine"]
    result["kernel+"] = result["machine"] - sum(v for k, v in result.items() if k != "machine")
    return {k: max(0.0, v / TICK / seconds * 100) for k, v in result.items()}


# --- the load generator: separate processes, a thread per client -------------------------------

def _client_thread(port, spec, tokens, counter, start_at, measure_from, end_at, record):
    """One client: one keep-alive connection, one request at a time until end_at."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.connect()
    except OSError:
        pass
    bodies = spec.get("bodies")
    sent = 0
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    while True:
        began = time.time()
        if began >= end_at:
            break
        headers = {"Accept": "application/json"}
        body = None
        if bodies is not None:
            with counter.get_lock():
                index = counter.value
                counter.value += 1
            if index >= len(bodies):
                record("exhausted", None, began, began)
                break
            body = bodies[index]
            headers["Content-Type"] = "application/json"
            headers["Authorization"] = "Bearer " + tokens[sent % len(tokens)]
        sent += 1
        started = time.perf_counter()
        try:
            conn.request(spec["method"], spec["path"], body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except Exception as exc:  # a failed request is counted by its exception's name
            status = type(exc).__name__
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
        elapsed_ms = (time.perf_counter() - started) * 1000
        done = time.time()
        if began >= measure_from and done <= end_at:
            record(status, elapsed_ms, began, done)
    conn.close()


def _load_process(port, spec, token_sets, counter, go, start_value, warmup, duration, results, ready):
    statuses, latencies, lock = Counter(), [], threading.Lock()

    def record(status, elapsed_ms, began, done):
        with lock:
            statuses[status] += 1
            if isinstance(status, int) and 200 <= status < 300:
                latencies.append(elapsed_ms)

    ready.put(os.getpid())
    go.wait()
    start_at = start_value.value
    measure_from, end_at = start_at + warmup, start_at + warmup + duration
    threads = [threading.Thread(target=_client_thread, daemon=True,
                                args=(port, spec, tokens, counter, start_at, measure_from, end_at, record))
               for tokens in token_sets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put({"statuses": dict(statuses), "latencies": latencies})


def drive(port, spec, concurrency, warmup, duration, token_sets=None, counter=None, cpu_groups=None):
    """Run `concurrency` clients from ceil(concurrency/10) processes; returns
    (Counter of statuses, sorted 2xx latencies in ms, (measure start, end) as
    epoch seconds, {component: % of a core} over the measured window)."""
    ctx = mp.get_context("spawn")
    counter = counter if counter is not None else ctx.Value("q", 0)
    go, start_value = ctx.Event(), ctx.Value("d", 0.0)
    results, ready = ctx.Queue(), ctx.Queue()
    token_sets = token_sets or [[""]] * concurrency
    groups = [list(range(i, min(i + THREADS_PER_PROCESS, concurrency)))
              for i in range(0, concurrency, THREADS_PER_PROCESS)]
    processes = [ctx.Process(target=_load_process, daemon=True,
                             args=(port, spec, [token_sets[i] for i in group], counter, go,
                                   start_value, warmup, duration, results, ready))
                 for group in groups]
    try:
        for proc in processes:
            proc.start()
        for _ in processes:
            ready.get(timeout=60)
        start_value.value = time.time() + 0.5
        go.set()
        groups = {**(cpu_groups or {}), "loadgen": [proc.pid for proc in processes]}
        time.sleep(max(0.0, start_value.value + warmup - time.time()))
        before = cpu_snapshot(groups)
        time.sleep(max(0.0, start_value.value + warmup + duration - time.time()))
        cpu = cpu_percent(before, cpu_snapshot(groups), duration)
        statuses, latencies = Counter(), []
        for _ in processes:
            part = results.get(timeout=warmup + duration + 120)
            statuses.update(part["statuses"])
            latencies.extend(part["latencies"])
        for proc in processes:
            proc.join(timeout=10)
    finally:
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
    window = (start_value.value + warmup, start_value.value + warmup + duration)
    return statuses, sorted(latencies), window, cpu


# --- the system under test ---------------------------------------------------------------------

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
    def __init__(self, args):
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

    def service_env(self, service):
        return {**self.env, "DATABASE_URL": self.db_url(service), "METRICS_PORT": str(free_port())}

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
        groups = {key: [proc.pid] for key, proc in self.processes.items() if key in RUN_SCRIPTS}
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

    def notification_latency(self, window, sample, seconds=180):
        """For a sample of the bookings created in the window: ms from the
        booking's created_at to its message's created_at (recorded) and sent_at."""
        from sqlalchemy import text

        begin, end = (datetime.fromtimestamp(t, timezone.utc) for t in window)
        with self.engine("booking").connect() as conn:
            made = dict(conn.execute(text(
                "SELECT id, created_at FROM bookings WHERE created_at BETWEEN :a AND :b "
                "AND state = 'confirmed'"), {"a": begin, "b": end}).all())
        ids = random.Random(7).sample(sorted(made), min(sample, len(made)))
        deadline = time.monotonic() + seconds
        while True:
            with self.engine("notifications").connect() as conn:
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


def _utc(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- the run -----------------------------------------------------------------------------------

def machine_busy(seconds=3):
    """% of the machine's CPU busy over `seconds`."""
    before = cpu_snapshot({})
    time.sleep(seconds)
    return cpu_percent(before, cpu_snapshot({}), seconds)["machine"] / (os.cpu_count() or 1)


def wait_quiet(limit_seconds, threshold=25):
    """Other jobs on the machine (test suites, builds) skew every figure: wait
    a while for them to finish, then go on anyway and say so."""
    deadline = time.monotonic() + limit_seconds
    busy = machine_busy()
    while busy > threshold and time.monotonic() < deadline:
        say(f"machine {busy:.0f}% busy before starting; waiting for it to quieten")
        time.sleep(5)
        busy = machine_busy()
    return busy


def run(bench, args):
    busy = wait_quiet(args.quiet_wait)
    print(f"machine busy before the bench: {busy:.0f}% of {os.cpu_count()} cores"
          + ("  (WARNING: other jobs are running; figures are skewed)" if busy > 25 else ""))
    say(f"logs in {bench.log_dir}; vhost {bench.vhost}")
    bench.create_infrastructure()
    say("starting the system (4 services by their run.sh, PostgreSQL)")
    bench.start_system()
    say("starting the baseline (3 nameko processes of bench/baseline_echo.py)")
    bench.start_baseline()
    say(f"registering {args.members} members and signing them in")
    members = bench.make_members(args.members)
    bodies = bench.bookable()
    say(f"{len(bodies)} free desk hours and consultation slots to book")
    ctx = mp.get_context("spawn")
    slot_counter = ctx.Value("q", 0)

    scenarios = [
        ("echo", bench.echo_port, {"method": "GET", "path": "/echo"}),
        ("centers", bench.port, {"method": "GET", "path": "/v1/centers"}),
        ("availability", bench.port, {"method": "GET", "path": "/v1/availability?service_id=jobs"}),
        ("bookings", bench.port, {"method": "POST", "path": "/v1/bookings", "bodies": bodies}),
    ]
    table, latencies, cpus = {}, {}, {}
    for concurrency in args.concurrency:
        # no two clients share a member: each has its own members' tokens
        token_sets = [[token for _, token in members[i::concurrency]] or [members[i % len(members)][1]]
                      for i in range(concurrency)]
        for name, port, spec in scenarios:
            if name not in args.scenarios:
                continue
            say(f"{name} x{concurrency}: {args.warmup}s warm-up + {args.duration}s")
            booking = "bodies" in spec
            statuses, lat, window, cpu = drive(port, spec, concurrency, args.warmup, args.duration,
                                               token_sets if booking else None,
                                               slot_counter if booking else None, bench.cpu_groups())
            table[name, concurrency] = (statuses, lat)
            cpus[name, concurrency] = cpu
            if booking:
                if statuses.get("exhausted"):
                    say("ran out of free slots: raise the booking window or shorten the run")
                bench.settle()
                latencies[concurrency] = bench.notification_latency(window, args.sample)
            else:
                time.sleep(1)
    report(table, latencies, cpus, args)


def report(table, latencies, cpus, args):
    def row(name, concurrency):
        statuses, lat = table[name, concurrency]
        ok = sum(n for s, n in statuses.items() if isinstance(s, int) and 200 <= s < 300)
        total = sum(n for s, n in statuses.items() if s != "exhausted")
        return dict(requests=total, errors=total - ok, rps=ok / args.duration,
                    p50=percentile(lat, 50), p99=percentile(lat, 99), statuses=statuses)

    def ms(value):
        return f"{value:.1f}" if value is not None else "-"

    print()
    print(f"gateway load, {args.duration:g}s per scenario after {args.warmup:g}s warm-up; "
          f"req/s and latency count 2xx only")
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
            verdict = "PASS" if ratio >= target else "FAIL"
            print(f"{verdict} {name} x{concurrency} throughput {ratio:.2f} of baseline "
                  f"({r['rps']:.1f} vs {base['rps']:.1f} req/s; target >= {target:.2f})")
            if name == "bookings":
                p99 = r["p99"] / base["p99"] if r["p99"] and base["p99"] else float("inf")
                verdict = "PASS" if p99 <= TARGET_BOOKING_P99 else "FAIL"
                print(f"{verdict} {name} x{concurrency} p99 {p99:.2f}x baseline "
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

    print()
    print(f"CPU over each measured window, % of one core ({os.cpu_count()} cores = "
          f"{100 * (os.cpu_count() or 1)}%); other: processes not ours (other jobs); kernel+: "
          "softirq and short-lived processes")
    columns = ("gateway", "registry", "booking", "notifications", "echo", "rabbitmq", "postgres",
               "loadgen", "other", "kernel+", "machine")
    print(f"{'scenario':<14}{'conc':>5}" + "".join(f"{c[:8]:>9}" for c in columns))
    for concurrency in args.concurrency:
        for name in SCENARIOS:
            if (name, concurrency) not in cpus:
                continue
            cpu = cpus[name, concurrency]
            label = "echo(baseline)" if name == "echo" else name
            print(f"{label:<14}{concurrency:>5}" + "".join(f"{cpu.get(c, 0):>9.0f}" for c in columns))


def _interrupt(*_):
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds before each")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=SCENARIOS,
                        help="a subset to run (the ratios need echo)")
    parser.add_argument("--sample", type=int, default=300, help="bookings sampled for notification latency")
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--quiet-wait", type=float, default=300,
                        help="seconds to wait for other jobs on the machine to finish first")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)
    bench = Bench(args)
    failed = False
    try:
        run(bench, args)
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
        bench.cleanup(keep_logs=args.keep_logs or failed)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())

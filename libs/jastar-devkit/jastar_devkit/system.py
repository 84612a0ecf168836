"""The one launcher of the whole system on one machine, for `make run`, the
integration, browser and fault tests, and the benches: each service its own
process, started by its run.sh (which waits for RabbitMQ and the database,
declares the topology, migrates, then execs nameko), under the supervisor
of jastar_common (a service's process group is stopped with it, and dies
with the launcher). Only `watch` restarts what crashed: `make run` and the
fault tests watch; the integration tests and the benches want a crash to
show, not to be hidden.

`Sandbox` makes what a test or bench system runs on and drops it after: a
fresh RabbitMQ vhost (management API) and a fresh PostgreSQL database per
service."""
import http.client
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse

from jastar_common.supervisor import Supervisor

from .helpers import HOST, free_port

ROOT = Path(__file__).resolve().parents[3]  # the checkout (the package is installed editable)
BIN = Path(sys.executable).parent
SERVICES = ("registry", "booking", "notifications", "reports", "gateway")  # in the order they start
AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672/"
RABBIT_API_URI = "http://guest:guest@127.0.0.1:15672"
PG_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def run_script(service):
    return ROOT / ("gateway" if service == "gateway" else f"services/{service}") / "run.sh"


def system_env(amqp_uri, database_urls, **settings):
    """What every service process gets: this Python's scripts first on PATH,
    the broker, each service's database (<SERVICE>_DATABASE_URL), sign-in
    codes echoed in the API's answer (one machine, no SMS provider), then
    `settings`."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", AMQP_URI=amqp_uri,
               PYTHONWARNINGS="ignore::DeprecationWarning", PYTHONUNBUFFERED="1", LOGIN_CODE_ECHO="true")
    env.update({f"{service.upper()}_DATABASE_URL": url for service, url in database_urls.items()})
    env.update({key: str(value) for key, value in settings.items()})
    return env


class System:
    """The services as processes, keyed by name ("booking") or by a
    replica's key ("booking-2": another process of the same service, same
    settings and database). `base_env` may be changed between starts."""

    def __init__(self, base_env, log_dir, port=None, metrics_ports=True, say=print, **supervisor_options):
        self.base_env = base_env
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.port = int(port or free_port())
        self.url = f"http://{HOST}:{self.port}"
        self.own_metrics_ports = metrics_ports  # False: the services' configured ports (make run)
        self.metrics_ports = {}  # process key -> its METRICS_PORT (/healthz, /readyz, /metrics)
        self.supervisor = Supervisor(say=say, **supervisor_options)
        self.watching = False

    def watch_in_background(self):
        """Restart what crashes, from now on (the fault tests)."""
        self.watching = True
        self.supervisor.watch_in_background()

    @property
    def processes(self):
        return {key: child.process for key, child in self.supervisor.children.items()}

    def env(self, service, replica=None, **settings):
        env = {**self.base_env, "GATEWAY_PORT": str(self.port),
               "DATABASE_URL": self.base_env.get(f"{service.upper()}_DATABASE_URL", "")}
        if self.own_metrics_ports:
            env["METRICS_PORT"] = str(self.metrics_ports.setdefault(replica or service, free_port()))
        return {**env, **{key: str(value) for key, value in settings.items()}}

    def run(self, service, *argv):
        """One of a service's commands (e.g. jastar-registry-seed) to its end; its output."""
        result = subprocess.run([str(BIN / argv[0]), *argv[1:]], env=self.env(service),
                                cwd=run_script(service).parent, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout.strip()

    def seed(self):
        """The demo data (loading twice changes nothing); needs the registry migrated."""
        self.run("registry", "jastar-topology", "declare")
        self.run("registry", "jastar-registry-migrate")
        return self.run("registry", "jastar-registry-seed")

    def start(self, service, replica=None, **settings):
        """Start a service's process; `settings` are this process's own (e.g.
        another GATEWAY_PORT for a second gateway)."""
        key = replica or service
        self.supervisor.add(key, ["sh", str(run_script(service))], env=self.env(service, replica, **settings),
                            log_path=self.log_dir / f"{key}.log")

    def start_all(self):
        for service in SERVICES:
            self.start(service)

    def add(self, key, argv, env, cwd=None):
        """Another process of the system's (a bench's baseline)."""
        self.supervisor.add(key, argv, cwd=cwd, env=env, log_path=self.log_dir / f"{key}.log")

    def wait_ready(self, seconds=90, watch=False):
        """Seconds until the gateway's /ready answered 200. A process that
        exits meanwhile fails it, unless the supervisor starts it again:
        `watch` here, or watching in the background."""
        return self.wait_url(self.url + "/ready", seconds, list(self.supervisor.children), watch)

    def wait_healthy(self, key, seconds=60):
        """Seconds until the process's own /readyz (its METRICS_PORT) answered 200."""
        return self.wait_url(f"http://{HOST}:{self.metrics_ports[key]}/readyz", seconds, [key])

    def wait_url(self, url, seconds, keys, watch=False):
        """Seconds until `url` answered 200; a process of `keys` that exits fails it (see wait_ready)."""
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            if watch:
                self.supervisor.check()
            elif not self.watching:
                for key in keys:
                    code = self.supervisor.process(key).poll()
                    if code is not None:
                        raise RuntimeError(f"{key} exited with {code}: {self.log(key)[-3000:]}")
            if answers(url):
                return time.monotonic() - started
            time.sleep(0.25)
        raise RuntimeError(f"{url} not ready in {seconds}s; logs in {self.log_dir}")

    def metrics(self, key):
        with urllib.request.urlopen(f"http://{HOST}:{self.metrics_ports[key]}/metrics", timeout=5) as answer:
            return answer.read().decode()

    def stop(self, key, sig=signal.SIGTERM):
        """Stop one process (its whole group) and forget it: SIGTERM lets it
        finish its work, SIGKILL is a crash."""
        if sig != signal.SIGTERM:
            self.supervisor.kill(key, sig)
        self.supervisor.remove(key)

    def stop_all(self):
        """Every process stopped (SIGTERM, then SIGKILL): the keys that had to be killed."""
        return self.supervisor.stop()

    def log(self, key):
        try:
            return (self.log_dir / f"{key}.log").read_text(errors="replace")
        except OSError:
            return ""


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (OSError, http.client.HTTPException):  # not listening yet, or cut off while starting
        return False


class Sandbox:
    """A fresh RabbitMQ vhost and a fresh PostgreSQL database per service,
    named `<label>_…_<id>`; a context manager that drops them all at its end
    (databases forcibly: connections left open do not stop it)."""

    def __init__(self, label, amqp_uri=AMQP_URI, rabbit_api_uri=RABBIT_API_URI, pg_admin_url=PG_ADMIN_URL):
        from sqlalchemy import create_engine

        self.tag = uuid.uuid4().hex[:8]
        self.vhost = f"{label}_{self.tag}"
        self.amqp_uri = f"pyamqp://{urlparse(amqp_uri).netloc}/{self.vhost}"
        self.rabbit_api_uri = rabbit_api_uri
        self.pg_admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
        self.database_urls = {}
        self.names = [f"{label}_{service}_{self.tag}" for service in SERVICES]
        self.vhost_made = False

    def __enter__(self):
        return self.create()

    def __exit__(self, *exc):
        self.drop()

    def create(self):
        from nameko.testing.rabbit import Client
        from sqlalchemy import text

        try:
            rabbit = Client(self.rabbit_api_uri)
            rabbit.create_vhost(self.vhost)
            self.vhost_made = True
            rabbit.set_vhost_permissions(self.vhost, urlparse(self.amqp_uri).username, ".*", ".*", ".*")
            with self.pg_admin.connect() as conn:
                for service, name in zip(SERVICES, self.names):
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                    self.database_urls[service] = self.pg_admin.url.set(database=name).render_as_string(
                        hide_password=False)
        except BaseException:
            self.drop()
            raise
        return self

    def drop(self):
        from nameko.testing.rabbit import Client
        from sqlalchemy import text

        try:
            with self.pg_admin.connect() as conn:
                for name in self.names:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self.pg_admin.dispose()
        finally:
            if self.vhost_made:
                self.vhost_made = False
                Client(self.rabbit_api_uri).delete_vhost(self.vhost)

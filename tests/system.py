"""The whole system as it runs in production: each service its own process,
started by its run script, on its own PostgreSQL database, one RabbitMQ vhost.
One `system` for the session, shared by tests/integration and tests/browser
(tests/conftest.py offers the fixture to both)."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
ADMIN_KEY = "integration-admin-key"
RUN_SCRIPTS = {
    "registry": ROOT / "services/registry/run.sh",
    "booking": ROOT / "services/booking/run.sh",
    "notifications": ROOT / "services/notifications/run.sh",
    "reports": ROOT / "services/reports/run.sh",
    "gateway": ROOT / "gateway/run.sh",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class System:
    def __init__(self, base_env, log_dir):
        self.base_env = base_env
        self.log_dir = log_dir
        self.processes = {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.metrics_ports = {}

    def env(self, name, replica=None):
        port = self.metrics_ports.setdefault(replica or name, free_port())
        return {**self.base_env, "GATEWAY_PORT": str(self.port), "METRICS_PORT": str(port),
                "DATABASE_URL": self.base_env.get(f"{name.upper()}_DATABASE_URL", "")}

    def start(self, name, replica=None):
        """Start a service; `replica` names a second process of the same service."""
        key = replica or name
        log = open(self.log_dir / f"{key}.log", "ab")
        self.processes[key] = subprocess.Popen(
            ["sh", str(RUN_SCRIPTS[name])], env=self.env(name, replica),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def metrics(self, key):
        return requests.get(f"http://127.0.0.1:{self.metrics_ports[key]}/metrics", timeout=5).text

    def wait_healthy(self, key, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{self.metrics_ports[key]}/readyz"
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{key} not ready: {self.log(key)[-2000:]}")

    def stop(self, name, sig=signal.SIGTERM):
        proc = self.processes.pop(name)
        proc.send_signal(sig)
        proc.wait(timeout=30)

    def wait_ready(self, seconds=90):
        deadline = time.monotonic() + seconds
        last = None
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited: {self.log(name)[-3000:]}")
            try:
                last = requests.get(self.url + "/ready", timeout=5)
                if last.status_code == 200:
                    return last
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"not ready in {seconds}s: {last and last.text}")

    def log(self, name):
        return (self.log_dir / f"{name}.log").read_text(errors="replace")


def system_env(amqp_uri, database_urls):
    """The environment every service process of a test system gets (also tests/faults)."""
    env = dict(os.environ,
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               AMQP_URI=amqp_uri,
               PYTHONWARNINGS="ignore::DeprecationWarning",
               OUTBOX_POLL_SECONDS="0.5", LOGIN_CODE_ECHO="true", ADMIN_API_KEY=ADMIN_KEY,
               RATE_LIMIT_PER_SECOND="1000", RATE_LIMIT_BURST="2000",
               CATALOGUE_CACHE_SECONDS="0",  # tests read what they just wrote
               # connections each process keeps open (bursts still overflow): a system is 5+
               # processes, tests start more, and PostgreSQL allows 100 in all
               DB_POOL_SIZE="3")
    for service, url in database_urls.items():
        env[f"{service.upper()}_DATABASE_URL"] = url
    return env


@pytest.fixture(scope="session")
def system(infrastructure, vhost_pipeline, request, pg_admin, tmp_path_factory):
    from urllib.parse import urlparse
    import uuid
    from sqlalchemy import text

    amqp = urlparse(request.config.getoption("RABBIT_AMQP_URI"))
    databases = {}
    with pg_admin.connect() as conn:
        for service in ("registry", "booking", "notifications", "reports", "gateway"):
            name = f"jastar_it_{service}_{uuid.uuid4().hex[:8]}"
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            databases[service] = name
    with vhost_pipeline.get() as vhost:
        env = system_env(f"pyamqp://{amqp.netloc}/{vhost}", {
            service: pg_admin.url.set(database=name).render_as_string(hide_password=False)
            for service, name in databases.items()})
        system = System(env, tmp_path_factory.mktemp("logs"))
        try:
            for name in RUN_SCRIPTS:
                system.start(name)
            system.wait_ready()
            yield system
        finally:
            for name in list(system.processes):
                system.stop(name)
    with pg_admin.connect() as conn:
        for name in databases.values():
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

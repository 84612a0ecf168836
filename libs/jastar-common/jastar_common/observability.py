"""Health and metrics for every nameko process.

Each process serves, on its own METRICS_PORT (unset or 0: not served):
  /healthz  liveness: the process is up and reaches RabbitMQ
  /readyz   readiness: and its database answers, and it is not stopping
  /metrics  Prometheus text"""
import logging
import time

import eventlet
from eventlet import wsgi
from kombu import Connection
from nameko.extensions import DependencyProvider, SharedExtension
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily, REGISTRY

from .config import amqp_uri, setting
from .errors import EXPECTED_ERRORS
from .metrics import ENTRYPOINT_CALLS, ENTRYPOINT_LATENCY
from .outbox import backlog

log = logging.getLogger(__name__)


class _OutboxCollector:
    """Reads the outbox backlog when Prometheus scrapes, not on a timer."""

    def __init__(self):
        self.databases = {}  # service -> its Database dependency (engine made in its setup)

    def collect(self):
        rows = GaugeMetricFamily("jastar_outbox_backlog", "Committed events not yet published.",
                                 labels=["service"])
        age = GaugeMetricFamily("jastar_outbox_oldest_age_seconds",
                                "Age of the oldest unpublished event.", labels=["service"])
        for service, database in list(self.databases.items()):
            if database.engine is None:
                continue
            try:
                count, oldest = backlog(database.engine)
            except Exception:  # a scrape must not fail because the database is away
                continue
            rows.add_metric([service], count)
            age.add_metric([service], oldest)
        yield rows
        yield age


OUTBOX = _OutboxCollector()
REGISTRY.register(OUTBOX)


class HealthServer(SharedExtension):
    def setup(self):
        self.port = setting("METRICS_PORT", 0, int)
        self.service = self.container.service_name
        from .dependencies import database_of  # dependencies imports much; keep it lazy
        # extensions set up in no fixed order: the engine is read when needed
        self.database = database_of(self.container)
        if self.database is not None:
            OUTBOX.databases[self.service] = self.database
        self._server = None

    def start(self):
        if self.port:
            self._socket = eventlet.listen((setting("METRICS_HOST", "0.0.0.0"), self.port))
            self._server = self.container.spawn_managed_thread(
                lambda: wsgi.server(self._socket, self.app, log_output=False), identifier="health")

    def stop(self):
        if self._server is not None:
            self._server.kill()
            self._socket.close()

    def app(self, environ, start_response):
        path = environ.get("PATH_INFO")
        if path == "/metrics":
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
            return [generate_latest(REGISTRY)]
        if path in ("/healthz", "/readyz"):
            problems = self.check(ready=path == "/readyz")
            status = "200 OK" if not problems else "503 Service Unavailable"
            start_response(status, [("Content-Type", "text/plain")])
            return [("ok" if not problems else "; ".join(problems)).encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def check(self, ready):
        problems = []
        if ready and getattr(self.container, "stopping", False):
            problems.append("stopping")  # take no new traffic while draining
        if not broker_answers(2):
            problems.append("broker: not reachable")
        if ready and self.database is not None:
            try:
                from sqlalchemy import text
                with eventlet.Timeout(3), self.database.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except BaseException as exc:  # eventlet.Timeout is a BaseException
                problems.append(f"database: not reachable ({exc.__class__.__name__})")
        return problems


def broker_answers(timeout):
    try:
        with Connection(amqp_uri(), connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


class Observability(DependencyProvider):
    """Add to a service class: entrypoint metrics, and the health server."""

    server = HealthServer()

    def worker_setup(self, worker_ctx):
        # not in worker_ctx.data: that travels on as RPC headers
        worker_ctx.jastar_started = time.monotonic()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        service = self.container.service_name
        name = worker_ctx.entrypoint.method_name
        if exc_info is None:
            outcome = "ok"
        elif isinstance(exc_info[1], EXPECTED_ERRORS):
            outcome = "expected_error"
        else:
            outcome = "error"
        ENTRYPOINT_CALLS.labels(service, name, outcome).inc()
        started = getattr(worker_ctx, "jastar_started", None)
        if started is not None:
            ENTRYPOINT_LATENCY.labels(service, name).observe(time.monotonic() - started)

    def get_dependency(self, worker_ctx):
        return None

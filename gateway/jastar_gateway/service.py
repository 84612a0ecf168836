"""The gateway's nameko service: HTTP in, RPC to the services that own the
data. Routes live in routes/, one mixin per audience."""
from importlib import resources

import eventlet
from nameko.rpc import ClusterRpc
from werkzeug.wrappers import Response

import jastar_common.errors  # noqa: F401  (registers typed errors for RPC replies)
from jastar_common.clock import Clock
from jastar_common.dependencies import Database
from jastar_common.errors import NotFound
from jastar_common.logging import Correlation
from jastar_common.observability import Observability, broker_answers
from jastar_common.settings import Settings
from jastar_common.tracing import Tracing

from . import docs_page, openapi, responses
from .http import route
from .invalidation import CacheEvents
from .problems import outage_of, problem
from .repository import GatewayUnitOfWork
from .routes import Calls
from .routes.calendar import CalendarRoutes
from .routes.integrators import IntegratorRoutes
from .routes.members import MemberRoutes
from .routes.public import PublicRoutes
from .routes.reports import ReportRoutes
from .routes.staff import StaffRoutes
from .settings import GatewaySettings
from .webapp import WebAppRoutes

BACKEND_SERVICES = ("registry", "booking", "notifications", "reports")


class MetaRoutes:
    @route("GET", "/health", "The process is up", "meta", response=responses.Health)
    def health(self, request):
        return {"status": "ok"}

    @route("GET", "/ready", "RabbitMQ and every service answer (else 503 naming what is down)", "meta",
           response=responses.Ready)
    def ready(self, request):
        timeout = self.settings.ready_timeout_seconds
        language = request.environ["jastar.language"]
        if not broker_answers(timeout):  # then every service would look down: name the cause
            return problem(503, "not_ready", "down: broker", language, retry_after=5,
                           services={name: "down: broker" for name in BACKEND_SERVICES})
        pool = eventlet.GreenPool()
        results = dict(zip(BACKEND_SERVICES, pool.imap(
            lambda service: self._ping(service, timeout), BACKEND_SERVICES)))
        down = sorted(f"{name} {status[len('down: '):]}" for name, status in results.items()
                      if status != "ok")
        if down:
            return problem(503, "not_ready", "down: " + ", ".join(down), language, retry_after=5,
                           services=results)
        return {"status": "ready", "services": results}

    def _ping(self, service, timeout):
        """'ok', or 'down: database' (it answered, its database did not), 'down: broker',
        or 'down: service' (no answer)."""
        try:
            self.call(service, "ping", timeout=timeout)
            return "ok"
        except Exception as exc:  # any failure means not ready; say which
            return f"down: {outage_of(exc) or 'service'}"

    @route("GET", "/openapi.json", "This API, as OpenAPI 3.1", "meta", response="OpenAPI document")
    def openapi_json(self, request):
        return openapi.build(request.host_url.rstrip("/"))  # try-it calls this same origin

    @route("GET", "/docs", "This API as an interactive reference (Swagger UI): try it out here", "meta",
           response="HTML", content_type="text/html")
    def docs(self, request):
        return Response(docs_page.page(), content_type="text/html; charset=utf-8")

    @route("GET", "/docs/assets/<string:name>", "The reference page's files", "meta", internal=True)
    def docs_asset(self, request, name):
        found = docs_page.asset(name)
        if found is None:
            raise NotFound("no such file", entity="asset", id=name)
        body, content_type = found
        return Response(body, content_type=content_type, headers={"Cache-Control": "public, max-age=86400"})

    @route("GET", "/asyncapi.yaml", "The events (AsyncAPI 3), for integrators binding to RabbitMQ", "meta",
           response="AsyncAPI document", content_type="application/yaml")
    def asyncapi(self, request):
        text = resources.files("jastar_gateway").joinpath("static/asyncapi.yaml").read_text()
        return Response(text, content_type="application/yaml; charset=utf-8")


class GatewayService(Calls, MetaRoutes, PublicRoutes, MemberRoutes, StaffRoutes, IntegratorRoutes,
                     ReportRoutes, CalendarRoutes, CacheEvents,
                     WebAppRoutes):  # the web app at /, last: the API's routes come first
    name = "gateway"

    rpc = ClusterRpc()
    db = Database("gateway", GatewayUnitOfWork)
    now = Clock()
    settings = Settings(GatewaySettings)
    correlation = Correlation()
    observability = Observability()
    tracing = Tracing()


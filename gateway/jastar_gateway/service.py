"""The gateway's nameko service: HTTP in, RPC to the services that own the data."""
import eventlet
from nameko.rpc import ClusterRpc

import jastar_common.errors  # noqa: F401  (registers typed errors for RPC replies)
from jastar_common.config import setting
from jastar_common.logging import Correlation
from jastar_common.observability import Observability

from .http import route
from .problems import ServiceUnavailable, problem

BACKEND_SERVICES = ("registry", "booking", "notifications")


class GatewayService:
    name = "gateway"

    rpc = ClusterRpc()
    correlation = Correlation()
    observability = Observability()

    def call(self, service, method, *args, timeout=None, **kwargs):
        """One RPC with a deadline: a service that is down becomes a 503."""
        timeout = timeout or setting("RPC_TIMEOUT_SECONDS", 10, float)
        try:
            with eventlet.Timeout(timeout):
                return getattr(self.rpc[service], method)(*args, **kwargs)
        except eventlet.Timeout:
            raise ServiceUnavailable(service, f"no answer within {timeout:g}s") from None

    @route("GET", "/health")
    def health(self, request):
        return {"status": "ok"}

    @route("GET", "/ready")
    def ready(self, request):
        timeout = setting("READY_TIMEOUT_SECONDS", 2, float)
        pool = eventlet.GreenPool()
        results = dict(zip(BACKEND_SERVICES, pool.imap(
            lambda service: self._ping(service, timeout), BACKEND_SERVICES)))
        down = sorted(name for name, status in results.items() if status != "ok")
        if down:
            return problem(503, "not_ready", "not ready: " + ", ".join(down) + " down",
                           retry_after=5, services=results)
        return {"status": "ready", "services": results}

    def _ping(self, service, timeout):
        try:
            self.call(service, "ping", timeout=timeout)
            return "ok"
        except Exception as exc:  # any failure means not ready; say which
            return f"down: {exc.__class__.__name__}"

    @route("GET", "/v1/districts")
    def list_districts(self, request):
        return self.call("registry", "list", "district", dict(request.args))

    @route("GET", "/v1/centers")
    def list_centres(self, request):
        return self.call("registry", "list", "centre", dict(request.args))

    @route("GET", "/v1/centers/<string:centre_id>")
    def get_centre(self, request, centre_id):
        return self.call("registry", "get", "centre", centre_id)

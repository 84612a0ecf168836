"""A JSON entrypoint over nameko's http: request ids, JSON results and
problem+json errors, also for unknown routes and wrong methods."""
import json
import re
import time
import uuid

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from jastar_common.errors import EXPECTED_ERRORS
from jastar_common.logging import CORRELATION_KEY
from jastar_common.metrics import HTTP_LATENCY, HTTP_REQUESTS

from . import problems

REQUEST_ID_HEADER = "X-Request-Id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_of(request):
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex


class ProblemWsgiApp(WsgiApp):
    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except HTTPException as exc:
            response = problems.from_exception(exc)
            response.headers[REQUEST_ID_HEADER] = request_id_of(request)
            return response(environ, start_response)
        request.path_values = values
        return provider.handle_request(request)(environ, start_response)


class ProblemWebServer(WebServer):
    def get_wsgi_app(self):
        return ProblemWsgiApp(self)

    def context_data_from_headers(self, request):
        # the request id is the correlation id of everything the request causes
        return {CORRELATION_KEY: request.environ["jastar.request_id"]}


class JsonRoute(HttpRequestHandler):
    server = ProblemWebServer()

    def __init__(self, method, url, expected_exceptions=EXPECTED_ERRORS, **kwargs):
        super().__init__(method, url, expected_exceptions=expected_exceptions, **kwargs)

    def handle_request(self, request):
        started = time.monotonic()
        request_id = request_id_of(request)
        response = super().handle_request(request_with_id(request, request_id))
        response.headers[REQUEST_ID_HEADER] = request_id
        HTTP_REQUESTS.labels(self.url, request.method, str(response.status_code)).inc()
        HTTP_LATENCY.labels(self.url).observe(time.monotonic() - started)
        return response

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status, headers, payload = 200, {}, result
        if isinstance(result, tuple):
            status, payload = result[0], result[-1]
            headers = result[1] if len(result) == 3 else {}
        return Response(json.dumps(payload, ensure_ascii=False, default=str), status=status,
                        headers=headers, content_type="application/json")

    def response_from_exception(self, exc):
        return problems.from_exception(exc)


def request_with_id(request, request_id):
    request.environ["jastar.request_id"] = request_id
    return request


route = JsonRoute.decorator

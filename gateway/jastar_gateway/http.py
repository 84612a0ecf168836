"""The gateway's HTTP entrypoint, over nameko's: for every request a request
id, who is calling and whether they may, a rate limit, a body size limit,
schema-checked query and body, CORS, JSON out and problem+json errors (also
for unknown routes and wrong methods). Routes declare what OpenAPI shows."""
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from functools import cached_property

from marshmallow import ValidationError
from nameko.extensions import SharedExtension
from nameko.rpc import ReplyListener
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.wrappers import Request, Response

from jastar_common.caller import CALLER_KEY
from jastar_common.clock import clock_of
from jastar_common.dependencies import database_of
from jastar_common.errors import EXPECTED_ERRORS, InvalidInput
from jastar_common.logging import CORRELATION_KEY
from jastar_common.metrics import HTTP_LATENCY, HTTP_REQUESTS
from jastar_common.tracing import TRACEPARENT_KEY, valid as valid_traceparent

from . import auth, idempotency, problems
from .domain import access, accounts
from .i18n import language_of
from .ratelimit import RateLimiter
from .settings import settings_of

log = logging.getLogger("jastar.access")
REQUEST_ID_HEADER = "X-Request-Id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
ROUTES = []  # every route's documentation, for OpenAPI


@dataclass
class RouteDoc:
    method: str
    url: str
    summary: str
    tag: str
    roles: tuple = ("anonymous",)
    query: type = None
    body: type = None
    response: object = None  # the schema every answer is dumped through (a tuple: the handler picks)
    status: int = 200
    also: dict = field(default_factory=dict)  # other success statuses: {202: schema}
    headers: dict = field(default_factory=dict)  # request headers documented
    content_type: str = "application/json"
    location: str = None  # 201: where the new object is, formatted from the path and the body
    idempotent: bool = False  # takes an Idempotency-Key (idempotency.py, domain/idempotency.py)
    internal: bool = False  # not part of the API (the reference page's files): left out of OpenAPI
    cache: str = None  # Cache-Control of a reference read (also sent with an ETag; 304 when it matches)


def request_id_of(request):
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex


def cors_headers(request, settings):
    allowed = settings.allowed_origins
    origin = request.headers.get("Origin")
    if not origin or not allowed or ("*" not in allowed and origin not in allowed):
        return {}
    return {"Access-Control-Allow-Origin": origin if "*" not in allowed else "*",
            "Access-Control-Allow-Credentials": "false", "Vary": "Origin",
            "Access-Control-Expose-Headers": "X-Request-Id, Retry-After"}


def finish(request, response, request_id, settings):
    response.headers[REQUEST_ID_HEADER] = request_id
    # every answer says its language (problem texts are translated) and that it depends on it
    response.headers["Content-Language"] = language_of(request.headers.get("Accept-Language"))
    response.vary.add("Accept-Language")
    for key, value in cors_headers(request, settings).items():
        if key == "Vary":
            response.vary.add(value)
        else:
            response.headers[key] = value
    return response


def log_request(request, route, status, elapsed):
    """Every request, routed or not, in the access log and the metrics."""
    HTTP_REQUESTS.labels(route, request.method, str(status)).inc()
    HTTP_LATENCY.labels(route).observe(elapsed)
    log.info("%s %s %s", request.method, request.path, status, extra={
        "correlation_id": request.environ.get("jastar.request_id"), "route": route,
        "status": status, "ms": round(elapsed * 1000, 1),
        "caller": getattr(request.environ.get("jastar.caller"), "kind", None)})


def drain(request, settings):
    """Read what is left of the body (up to DRAIN_BODY_BYTES) before answering:
    a client still sending it would otherwise see its connection reset instead
    of reading the answer (a 413 above all)."""
    bound = settings.drain_body_bytes
    if (request.content_length or 0) > bound:
        return  # too much to read: the connection is closed on it
    request.shallow = False
    read = 0
    while read <= bound:
        chunk = request.stream.read(64 * 1024)
        if not chunk:
            return
        read += len(chunk)


class ProblemWsgiApp(WsgiApp):
    def __call__(self, environ, start_response):
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            environ["wsgi.input_terminated"] = True  # the server de-chunks it: read it to its end
        started = time.monotonic()
        settings = self.server.settings
        request = Request(environ, shallow=True)
        request_id = request_id_of(request)
        environ["jastar.request_id"] = request_id
        adapter = self.url_map.bind_to_environ(environ)
        if request.method == "OPTIONS":
            response, route = self._options(request, adapter, settings), "(options)"
        else:
            try:
                provider, values = adapter.match()
            except HTTPException as exc:
                response, route = problems.from_exception(
                    exc, language_of(request.headers.get("Accept-Language"))), "(unmatched)"
            else:
                request.path_values = values
                response = provider.handle_request(request)
                return finish(request, response, request_id, settings)(environ, start_response)
        drain(request, settings)
        log_request(request, route, response.status_code, time.monotonic() - started)
        return finish(request, response, request_id, settings)(environ, start_response)

    @staticmethod
    def _options(request, adapter, settings):
        """A CORS preflight (or a plain OPTIONS): the methods of that path."""
        try:
            methods = sorted(set(adapter.allowed_methods()) | {"OPTIONS"})
        except HTTPException:
            methods = []
        if not methods or methods == ["OPTIONS"]:
            return problems.from_exception(NotFound(), language_of(request.headers.get("Accept-Language")))
        headers = {"Allow": ", ".join(methods)}
        if cors_headers(request, settings):
            headers.update({
                "Access-Control-Allow-Methods": ", ".join(methods),
                "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key, If-None-Match, "
                                                "X-Api-Key, X-Request-Id, Accept-Language",
                "Access-Control-Max-Age": "600"})
        return Response(status=204, headers=headers)


class ProblemWebServer(WebServer):
    def start(self):
        # nameko starts extensions side by side: a request that does an RPC
        # before the reply queue is consumed kills the container ("lost
        # replies"), so listen only once replies can come back
        for extension in self.container.extensions:
            if isinstance(extension, ReplyListener):
                extension.consumer.wait_until_consumer_ready()
        super().start()

    def get_wsgi_app(self):
        return ProblemWsgiApp(self)

    @property
    def settings(self):
        return settings_of(self.container)

    def context_data_from_headers(self, request):
        # travels with every RPC the request causes: who asks, in which language, under which id
        return {CORRELATION_KEY: request.environ["jastar.request_id"],
                CALLER_KEY: request.environ["jastar.caller"].to_context(),
                "language": request.environ["jastar.language"],
                TRACEPARENT_KEY: valid_traceparent(request.headers.get("traceparent"))}


class Gatekeeper(SharedExtension):
    """Identifies callers (API keys are checked against the gateway's
    database), keeps each client's request rate, and gives the HTTP layer
    the service's units of work and clock."""

    def setup(self):
        database = database_of(self.container)
        self.unit_of_work = database.unit_of_work if database else None
        self.now = clock_of(self.container)  # the service's Clock: this is no worker

    @property
    def settings(self):
        return settings_of(self.container)  # built by the service's Settings, at its setup

    @cached_property
    def limiter(self):
        return RateLimiter(rate=self.settings.rate_limit_per_second, burst=self.settings.rate_limit_burst)

    def check_integrator_key(self, key):
        return accounts.check_api_key(self.unit_of_work(), key, self.settings.jwt_secret)

    def check_account_active(self, caller):
        if access.needs_account(caller):
            access.require_active(accounts.staff_by_id(self.unit_of_work(), caller.id))


class JsonRoute(HttpRequestHandler):
    server = ProblemWebServer()
    gatekeeper = Gatekeeper()

    def __init__(self, method, url, doc=None, expected_exceptions=EXPECTED_ERRORS, **kwargs):
        self.doc = doc
        super().__init__(method, url, expected_exceptions=expected_exceptions, **kwargs)

    def handle_request(self, request):
        started = time.monotonic()
        language = language_of(request.headers.get("Accept-Language"))
        request.environ["jastar.language"] = language
        try:
            self._admit(request)
        except Exception as exc:  # refused before any work: answer with its problem
            response = problems.from_exception(exc, language)
        else:
            response = self._answer(request)
        try:
            response = self._http_details(request, response)
        except Exception as exc:  # a problem+json 500 (logged), never the server's bare one
            response = problems.from_exception(exc, language)
        drain(request, self.gatekeeper.settings)
        log_request(request, self.url, response.status_code, time.monotonic() - started)
        return response

    def _answer(self, request):
        """The handler's answer; under an Idempotency-Key, the first answer to it."""
        key = request.environ.get("jastar.idempotency_key")
        if key is None:
            return super().handle_request(request)
        return idempotency.answer_once(request, key, super().handle_request, self.gatekeeper.unit_of_work,
                                       self.gatekeeper.now())

    def _http_details(self, request, response):
        """Where a new object lives (201 Location); validators on reference reads."""
        if response.status_code == 201 and self.doc.location:
            body = json.loads(response.get_data())
            # the path names what was made where they share a name (a space's own kind is "hall")
            response.headers["Location"] = self.doc.location.format(**{**body, **request.path_values})
        if response.status_code == 200 and self.doc.cache:
            response.headers["Cache-Control"] = self.doc.cache
            response.add_etag()  # a hash of the body: the same answer, the same tag
            response.make_conditional(request)  # If-None-Match that matches: 304, no body
        return response

    def _admit(self, request):
        caller = auth.identify(self.gatekeeper.settings, request.headers, self.gatekeeper.check_integrator_key,
                               self.gatekeeper.now())
        self.gatekeeper.check_account_active(caller)
        request.environ["jastar.caller"] = caller
        client = caller.id or request.remote_addr or "unknown"
        wait = self.gatekeeper.limiter.take(f"{caller.kind}:{client}")
        if wait:
            raise problems.TooManyRequests(retry_after=max(1, round(wait)))
        access.require(caller, self.doc.roles)
        limit = self.gatekeeper.settings.max_body_bytes
        if (request.content_length or 0) > limit:
            raise problems.PayloadTooLarge(limit)
        _storable(request.path_values, "path")
        _storable(request.args.to_dict(), "query")
        request.jastar_query = self._load(self.doc.query, request.args.to_dict(), "query")
        request.jastar_body = self._load(self.doc.body, self._json(request, limit), "body") \
            if self.doc.body else None
        if self.doc.idempotent:
            request.environ["jastar.idempotency_key"] = idempotency.key_of(request.headers)

    @staticmethod
    def _json(request, limit):
        request.shallow = False  # nameko's server reads bodies lazily; we read it here, bounded
        raw = request.stream.read(limit + 1)
        if len(raw) > limit:
            raise problems.PayloadTooLarge(limit)
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise InvalidInput("the body is not JSON", fields={"body": ["not valid JSON"]}) from None
        _storable(body, "body")
        return body

    @staticmethod
    def _load(schema, data, where):
        if schema is None:
            if data and where == "query":
                raise InvalidInput("unknown query parameters", fields={k: ["unknown field"] for k in data})
            return {}
        if not isinstance(data, dict):
            raise InvalidInput(f"the {where} must be an object", fields={where: ["must be an object"]})
        try:
            return schema().load(data)
        except ValidationError as err:
            raise InvalidInput(f"invalid {where}", fields=err.normalized_messages()) from None

    def response_from_result(self, result):
        if isinstance(result, Response):
            return result
        status, headers, payload = self.doc.status, {}, result
        if isinstance(result, tuple):
            status, payload = result[0], result[-1]
            headers = result[1] if len(result) == 3 else {}
        if payload is None:
            return Response(status=204, headers=headers)
        schema = self.doc.response if status == self.doc.status else self.doc.also.get(status)
        if isinstance(schema, type):  # exactly the documented fields, whatever a service adds
            payload = schema().dump(payload)
        return Response(json.dumps(payload, ensure_ascii=False, default=str), status=status,
                        headers=headers, content_type="application/json")

    def response_from_exception(self, exc):
        return problems.from_exception(exc, getattr(exc, "language", "en"))

    def handle_result(self, event, worker_ctx, result, exc_info):
        if exc_info is not None:
            exc_info[1].language = worker_ctx.context_data.get("language", "en")
        return super().handle_result(event, worker_ctx, result, exc_info)


def _storable(value, where, name=None):
    """No NUL characters or lone surrogates: no database stores them, and a
    service should never be asked to (a 400 here, not a 500 there)."""
    if isinstance(value, str):
        if "\x00" in value or not _encodes(value):
            field = name or where
            raise InvalidInput("text with characters that cannot be stored",
                               fields={field: ["contains a NUL or an unpaired surrogate"]})
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key, where, name)
            _storable(item, where, key if isinstance(key, str) else name)
    elif isinstance(value, list):
        for item in value:
            _storable(item, where, name)


def _encodes(text):
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def route(method, url, summary, tag, roles=("anonymous",), query=None, body=None, response=None,
          status=200, headers=None, content_type="application/json", also=None, location=None, cache=None,
          idempotent=False, internal=False):
    if idempotent:
        headers = {idempotency.HEADER: "repeat the request safely: the first answer comes back; "
                                       "the same key with another request is a 422", **(headers or {})}
    doc = RouteDoc(method, url, summary, tag, tuple(roles), query, body, response, status, also or {},
                   headers or {}, content_type, location, idempotent, internal, cache)
    ROUTES.append(doc)
    return JsonRoute.decorator(method, url, doc=doc)

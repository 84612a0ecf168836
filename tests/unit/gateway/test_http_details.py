"""The HTTP details clients rely on, through the gateway's WSGI app with its
real routing, admission and answers; only the worker that would run the
handler in a nameko container is replaced by a direct call."""
import io
import json
import logging
from types import SimpleNamespace

import pytest
from nameko.web.handlers import HttpRequestHandler
from werkzeug.routing import Map
from werkzeug.test import Client, EnvironBuilder, run_wsgi_app

from nameko import config
from jastar_common.clock import utcnow
from jastar_common.metrics import HTTP_REQUESTS
from jastar_common.settings import read
from jastar_gateway import responses, schemas
from jastar_gateway.http import JsonRoute, ProblemWsgiApp, RouteDoc
from jastar_gateway.ratelimit import RateLimiter
from jastar_gateway.settings import GatewaySettings

NEW_KEY = {"id": "k1", "name": "app", "key": "jh_k1.secret"}
DISTRICTS = {"items": [{"id": "karasai", "name_kk": "Қарасай", "name_ru": "Карасай", "status": "open"}],
             "total": 1, "limit": 20, "offset": 0}


def settings():
    """What the gateway's setup would build from this config (tests patch it)."""
    return read(GatewaySettings)


class Gatekeeper(SimpleNamespace):
    settings = property(lambda self: settings())


class Route(JsonRoute):
    """A route whose handler answers `result` (or echoes the body it got)."""

    def __init__(self, doc, result=None):
        super().__init__(doc.method, doc.url, doc=doc)
        self.result = result
        self.gatekeeper = Gatekeeper(check_integrator_key=lambda key: None,
                                     check_account_active=lambda caller: None,
                                     limiter=RateLimiter(rate=1000.0, burst=1000), now=utcnow)


def run_handler(self, request):  # what nameko's worker would do: call the handler, answer its result
    return self.response_from_result(self.result if self.result is not None else request.jastar_body)


ROUTES = [
    Route(RouteDoc("GET", "/v1/districts", "s", "t", query=schemas.DistrictQuery,
                   response=responses.DistrictPage, cache="public, max-age=60"), DISTRICTS),
    Route(RouteDoc("POST", "/v1/api-keys", "s", "t", body=schemas.NewApiKey, response=responses.ApiKeyCreated,
                   status=201, location="/v1/api-keys/{id}"), NEW_KEY),
    Route(RouteDoc("POST", "/v1/auth/otp", "s", "t", body=schemas.OtpRequest)),
    Route(RouteDoc("POST", "/v1/admin/<string:kind>", "s", "t", status=201, location="/v1/admin/{kind}/{id}"),
          {"id": "karasai-hall", "kind": "hall", "centre_id": "karasai-yrc"}),
    Route(RouteDoc("GET", "/v1/me/notification-preferences", "s", "t"), {"ok": True}),
    Route(RouteDoc("PUT", "/v1/me/notification-preferences", "s", "t"), {"ok": True}),
]


class Server:
    settings = property(lambda self: settings())

    def make_url_map(self):
        url_map = Map()
        for provider in ROUTES:
            rule = provider.get_url_rule()
            rule.endpoint = provider
            url_map.add(rule)
        return url_map


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setattr(HttpRequestHandler, "handle_request", run_handler)
    return ProblemWsgiApp(Server())


@pytest.fixture
def client(app):
    return Client(app)


def test_a_201_says_where_the_new_object_is(client):
    response = client.post("/v1/api-keys", json={"name": "app"})
    assert response.status_code == 201 and response.headers["Location"] == "/v1/api-keys/k1"


def test_location_takes_the_paths_names_before_the_bodys(client):
    response = client.post("/v1/admin/space", json={})
    assert response.status_code == 201 and response.headers["Location"] == "/v1/admin/space/karasai-hall"


def test_a_reference_read_has_an_etag_and_answers_304_to_it(client):
    first = client.get("/v1/districts")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=60"
    tag = first.headers["ETag"]
    again = client.get("/v1/districts", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == tag
    assert client.get("/v1/districts", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_an_answer_says_its_language_and_varies_by_it(client):
    response = client.get("/v1/districts", headers={"Accept-Language": "kk, ru;q=0.5"})
    assert response.headers["Content-Language"] == "kk"
    assert "Accept-Language" in response.headers["Vary"]
    problem = client.get("/nowhere", headers={"Accept-Language": "ru"})
    assert problem.headers["Content-Language"] == "ru" and "Accept-Language" in problem.headers["Vary"]


def test_a_405_says_which_methods_are_allowed(client):
    response = client.delete("/v1/districts")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


def test_with_cors_on_every_route_answers_its_preflight_put_included(client):
    with config.patch({"CORS_ORIGINS": "https://app.jastar.kz"}):
        for path in ("/v1/districts", "/v1/api-keys", "/v1/me/notification-preferences"):
            response = client.open(path, method="OPTIONS", headers={
                "Origin": "https://app.jastar.kz", "Access-Control-Request-Method": "GET"})
            assert response.status_code == 204, path
            assert response.headers["Access-Control-Allow-Origin"] == "https://app.jastar.kz"
        methods = response.headers["Access-Control-Allow-Methods"]
        assert "PUT" in methods and "GET" in methods
        assert "Idempotency-Key" in response.headers["Access-Control-Allow-Headers"]
        assert "Origin" in response.headers["Vary"] and "Accept-Language" in response.headers["Vary"]


def count(route, method, status):
    return HTTP_REQUESTS.labels(route, method, status)._value.get()


@pytest.mark.parametrize("method, path, status, route", [
    ("GET", "/nowhere", "404", "(unmatched)"),
    ("DELETE", "/v1/districts", "405", "(unmatched)"),
    ("OPTIONS", "/v1/districts", "204", "(options)"),
])
def test_requests_that_match_no_route_are_logged_and_counted(client, caplog, method, path, status, route):
    before = count(route, method, status)
    with caplog.at_level(logging.INFO, logger="jastar.access"):
        response = client.open(path, method=method)
    assert str(response.status_code) == status
    assert count(route, method, status) == before + 1
    assert any(r.getMessage() == f"{method} {path} {status}" and r.route == route for r in caplog.records)


def test_a_chunked_body_is_read(app):
    body = b'{"phone": "+7 701 000 0000"}'
    environ = EnvironBuilder(path="/v1/auth/otp", method="POST", content_type="application/json").get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"  # the server has de-chunked it into wsgi.input
    environ["wsgi.input"] = io.BytesIO(body)
    app_iter, status, headers = run_wsgi_app(app, environ)
    assert status.startswith("200"), b"".join(app_iter)
    assert json.loads(b"".join(app_iter)) == {"phone": "+7 701 000 0000", "role": "member"}


def test_an_over_large_body_is_read_to_its_end_before_the_413(app):
    body = io.BytesIO(b"x" * (1024 * 1024))
    environ = EnvironBuilder(path="/v1/auth/otp", method="POST", content_type="application/json",
                             input_stream=body, content_length=len(body.getvalue())).get_environ()
    app_iter, status, headers = run_wsgi_app(app, environ)
    assert status.startswith("413") and json.loads(b"".join(app_iter))["code"] == "payload_too_large"
    assert body.tell() == len(body.getvalue()), "the client can finish sending and read the answer"


def test_a_body_beyond_the_drain_bound_is_left_unread(app):
    body = io.BytesIO(b"x" * 200_000)
    environ = EnvironBuilder(path="/v1/auth/otp", method="POST", content_type="application/json",
                             input_stream=body, content_length=200_000).get_environ()
    with config.patch({"DRAIN_BODY_BYTES": 100_000}):
        app_iter, status, headers = run_wsgi_app(app, environ)
    assert status.startswith("413") and body.tell() < 200_000

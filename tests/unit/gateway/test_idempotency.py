"""Idempotency-Key through the gateway's WSGI app, on a real (SQLite) gateway
database: the first answer comes back for the same request, a different
request under the same key is a 422, and a failure frees the key."""
from datetime import datetime, timezone

import pytest
from nameko.web.handlers import HttpRequestHandler
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool
from werkzeug.routing import Map
from werkzeug.test import Client

from jastar_common.clock import fixed
from jastar_common.errors import Conflict
from jastar_gateway import responses, schemas
from jastar_gateway.models import metadata
from jastar_gateway.repository import GatewayUnitOfWork
from jastar_gateway.http import ProblemWsgiApp, RouteDoc

from .test_http_details import Route, settings


class Counting(Route):
    """A handler that makes a new booking each time it runs (or fails when told)."""

    def __init__(self, doc, fail=False):
        super().__init__(doc)
        self.runs, self.fail = 0, fail


def run_handler(self, request):
    self.runs += 1
    if self.fail:
        return self.response_from_exception(Conflict("that slot is taken"))
    return self.response_from_result((201, {"booking": {"id": f"b{self.runs}", "kind": "consultation",
                                                        "state": "confirmed", "centre_id": "c",
                                                        "resource_id": "r", "starts_at": "2030-01-07T05:00:00+00:00",
                                                        "ends_at": "2030-01-07T05:30:00+00:00"}}))


@pytest.fixture
def world(monkeypatch):
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    metadata.create_all(engine)
    sessions = sessionmaker(engine)
    book = Counting(RouteDoc("POST", "/v1/bookings", "s", "t", body=schemas.NewBooking, status=201,
                             response=responses.BookingMade, location="/v1/bookings/{booking[id]}",
                             idempotent=True))
    cancel = Counting(RouteDoc("POST", "/v1/bookings/<string:booking_id>/cancel", "s", "t",
                               body=schemas.Cancellation, response=responses.Booking, idempotent=True), fail=True)
    for route in (book, cancel):
        route.gatekeeper.unit_of_work = lambda: GatewayUnitOfWork(sessions, "gateway")

    class Server:
        settings = property(lambda self: settings())

        def make_url_map(self):
            url_map = Map()
            for route in (book, cancel):
                rule = route.get_url_rule()
                rule.endpoint = route
                url_map.add(rule)
            return url_map

    monkeypatch.setattr(HttpRequestHandler, "handle_request", run_handler)
    monkeypatch.setattr("jastar_gateway.auth.identify", lambda settings, headers, check, now: member(headers))
    return Client(ProblemWsgiApp(Server())), book, cancel


def member(headers):
    from jastar_common.caller import Caller
    return Caller("member", headers.get("X-Member", "m1"))


BODY = {"kind": "consultation", "service_id": "jobs", "starts_at": "2030-01-07T10:00:00+05:00"}


def test_the_same_request_with_the_same_key_gets_the_first_answer(world):
    client, book, _ = world
    first = client.post("/v1/bookings", json=BODY, headers={"Idempotency-Key": "k-1"})
    again = client.post("/v1/bookings", json=BODY, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201 and book.runs == 1
    assert again.get_json() == first.get_json() and again.headers["Location"] == "/v1/bookings/b1"
    assert again.headers["Idempotent-Replayed"] == "true"


def test_the_same_key_with_a_different_body_is_a_422_that_says_so(world):
    client, book, _ = world
    client.post("/v1/bookings", json=BODY, headers={"Idempotency-Key": "k-2"})
    other = client.post("/v1/bookings", json={**BODY, "service_id": "housing"}, headers={"Idempotency-Key": "k-2"})
    assert other.status_code == 422 and book.runs == 1
    problem = other.get_json()
    assert problem["code"] == "idempotency_key_reused" and "Idempotency-Key" in problem["fields"]
    assert "different request" in problem["detail"]


def test_keys_are_each_callers_own(world):
    client, book, _ = world
    client.post("/v1/bookings", json=BODY, headers={"Idempotency-Key": "k-3"})
    theirs = client.post("/v1/bookings", json=BODY, headers={"Idempotency-Key": "k-3", "X-Member": "m2"})
    assert theirs.status_code == 201 and book.runs == 2


def test_without_a_key_every_request_runs(world):
    client, book, _ = world
    client.post("/v1/bookings", json=BODY)
    client.post("/v1/bookings", json=BODY)
    assert book.runs == 2


def test_a_failed_request_frees_its_key_and_other_operations_take_keys(world):
    client, _, cancel = world
    path = "/v1/bookings/b1/cancel"
    assert client.post(path, json={}, headers={"Idempotency-Key": "c-1"}).status_code == 409
    assert client.post(path, json={}, headers={"Idempotency-Key": "c-1"}).status_code == 409
    assert cancel.runs == 2  # not a stored failure: tried again
    cancel.fail = False
    assert client.post(path, json={}, headers={"Idempotency-Key": "c-1"}).status_code == 201
    assert client.post(path, json={"reason": "x"}, headers={"Idempotency-Key": "c-1"}).status_code == 422


def test_a_key_is_claimed_at_the_time_of_the_services_clock(world):
    client, book, _ = world
    moment = datetime(2030, 1, 6, 9, 0, tzinfo=timezone.utc)
    book.gatekeeper.now = fixed(moment)
    client.post("/v1/bookings", json=BODY, headers={"Idempotency-Key": "k-4"})
    with book.gatekeeper.unit_of_work() as uow:
        assert uow.idempotency_keys.claim_of("member:m1", "k-4")["created_at"] == moment


def test_a_key_too_long_is_invalid(world):
    client, book, _ = world
    response = client.post("/v1/bookings", json=BODY, headers={"Idempotency-Key": "k" * 101})
    assert response.status_code == 400 and "Idempotency-Key" in response.get_json()["fields"]
    assert book.runs == 0


def test_every_unsafe_member_operation_takes_a_key():
    from jastar_gateway import service  # noqa: F401  (every route registered)
    from jastar_gateway.http import ROUTES
    takes = {doc.url for doc in ROUTES if doc.idempotent}
    assert {"/v1/bookings", "/v1/bookings/<string:booking_id>/cancel",
            "/v1/bookings/<string:booking_id>/reschedule", "/v1/waitlist/<string:entry_id>/accept",
            "/v1/waitlist/<string:entry_id>/decline"} <= takes
    assert all("Idempotency-Key" in doc.headers for doc in ROUTES if doc.idempotent)

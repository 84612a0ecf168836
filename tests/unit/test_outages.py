"""Outages become 503 with Retry-After at the gateway, never 500; an RPC
deadline is read from the context."""
import json

from kombu.exceptions import OperationalError as KombuOperationalError
from nameko.exceptions import RemoteError
from sqlalchemy.exc import OperationalError

from jastar_common.rpc import DEADLINE_KEY, expired, with_deadline
from jastar_gateway.problems import from_exception, outage_of


def test_broker_and_database_errors_become_503_naming_the_dependency():
    cases = [
        (KombuOperationalError("[Errno 111] Connection refused"), "broker"),
        (ConnectionResetError(104, "reset"), "broker"),
        (OperationalError("SELECT 1", {}, Exception("terminating connection")), "database"),
        (RemoteError("OperationalError", "terminating connection due to administrator command"),
         "database"),
    ]
    for exc, dependency in cases:
        response = from_exception(exc)
        body = json.loads(response.get_data())
        assert response.status_code == 503, exc
        assert response.headers["Retry-After"] == "5"
        assert response.content_type == "application/problem+json"
        assert body["dependency"] == dependency


def test_other_errors_are_not_outages():
    assert outage_of(ValueError("x")) is None
    assert outage_of(RemoteError("KeyError", "x")) is None
    assert from_exception(RuntimeError("bug")).status_code == 500


def test_a_deadline_in_the_context():
    context = {}
    assert not expired(context)
    previous = with_deadline(context, 5)
    assert previous is None and not expired(context)
    context[DEADLINE_KEY] = "1.0"
    assert expired(context)
    context[DEADLINE_KEY] = "not a time"
    assert not expired(context)

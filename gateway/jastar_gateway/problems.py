"""Errors as application/problem+json (RFC 9457): a stable code, a title in
the client's language (kk, ru or en by Accept-Language), the fields at fault,
and never a traceback."""
import json
import logging

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError as KombuOperationalError
from nameko.exceptions import RemoteError, UnknownService
from sqlalchemy import exc as sqlalchemy_exc
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from jastar_common import errors

from .domain.access import Forbidden, Unauthenticated
from .i18n import title, translate, translate_all

log = logging.getLogger(__name__)

PROBLEM_TYPE = "https://jastar.kz/problems/"

_STATUS = [
    (errors.InvalidInput, 400),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.RuleBroken, 422),
    (errors.NotAllowed, 403),
]


class ServiceUnavailable(Exception):
    def __init__(self, service, reason):
        super().__init__(f"{service} is not answering ({reason})")
        self.service = service


class PayloadTooLarge(Exception):
    def __init__(self, limit):
        super().__init__(f"the body may have at most {limit} bytes")


class TooManyRequests(Exception):
    def __init__(self, retry_after):
        super().__init__("too many requests")
        self.retry_after = retry_after


def problem(status, code, detail=None, language="en", retry_after=None, headers=None, **extra):
    body = {"type": PROBLEM_TYPE + code, "title": title(code, language, code.replace("_", " ")),
            "status": status, "code": code}
    if detail:
        body["detail"] = translate(detail, language)
    body.update(extra)
    if "fields" in body:
        body["fields"] = translate_all(body["fields"], language)
    headers = dict(headers or {})
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return Response(json.dumps(body, ensure_ascii=False, default=str), status=status, headers=headers,
                    content_type="application/problem+json")


# errors that mean "a dependency is away", raised here or in a service (RemoteError names the type)
_BROKER_ERRORS = (KombuOperationalError, AmqpConnectionError, ConnectionError)
_DATABASE_ERRORS = (sqlalchemy_exc.OperationalError, sqlalchemy_exc.InterfaceError,
                    sqlalchemy_exc.DisconnectionError)
_REMOTE_OUTAGES = {"OperationalError": "database", "InterfaceError": "database",
                   "DisconnectionError": "database", "ConnectionError": "broker",
                   "ConnectionResetError": "broker", "ConnectionRefusedError": "broker"}


def outage_of(exc):
    """'broker' or 'database' when `exc` says that one could not be reached, else None."""
    if isinstance(exc, _DATABASE_ERRORS):
        return "database"
    if isinstance(exc, _BROKER_ERRORS):
        return "broker"
    if isinstance(exc, RemoteError):
        return _REMOTE_OUTAGES.get(exc.exc_type)
    return None


def from_exception(exc, language="en"):
    for exc_type, status in _STATUS:
        if isinstance(exc, exc_type):
            return problem(status, exc.code, exc.message, language, **exc.details)
    if isinstance(exc, Unauthenticated):
        return problem(401, "unauthenticated", str(exc), language,
                       headers={"WWW-Authenticate": 'Bearer realm="jastar-hub"'})
    if isinstance(exc, Forbidden):
        return problem(403, "forbidden", str(exc), language)
    if isinstance(exc, PayloadTooLarge):
        return problem(413, "payload_too_large", str(exc), language)
    if isinstance(exc, TooManyRequests):
        return problem(429, "too_many_requests", None, language, retry_after=exc.retry_after)
    if isinstance(exc, ServiceUnavailable):
        return problem(503, "service_unavailable", str(exc), language, retry_after=5, service=exc.service)
    if isinstance(exc, (UnknownService, eventlet.Timeout)):
        return problem(503, "service_unavailable", "a service is not answering", language, retry_after=5)
    outage = outage_of(exc)
    if outage:  # the client may retry (with its Idempotency-Key): nothing was done
        log.warning("%s unavailable: %s", outage, exc)
        return problem(503, "service_unavailable", f"the {outage} is not reachable", language,
                       retry_after=5, dependency=outage)
    if isinstance(exc, HTTPException):
        code = exc.name.lower().replace(" ", "_")
        # werkzeug's own headers: Allow on a 405
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return problem(exc.code, code, exc.description, language, headers=headers)
    if isinstance(exc, RemoteError):
        log.error("remote error: %s", exc)
    else:
        log.error("unhandled error", exc_info=exc)
    return problem(500, "internal_error", None, language)

"""Errors as application/problem+json (RFC 9457) with a stable code."""
import json
import logging

import eventlet
from nameko.exceptions import RemoteError, UnknownService
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from jastar_common import errors

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


def problem(status, code, title, detail=None, retry_after=None, **extra):
    body = {"type": PROBLEM_TYPE + code, "title": title, "status": status, "code": code}
    if detail:
        body["detail"] = detail
    body.update(extra)
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return Response(json.dumps(body, ensure_ascii=False), status=status, headers=headers,
                    content_type="application/problem+json")


def from_exception(exc):
    for exc_type, status in _STATUS:
        if isinstance(exc, exc_type):
            return problem(status, exc.code, exc.message or exc.code, **exc.details)
    if isinstance(exc, ServiceUnavailable):
        return problem(503, "service_unavailable", str(exc), service=exc.service, retry_after=5)
    if isinstance(exc, (UnknownService, eventlet.Timeout)):
        return problem(503, "service_unavailable", "a service is not answering", retry_after=5)
    if isinstance(exc, HTTPException):
        return problem(exc.code, exc.name.lower().replace(" ", "_"), exc.name, exc.description)
    if isinstance(exc, RemoteError):
        log.error("remote error: %s", exc)
    else:
        log.exception("unhandled error", exc_info=exc)
    return problem(500, "internal_error", "Internal error")

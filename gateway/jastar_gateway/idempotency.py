"""Idempotency-Key at the HTTP edge: the header checked, the request's
fingerprint, and a handler's answer run under the key. What a key means (a
claim, the first answer kept, a lease) is in the use cases,
domain/idempotency.py."""
import hashlib
import json
import logging
import time

from werkzeug.wrappers import Response

from jastar_common.errors import InvalidInput

from . import problems
from .domain.idempotency import HEADER, claim, keep_answer

log = logging.getLogger("jastar.access")


def key_of(headers):
    """The request's key, checked; None when it sends none."""
    key = headers.get(HEADER)
    if key is not None and not 1 <= len(key) <= 100:
        raise InvalidInput("bad Idempotency-Key", fields={HEADER: ["1 to 100 characters"]})
    return key


def fingerprint(method, path, body):
    text = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def answer_once(request, key, handle, unit_of_work, now):
    """`handle(request)`'s answer under the key, claimed at `now` (the
    clock's): the first answer to it again, or a problem when the key is in
    use or was used for another request."""
    caller = request.environ["jastar.caller"]
    owner = f"{caller.kind}:{caller.id}"
    try:
        first = claim(unit_of_work(), owner, key, fingerprint(request.method, request.path, request.jastar_body),
                      now)
    except Exception as exc:  # reused for another request, or still running
        return problems.from_exception(exc, request.environ["jastar.language"])
    if first is not None:
        status, body = first
        return Response(body, status=status, content_type="application/json",
                        headers={"Idempotent-Replayed": "true"})
    response = handle(request)
    for attempt in range(3):  # a database restart takes a second or two
        try:
            keep_answer(unit_of_work(), owner, key, response.status_code, response.get_data(as_text=True))
            break
        except Exception:  # the client still gets what was done; a repeat waits out the lease
            log.warning("could not keep the answer to an Idempotency-Key (try %d of 3)", attempt + 1,
                        exc_info=True)
            time.sleep(1)
    return response

"""Idempotency-Key on unsafe member operations (book, enrol, cancel,
reschedule, accept or decline an offer): a request repeated with the same
key gets the first answer again instead of a second effect; the same key
with a different request is refused (422), never answered with another
request's result. Keys are per caller and kept KEEP_HOURS; a request that
failed frees its key, so it can be retried."""
import hashlib
import json
from datetime import timedelta

from sqlalchemy import delete, select, update

from jastar_common.clock import utcnow
from jastar_common.errors import Conflict, InvalidInput, RuleBroken
from jastar_common.sql import insert_once

from .accounts import idempotency_keys

HEADER = "Idempotency-Key"
KEEP_HOURS = 24
# a key claimed this long ago and still unanswered lost its request (the
# gateway process died, or its database failed before the answer was kept):
# a repeat takes it over and runs again, which the owning service's own
# idempotency makes safe (a booking's key is unique per member)
LEASE_SECONDS = 30


class KeyReused(RuleBroken):
    code = "idempotency_key_reused"


def key_of(headers):
    """The request's key, checked; None when it sends none."""
    key = headers.get(HEADER)
    if key is not None and not 1 <= len(key) <= 100:
        raise InvalidInput("bad Idempotency-Key", fields={HEADER: ["1 to 100 characters"]})
    return key


def fingerprint(method, path, body):
    text = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def begin(uow, caller, key, print_, now=None):
    """Claim the key for this request: None to go ahead, or the first
    answer (status, body) to send again."""
    now = now or utcnow()
    with uow:
        session = uow.session
        session.execute(delete(idempotency_keys).where(
            idempotency_keys.c.created_at < now - timedelta(hours=KEEP_HOURS)))
        claimed = insert_once(session, idempotency_keys, dict(
            caller=caller, key=key, fingerprint=print_, status=None, body=None, created_at=now))
        if not claimed:  # an abandoned claim of the same request: take it over
            claimed = session.execute(update(idempotency_keys).where(
                idempotency_keys.c.caller == caller, idempotency_keys.c.key == key,
                idempotency_keys.c.status.is_(None), idempotency_keys.c.fingerprint == print_,
                idempotency_keys.c.created_at < now - timedelta(seconds=LEASE_SECONDS),
            ).values(created_at=now)).rowcount == 1
        row = None if claimed else session.execute(select(idempotency_keys).where(
            idempotency_keys.c.caller == caller, idempotency_keys.c.key == key)).mappings().first()
        uow.commit()
    if claimed:
        return None
    if row is None or row["status"] is None:
        raise Conflict("a request with this Idempotency-Key is still being answered; try again",
                       fields={HEADER: ["in use by a request still running"]}, retry_after=2)
    if row["fingerprint"] != print_:
        raise KeyReused("this Idempotency-Key was used for a different request",
                        rule="idempotency_key_reused",
                        fields={HEADER: ["already used with another method, path or body"]})
    return row["status"], row["body"]


def finish(uow, caller, key, status, body):
    """Keep the first answer (a success), or free the key (anything else)."""
    where = (idempotency_keys.c.caller == caller, idempotency_keys.c.key == key)
    with uow:
        if 200 <= status < 300:
            uow.session.execute(update(idempotency_keys).where(*where).values(status=status, body=body))
        else:
            uow.session.execute(delete(idempotency_keys).where(*where))
        uow.commit()

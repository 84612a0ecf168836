"""Use cases: Idempotency-Keys on unsafe member operations (book, enrol,
cancel, reschedule, accept or decline an offer). A request repeated with the
same key gets the first answer again instead of a second effect; the same key
with a different request is refused (422), never answered with another
request's result. Keys are per caller and kept KEEP_HOURS; a request that
failed frees its key, so it can be retried. The HTTP edge (idempotency.py)
reads the key and fingerprints the request."""
from datetime import timedelta

from jastar_common.errors import Conflict, RuleBroken

HEADER = "Idempotency-Key"  # the key's name to the client: errors name it
KEEP_HOURS = 24
# a key claimed this long ago and still unanswered lost its request (the
# gateway process died, or its database failed before the answer was kept):
# a repeat takes it over and runs again, which the owning service's own
# idempotency makes safe (a booking's key is unique per member)
LEASE_SECONDS = 30


class KeyReused(RuleBroken):
    code = "idempotency_key_reused"


def claim(uow, caller, key, print_, now):
    """Claim the key for this request (`print_`, its fingerprint) at `now`:
    None to go ahead, or the first answer (status, body) to send again."""
    with uow:
        keys = uow.idempotency_keys
        keys.forget_older_than(now - timedelta(hours=KEEP_HOURS))
        # an abandoned claim of the same request is taken over
        claimed = keys.claim(caller, key, print_, now) or keys.take_over(caller, key, print_, now, LEASE_SECONDS)
        row = None if claimed else keys.claim_of(caller, key)
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


def keep_answer(uow, caller, key, status, body):
    """Keep the first answer (a success), or free the key (anything else)."""
    with uow:
        if 200 <= status < 300:
            uow.idempotency_keys.keep_answer(caller, key, status, body)
        else:
            uow.idempotency_keys.free(caller, key)
        uow.commit()

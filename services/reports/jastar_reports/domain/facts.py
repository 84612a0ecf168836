"""From events (or the owners' RPC, when rebuilding) to facts: one per
booking, waitlist entry and member with its latest known state (model.py),
and a copy of the registry objects reports group by. Plain Python over a
unit of work.

Order does not matter: of two snapshots of one object the store keeps the
one the model says (`kept_over`: the later `changed_at`, ties by rank),
whichever arrives first; a duplicate changes nothing. The store applies that
rule atomically (put is a conditional upsert). Member ids leave this module
only as a keyed hash."""
import hashlib
import hmac

from jastar_common.contracts import REPORTS_COPIED_KINDS

from .model import BookingFact, MemberFact, WaitlistFact, latest

COPIED_KINDS = REPORTS_COPIED_KINDS
CONSUMERS = {"registry": "reports.registry_changes", "booking": "reports.booking_changes"}
SNAPSHOTS = {"booking": BookingFact, "waitlist": WaitlistFact}  # event kind -> its fact


class MemberHasher:
    """HMAC-SHA256 of a member id with a secret key: counts unique people
    without holding anyone's id (and, without the key, without linking the
    hash back to the id)."""

    def __init__(self, key):
        if not key:
            raise ValueError("a member hash key is required")
        self.key = key.encode()

    def __call__(self, member_id):
        return hmac.new(self.key, str(member_id).encode(), hashlib.sha256).hexdigest()[:32]


def store_copy(uow, kind, obj_id, data, source_time):
    uow.copies.put(kind, obj_id, data, source_time)


def _consumer(envelope):
    kind = envelope.type.split(".")[0]
    return CONSUMERS["booking" if kind in SNAPSHOTS else "registry"]


def apply_event(uow, envelope, hasher):
    """Apply one registry, booking or waitlist event once. False for a
    duplicate delivery (the inbox); True otherwise, even when the event was
    older than what is known and so changed nothing."""
    with uow:
        if not uow.first_delivery(_consumer(envelope), envelope):
            return False
        apply_data(uow, envelope.type, envelope.data, envelope.time, hasher)
        uow.commit()
        return True


def apply_events(uow, envelopes, hasher):
    """Apply many events in one transaction (a batch of booking events, a
    replay, a benchmark): the same rules, with the booking and waitlist
    facts of the batch first reduced to the one kept per object (no query)
    and written in one statement each. Returns how many were not duplicates."""
    with uow:
        new_ids = set()
        for consumer in CONSUMERS.values():
            mine = [e for e in envelopes if _consumer(e) == consumer]
            new_ids.update(e.id for e in uow.first_deliveries(consumer, mine))
        snapshots = {kind: [] for kind in SNAPSHOTS}
        seen = set()
        for envelope in envelopes:
            if envelope.id not in new_ids or envelope.id in seen:
                continue
            seen.add(envelope.id)
            kind = envelope.type.split(".")[0]
            if kind in SNAPSHOTS:
                snapshots[kind].append(SNAPSHOTS[kind].from_event(envelope.data, hasher, envelope.time))
            else:
                apply_data(uow, envelope.type, envelope.data, envelope.time, hasher)
        for kind, facts in snapshots.items():
            _facts(uow, kind).put(latest(facts))
        uow.commit()
        return len(seen)


def _facts(uow, kind):
    """The repository of booking or waitlist facts."""
    return uow.booking_facts if kind == "booking" else uow.waitlist_facts


def apply_data(uow, event_type, data, event_time, hasher):
    kind, verb = event_type.split(".", 1)
    if kind in SNAPSHOTS:
        _facts(uow, kind).put([SNAPSHOTS[kind].from_event(data, hasher, event_time)])
    elif kind == "member":
        uow.member_facts.put(MemberFact.from_event(verb, data, hasher, event_time))
    elif kind in COPIED_KINDS:
        snapshot = {k: v for k, v in data.items() if k not in (f"{kind}_id", "changed")}
        store_copy(uow, kind, data[f"{kind}_id"], snapshot, event_time)


# --- rebuild: the same rules, fed by the owners' RPC ---------------------------

def needs_rebuild(uow):
    """A database that never finished a rebuild (a new one) reads everything
    from the owners once, even if some events came in first."""
    with uow:
        return not uow.rebuilds.done()


def rebuilt(uow, finished_at, counts):
    with uow:
        uow.rebuilds.add({"finished_at": finished_at, "counts": counts})
        uow.commit()


def rebuild_copies(uow, kind, items, read_at):
    """A page of registry objects read by RPC at `read_at` (an event of a
    change made while reading is newer, and wins)."""
    with uow:
        for item in items:
            data = {k: v for k, v in item.items() if k != "id"}
            store_copy(uow, kind, item["id"], data, read_at)
        uow.commit()


def rebuild_members(uow, items, read_at, hasher):
    with uow:
        for item in items:
            uow.member_facts.put(MemberFact.from_owner(item, hasher, read_at))
        uow.commit()


def rebuild_facts(uow, what, items, read_at, hasher):
    """A page of booking's facts ("bookings" or "waitlist"): each is its
    latest event's data, applied as that event would be."""
    kind = "booking" if what == "bookings" else "waitlist"
    with uow:
        _facts(uow, kind).put(latest(SNAPSHOTS[kind].from_event(d, hasher, read_at) for d in items))
        uow.commit()

"""From events (or the owners' RPC, when rebuilding) to facts: one row per
booking, waitlist entry and member with its latest known state, and a copy
of the registry objects reports group by. Plain Python over a unit of work.

Order does not matter: of two snapshots of one booking, the one with the
later `changed_at` wins (ties: the further state, its rank), whichever
arrives first; a duplicate is a tie that changes nothing. The store applies
that rule atomically (put_* are conditional upserts). Member ids leave this module only
as a keyed hash."""
import hashlib
import hmac
from datetime import datetime, timezone

from jastar_common.calendar import local_date
from jastar_common.contracts import REPORTS_COPIED_KINDS

COPIED_KINDS = REPORTS_COPIED_KINDS
BOOKING_RANK = {"pending": 0, "confirmed": 1, "checked_in": 2, "completed": 3, "no_show": 3,
                "cancelled": 3, "rejected": 3}
WAITLIST_RANK = {"waiting": 0, "offered": 1, "accepted": 2, "declined": 2, "expired": 2, "left": 2}
CONSUMERS = {"registry": "reports.registry_changes", "booking": "reports.booking_changes"}


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


def _time(value, fallback=None):
    if value is None:
        return fallback
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def booking_row(data, hasher, event_time=None):
    starts_at = _time(data["starts_at"])
    changed_at = _time(data.get("changed_at"), event_time)
    return {
        "booking_id": data["booking_id"], "kind": data["kind"], "state": data["state"],
        "centre_id": data["centre_id"], "resource_id": data["resource_id"],
        "service_id": data.get("service_id"), "programme_id": data.get("programme_id"),
        "member_hash": hasher(data["member_id"]), "age_band": data.get("age_band"),
        "day": local_date(starts_at), "starts_at": starts_at, "ends_at": _time(data["ends_at"]),
        "requested_at": _time(data.get("requested_at"), changed_at), "changed_at": changed_at,
        "rank": BOOKING_RANK.get(data["state"], 0),
    }


def waitlist_row(data, hasher, event_time=None):
    changed_at = _time(data.get("changed_at"), event_time)
    joined_at = _time(data.get("joined_at"), changed_at)
    return {
        "entry_id": data["entry_id"], "state": data["state"], "centre_id": data["centre_id"],
        "resource_id": data["resource_id"], "member_hash": hasher(data["member_id"]),
        "day": local_date(joined_at), "joined_at": joined_at, "changed_at": changed_at,
        "rank": WAITLIST_RANK.get(data["state"], 0),
    }


def store_booking(uow, row):
    uow.booking_facts.put([row])


def store_waitlist(uow, row):
    uow.waitlist_facts.put([row])


def newest(rows, key):
    """One row per key: the latest (changed_at, rank), as the store would keep."""
    kept = {}
    for row in rows:
        known = kept.get(row[key])
        if known is None or (row["changed_at"], row["rank"]) > (known["changed_at"], known["rank"]):
            kept[row[key]] = row
    return list(kept.values())


def store_member(uow, member_hash, district_id, status, registered_at, changed_at):
    uow.member_facts.put({"member_hash": member_hash, "district_id": district_id, "status": status,
                          "day": local_date(registered_at), "registered_at": registered_at,
                          "changed_at": changed_at})


def store_copy(uow, kind, obj_id, data, source_time):
    uow.copies.put(kind, obj_id, data, source_time)


def apply_event(uow, envelope, hasher):
    """Apply one registry, booking or waitlist event once. False for a
    duplicate delivery (the inbox); True otherwise, even when the event was
    older than what is known and so changed nothing."""
    kind = envelope.type.split(".")[0]
    consumer = CONSUMERS["booking" if kind in ("booking", "waitlist") else "registry"]
    with uow:
        if not uow.first_delivery(consumer, envelope):
            return False
        apply_data(uow, envelope.type, envelope.data, envelope.time, hasher)
        uow.commit()
        return True


def _consumer(envelope):
    kind = envelope.type.split(".")[0]
    return CONSUMERS["booking" if kind in ("booking", "waitlist") else "registry"]


def apply_events(uow, envelopes, hasher):
    """Apply many events in one transaction (a batch of booking events, a
    replay, a benchmark): the same rules, with the booking and waitlist facts of the batch first
    reduced to the newest per object and written in one statement each.
    Returns how many were not duplicates."""
    with uow:
        new_ids = set()
        for consumer in CONSUMERS.values():
            mine = [e for e in envelopes if _consumer(e) == consumer]
            new_ids.update(e.id for e in uow.first_deliveries(consumer, mine))
        bookings, entries, seen = [], [], set()
        for envelope in envelopes:
            if envelope.id not in new_ids or envelope.id in seen:
                continue
            seen.add(envelope.id)
            kind = envelope.type.split(".")[0]
            if kind == "booking":
                bookings.append(booking_row(envelope.data, hasher, envelope.time))
            elif kind == "waitlist":
                entries.append(waitlist_row(envelope.data, hasher, envelope.time))
            else:
                apply_data(uow, envelope.type, envelope.data, envelope.time, hasher)
        uow.booking_facts.put(newest(bookings, "booking_id"))
        uow.waitlist_facts.put(newest(entries, "entry_id"))
        uow.commit()
        return len(seen)


def apply_data(uow, event_type, data, event_time, hasher):
    kind, verb = event_type.split(".", 1)
    if kind == "booking":
        store_booking(uow, booking_row(data, hasher, event_time))
    elif kind == "waitlist":
        store_waitlist(uow, waitlist_row(data, hasher, event_time))
    elif kind == "member":
        status = "erased" if verb == "erased" else data.get("status", "active")
        store_member(uow, hasher(data["member_id"]), data.get("district_id"), status, event_time, event_time)
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
            store_member(uow, hasher(item["member_id"]), item.get("district_id"), item["status"],
                         _time(item["registered_at"]), read_at)
        uow.commit()


def rebuild_facts(uow, what, items, read_at, hasher):
    """A page of booking's facts: each is its latest event's data, applied as
    that event would be."""
    with uow:
        if what == "bookings":
            uow.booking_facts.put(newest([booking_row(d, hasher, read_at) for d in items], "booking_id"))
        else:
            uow.waitlist_facts.put(newest([waitlist_row(d, hasher, read_at) for d in items], "entry_id"))
        uow.commit()

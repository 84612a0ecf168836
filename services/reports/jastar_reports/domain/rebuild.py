"""A new database reads everything from the owners once (the registry's
objects and members, booking's bookings and waitlist entries), page by page,
through the same rules as the events (facts.py)."""
from datetime import timedelta

from . import facts

PAGE = 200


def rebuild_from_owners(new_uow, registry, booking, hasher, clock):
    """`registry` and `booking` answer the owners' RPC (list, list_member_facts;
    list_facts); `new_uow()` gives a unit of work per page. Returns the counts."""
    # dated a little before the reads: a change committed while reading
    # arrives as a newer event and wins (booking's facts carry their own times)
    read_at = clock() - timedelta(minutes=1)
    counts = {}
    for kind in facts.COPIED_KINDS:
        counts[kind] = _offset_pages(
            lambda q, kind=kind: registry.list(kind, q),
            lambda items, kind=kind: facts.rebuild_copies(new_uow(), kind, items, read_at))
    counts["member"] = _offset_pages(
        registry.list_member_facts,
        lambda items: facts.rebuild_members(new_uow(), items, read_at, hasher))
    for what in ("bookings", "waitlist"):
        counts[what] = _keyset_pages(
            lambda q, what=what: booking.list_facts(what, q),
            lambda items, what=what: facts.rebuild_facts(new_uow(), what, items, read_at, hasher))
    facts.rebuilt(new_uow(), clock(), counts)
    return counts


def _offset_pages(fetch, store):
    offset = 0
    while True:
        page = fetch({"limit": PAGE, "offset": offset})
        store(page["items"])
        offset += PAGE
        if offset >= page["total"]:
            return page["total"]


def _keyset_pages(fetch, store, limit=1000):
    after, seen = None, 0
    while True:
        page = fetch({"after": after, "limit": limit})
        store(page["items"])
        seen += len(page["items"])
        after = page["next"]
        if after is None:
            return seen

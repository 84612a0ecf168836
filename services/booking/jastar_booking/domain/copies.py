"""Booking's copy of registry data, kept current by registry events and, when
it starts empty, by a resync over RPC. Newer never loses to older: each copy
remembers the time of what it came from."""
from datetime import timezone

from jastar_common.contracts import BOOKING_COPIED_KINDS as COPIED_KINDS

CONSUMER = "booking.registry_changes"


def _utc(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _store(uow, kind, obj_id, data, source_time):
    known = uow.copies.source_time(kind, obj_id)
    if known is None or _utc(known) <= source_time:
        uow.copies.put(kind, obj_id, data, source_time)


def snapshot_from_event(kind, data):
    return {key: value for key, value in data.items() if key not in (f"{kind}_id", "changed")}


def apply_registry_event(uow, envelope, member=None, on_erased=None):
    """Apply one registry event once; `member` is the member's eligibility the
    adapter fetched for member.* events (events carry no personal data);
    `on_erased(uow, member_id)` runs in the same transaction when a member is
    erased. Returns False for a duplicate delivery."""
    kind = envelope.type.split(".")[0]
    with uow:
        if not uow.first_delivery(CONSUMER, envelope):
            return False
        if kind in COPIED_KINDS:
            _store(uow, kind, envelope.data[f"{kind}_id"], snapshot_from_event(kind, envelope.data),
                   envelope.time)
        elif kind == "member":
            _store(uow, "member", envelope.data["member_id"], member_snapshot(member, envelope),
                   envelope.time)
            if envelope.type == "member.erased" and on_erased is not None:
                on_erased(uow, envelope.data["member_id"])
        uow.commit()
        return True


def member_snapshot(member, envelope):
    if envelope.type == "member.erased" or member is None:
        return {"status": "erased"}
    return {"status": member["status"], "birth_date": member.get("birth_date"),
            "categories": member.get("categories") or []}


def held(uow, kind):
    """What booking holds of the registry's `kind`, as stored (for operators)."""
    with uow:
        return [{"id": row["obj_id"], **row["data"]} for row in uow.copies.raw(kind)]


def is_empty(uow):
    with uow:
        return uow.copies.count() == 0


def resync(uow, kind, items, read_at):
    """Store a page of registry objects read by RPC at `read_at`."""
    with uow:
        for item in items:
            obj_id = item["id"] if kind != "member" else item["member_id"]
            data = {k: v for k, v in item.items() if k not in ("id", "member_id")}
            _store(uow, kind, obj_id, data, read_at)
        uow.commit()

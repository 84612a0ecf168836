"""Booking's copy of registry data, with an in-memory unit of work."""
from datetime import timedelta

from jastar_booking.domain import copies
from jastar_common.envelope import Envelope

from .fakes import FakeUnitOfWork


class FakeCopies:
    def __init__(self):
        self.rows = {}

    def source_time(self, kind, obj_id):
        return self.rows.get((kind, obj_id), (None, None))[1]

    def put(self, kind, obj_id, data, source_time):
        self.rows[(kind, obj_id)] = (data, source_time)


def copies_uow():
    return FakeUnitOfWork(copies=FakeCopies())


def centre_event(status, **kw):
    return Envelope(type="centre.updated", source="registry",
                    data={"centre_id": "talgar-yrc", "district_id": "talgar", "status": status,
                          "changed": ["status"]}, **kw)


def test_a_duplicate_delivery_changes_nothing():
    uow = copies_uow()
    event = centre_event("planned")
    assert copies.apply_registry_event(uow, event) is True
    assert copies.apply_registry_event(uow, event) is False
    assert uow.commits == 1


def test_an_older_event_arriving_late_does_not_overwrite_a_newer_one():
    uow = copies_uow()
    newer = centre_event("open")
    older = centre_event("planned", time=newer.time - timedelta(minutes=5))
    copies.apply_registry_event(uow, newer)
    copies.apply_registry_event(uow, older)
    data, _ = uow.copies.rows[("centre", "talgar-yrc")]
    assert data == {"district_id": "talgar", "status": "open"}


def test_member_events_keep_eligibility_fetched_by_rpc_and_erasure_wipes_it():
    uow = copies_uow()
    registered = Envelope(type="member.registered", source="registry",
                          data={"member_id": "m-1", "district_id": "karasai", "language": "kk",
                                "status": "active"})
    copies.apply_registry_event(uow, registered, {"status": "active", "birth_date": "2004-05-17",
                                                  "categories": ["student"]})
    assert uow.copies.rows[("member", "m-1")][0]["birth_date"] == "2004-05-17"
    erased = Envelope(type="member.erased", source="registry", data={"member_id": "m-1"})
    copies.apply_registry_event(uow, erased)
    assert uow.copies.rows[("member", "m-1")][0] == {"status": "erased"}

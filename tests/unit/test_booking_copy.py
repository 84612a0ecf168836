from datetime import timedelta

from jastar_booking.domain import services
from jastar_common.envelope import Envelope

from .fakes import FakeRepository, FakeUnitOfWork


def centre_event(status, **kw):
    return Envelope(type="centre.updated", source="registry",
                    data={"centre_id": "talgar-yrc", "district_id": "talgar", "status": status}, **kw)


def make_uow():
    return FakeUnitOfWork(centres=FakeRepository(key="centre_id"))


def test_a_duplicate_delivery_changes_nothing():
    uow = make_uow()
    event = centre_event("planned")
    assert services.apply_registry_event(uow, event) is True
    assert services.apply_registry_event(uow, event) is False
    assert uow.commits == 1


def test_an_older_event_arriving_late_does_not_overwrite_a_newer_one():
    uow = make_uow()
    newer = centre_event("open")
    older = centre_event("planned", time=newer.time - timedelta(minutes=5))
    services.apply_registry_event(uow, newer)
    services.apply_registry_event(uow, older)
    assert uow.centres.get("talgar-yrc").status == "open"

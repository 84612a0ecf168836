"""The one fake unit of work behaves as the real one: same abstract base, same
methods, and the same transaction (commit keeps, leaving without it undoes)."""
import inspect
from contextlib import nullcontext
from dataclasses import dataclass

import pytest

from jastar_common.envelope import Envelope
from jastar_common.uow import AbstractUnitOfWork, SqlUnitOfWork

from ..fakes import FakeRepository, FakeUnitOfWork


@dataclass
class Centre:
    id: str
    status: str = "planned"


def _uow():
    uow = FakeUnitOfWork(centres=FakeRepository())
    uow.centres.add(Centre("talgar-yrc"))
    return uow


@pytest.mark.parametrize("name", sorted(AbstractUnitOfWork.__abstractmethods__))
def test_the_fake_and_the_real_one_offer_the_same_methods(name):
    wanted = inspect.signature(getattr(AbstractUnitOfWork, name))
    assert inspect.signature(getattr(SqlUnitOfWork, name)) == wanted
    assert inspect.signature(getattr(FakeUnitOfWork, name)) == wanted


def test_a_unit_of_work_missing_a_step_cannot_be_made():
    class Partial(AbstractUnitOfWork):
        def __enter__(self):
            return self

    with pytest.raises(TypeError, match="abstract"):
        Partial()


def test_commit_keeps_the_change_and_publishes_what_was_emitted():
    uow = _uow()
    with uow:
        uow.centres.get("talgar-yrc").status = "open"
        envelope = uow.emit("centre.opened", {"centre_id": "talgar-yrc"})
        assert uow.published == []  # not before commit
        uow.commit()
    assert uow.centres.get("talgar-yrc").status == "open"
    assert uow.published == [("centre.opened", {"centre_id": "talgar-yrc"})] and uow.commits == 1
    assert isinstance(envelope, Envelope) and envelope.type == "centre.opened"


@pytest.mark.parametrize("how", ["leaving", "rollback", "an error"])
def test_without_commit_nothing_changes_and_nothing_is_published(how):
    uow, event = _uow(), Envelope(type="district.updated", source="registry", data={})
    centre = uow.centres.get("talgar-yrc")
    with pytest.raises(RuntimeError) if how == "an error" else nullcontext():
        with uow:
            assert uow.first_delivery("registry.copies", event)
            centre.status = "open"
            uow.centres.add(Centre("konaev-yrc"))
            uow.repository("space").add(Centre("studio"))
            uow.emit("centre.opened", {"centre_id": "talgar-yrc"})
            if how == "rollback":
                uow.rollback()
            elif how == "an error":
                raise RuntimeError("the use case failed")
    assert centre.status == "planned" and uow.centres.get("talgar-yrc") is centre
    assert list(uow.centres.items) == ["talgar-yrc"] and uow.repository("space").items == {}
    assert uow.published == [] and uow.commits == 0
    with uow:
        assert uow.first_delivery("registry.copies", event)  # its inbox mark went too


def test_after_a_commit_only_what_follows_it_is_undone():
    uow = _uow()
    with uow:
        uow.centres.get("talgar-yrc").status = "open"
        uow.emit("centre.opened", {"centre_id": "talgar-yrc"})
        uow.commit()
        uow.centres.get("talgar-yrc").status = "closed"
        uow.emit("centre.closed", {"centre_id": "talgar-yrc"})
    assert uow.centres.get("talgar-yrc").status == "open"
    assert [event for event, _ in uow.published] == ["centre.opened"]


def test_a_duplicate_delivery_is_refused_once_the_first_committed():
    uow, event = _uow(), Envelope(type="district.updated", source="registry", data={})
    with uow:
        assert uow.first_delivery("registry.copies", event)
        uow.commit()
    with uow:
        assert not uow.first_delivery("registry.copies", event)
        assert uow.first_delivery("reports.facts", event)  # each consumer has its own inbox


def test_given_its_documented_events_it_refuses_others_as_the_real_one_does():
    uow = FakeUnitOfWork(event_types={"centre.opened"})
    with uow, pytest.raises(ValueError, match="documented"):
        uow.emit("centre.exploded", {})



def test_a_repository_that_refers_to_its_unit_of_work_is_put_back_too():
    uow = _uow()
    uow.bookings = uow._repositories["bookings"] = FakeRepository()
    uow.bookings.uow = uow  # as booking's does, to read the waitlist
    with uow:
        uow.bookings.add(Centre("b-1"))
        uow.emit("booking.requested", {})
        uow.commit()
        uow.bookings.add(Centre("b-2"))
    assert list(uow.bookings.items) == ["b-1"] and uow.bookings.uow is uow
    assert uow.commits == 1 and len(uow.published) == 1

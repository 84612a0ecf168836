"""The one fake unit of work (tests/unit/fakes.py) keeps the real one's
promises: the same steps run on both, with the same outcome (the real one on
PostgreSQL: what it would publish is its outbox rows)."""
import pytest
from sqlalchemy import func, select

from jastar_common import tables
from jastar_common.database import make_engine, make_session_factory
from jastar_common.envelope import Envelope
from jastar_common.uow import SqlUnitOfWork

from ..unit.fakes import FakeUnitOfWork
from .support import create_schema

DOCUMENTED = frozenset({"centre.opened", "centre.closed"})


class _Real(SqlUnitOfWork):
    event_types = DOCUMENTED


@pytest.fixture(params=["real", "fake"])
def side(request):
    """(a unit of work, how many events it has published)"""
    if request.param == "fake":
        uow = FakeUnitOfWork(DOCUMENTED)
        yield uow, lambda: len(uow.published)
        return
    url = request.getfixturevalue("database_url")
    create_schema(url)
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        yield _Real(make_session_factory(engine), "test"), lambda: conn.scalar(
            select(func.count()).select_from(tables.outbox))
    engine.dispose()


def test_only_what_commits_is_published(side):
    uow, published = side
    with uow:
        uow.emit("centre.opened", {"centre_id": "c-1"})
        uow.commit()
        uow.emit("centre.closed", {"centre_id": "c-1"})  # after the commit: left uncommitted
    with uow:
        uow.emit("centre.closed", {"centre_id": "c-2"})
        uow.rollback()
    with pytest.raises(RuntimeError), uow:
        uow.emit("centre.closed", {"centre_id": "c-3"})
        raise RuntimeError("the use case failed")
    assert published() == 1


def test_an_event_is_handled_once_and_only_once_its_mark_commits(side):
    uow, _ = side
    event = Envelope(type="district.updated", source="registry", data={})
    with uow:
        assert uow.first_delivery("test.consumer", event)
    with uow:  # the mark went with the rollback: a redelivery is handled
        assert uow.first_delivery("test.consumer", event)
        uow.commit()
    with uow:
        assert not uow.first_delivery("test.consumer", event)
        assert uow.first_delivery("other.consumer", event)


def test_an_undocumented_event_is_refused(side):
    uow, _ = side
    with uow, pytest.raises(ValueError, match="documented"):
        uow.emit("centre.exploded", {})

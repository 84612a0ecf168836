"""The shared Repository base on PostgreSQL, over a mapped class (objects, as
in the registry and booking) and over a Table (dicts, as in notifications,
reports and the gateway's accounts)."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, DateTime, MetaData, String, Table
from sqlalchemy.orm import registry

from jastar_common.database import make_engine, make_session_factory
from jastar_common.repository import Repository

metadata = MetaData()
slots = Table(
    "slots", metadata,
    Column("id", String(20), primary_key=True),
    Column("centre_id", String(20), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
)
visits = Table(
    "visits", metadata,
    Column("id", String(20), primary_key=True),
    Column("centre_id", String(20), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
)


@dataclass(eq=False)
class Slot:
    id: str
    centre_id: str
    starts_at: datetime


registry().map_imperatively(Slot, slots)
NINE = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)


class Slots(Repository):
    entity = Slot


@pytest.fixture
def session(database_url):
    engine = make_engine(database_url, pool_size=1)
    metadata.create_all(engine)
    session = make_session_factory(engine)()
    yield session
    session.close()
    engine.dispose()


# the same five rows: starts at 9:00 (b, d, a), 10:00 (c), 11:00 (e), at two centres
ROWS = [("b", "karasai", 0), ("d", "karasai", 0), ("a", "konaev", 0), ("c", "karasai", 1),
        ("e", "karasai", 2)]


@pytest.fixture(params=["mapped class", "table"])
def repo(request, session):
    if request.param == "mapped class":
        repo = Slots(session)
        for obj_id, centre, hours in ROWS:
            repo.add(Slot(obj_id, centre, NINE + timedelta(hours=hours)))
    else:
        repo = Repository(session, visits)
        for obj_id, centre, hours in ROWS:
            repo.add(dict(id=obj_id, centre_id=centre, starts_at=NINE + timedelta(hours=hours)))
    session.commit()
    return repo


def _ids(items):
    return [item["id"] if isinstance(item, dict) else item.id for item in items]


def test_get_by_key_and_many_at_once(repo):
    assert _ids([repo.get("c")]) == ["c"]
    assert repo.get("zzz") is None
    assert _ids(repo.get_many(["e", "a", "zzz"])) == ["a", "e"]
    assert _ids([repo.get("d", for_update=True)]) == ["d"]


def test_pages_of_equals_are_ordered_by_key_and_never_overlap(repo):
    at_karasai = repo.c.centre_id == "karasai"
    seen = []
    for offset in (0, 2, 4):
        items, total = repo.page(at_karasai, order_by=(repo.c.starts_at,), limit=2, offset=offset)
        assert total == 4
        seen += _ids(items)
    assert seen == ["b", "d", "c", "e"]


def test_newest_first_still_breaks_ties_by_key(repo):
    items, total = repo.page(order_by=(repo.c.starts_at.desc(),))
    assert _ids(items) == ["e", "c", "a", "b", "d"] and total == 5
    assert repo.count(repo.c.centre_id == "konaev") == 1


def test_skip_locked_leaves_out_what_another_transaction_locked(repo, database_url):
    engine = make_engine(database_url, pool_size=1)
    other = make_session_factory(engine)()
    try:
        theirs = Repository(other, repo.entity)
        assert _ids(theirs.find(order_by=(theirs.c.starts_at,), limit=2, skip_locked=True)) == ["a", "b"]
        assert _ids(repo.find(order_by=(repo.c.starts_at,), limit=2, skip_locked=True)) == ["d", "c"]
    finally:
        other.close()
        engine.dispose()

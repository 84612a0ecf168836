"""Booking's catalogue cache: one small read per unit of work while nothing
changed, and a change written through any other process (another session
factory here) is seen by the next unit of work."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import event

from jastar_booking.catalogue import CatalogueCache
from jastar_booking.domain import copies
from jastar_booking.repository import BookingUnitOfWork
from jastar_common.database import make_engine, make_session_factory
from jastar_common.envelope import Envelope

from . import world


class Process:
    """What one booking process holds: an engine, its session factory (and
    so its own cache), and a record of the SQL it sends."""

    def __init__(self, url):
        self.engine = make_engine(url, pool_size=2)
        self.factory = make_session_factory(self.engine)
        self.statements = []
        event.listen(self.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *rest: self.statements.append(statement))

    def uow(self):
        return BookingUnitOfWork(self.factory, "booking")

    def read(self, kind, obj_id=None):
        with self.uow() as uow:
            return uow.copies.get(kind, obj_id) if obj_id else uow.copies.all(kind)

    def copy_reads(self):
        return [s for s in self.statements if "FROM registry_copies" in s]


def specialist_event(specialist_id, service_ids, moment):
    return Envelope(type="specialist.updated", source="registry", time=moment,
                    data={"specialist_id": specialist_id, "service_ids": service_ids, "status": "open",
                          "changed": ["service_ids"]})


def test_unchanged_catalogue_is_read_from_the_cache(service_database):
    url = service_database("booking")
    world.build(url)
    process = Process(url)
    try:
        first = process.read("specialist")
        assert [s.id for s in first] == ["sp1", "sp2"]
        assert len(process.copy_reads()) == 1
        process.statements.clear()
        for _ in range(3):
            assert process.read("specialist") == first
            assert process.read("specialist", "sp1") == first[0]
        assert process.copy_reads() == []  # only the tokens were read
        assert sum("copy_versions" in s for s in process.statements) == 6
    finally:
        process.engine.dispose()


def test_a_change_made_by_another_process_is_seen_by_the_next_unit_of_work(service_database):
    url = service_database("booking")
    world.build(url)
    reader, writer = Process(url), Process(url)
    try:
        assert reader.read("specialist", "sp1").service_ids == ("svc",)
        later = datetime.now(timezone.utc) + timedelta(seconds=1)
        assert copies.apply_registry_event(writer.uow(), specialist_event("sp1", ["svc", "other"], later))
        assert reader.read("specialist", "sp1").service_ids == ("svc", "other")
        assert [s.id for s in reader.read("specialist")] == ["sp1", "sp2"]
        # a new specialist too, and the other kinds stay cached
        assert reader.read("centre", "c1") is not None
        reader.statements.clear()
        assert copies.apply_registry_event(writer.uow(), specialist_event("sp3", ["svc"], later))
        assert [s.id for s in reader.read("specialist")] == ["sp1", "sp2", "sp3"]
        assert reader.read("centre", "c1") is not None
        assert len(reader.copy_reads()) == 1  # specialists again; the centre from the cache
    finally:
        reader.engine.dispose()
        writer.engine.dispose()


def test_a_unit_of_work_reads_its_own_copy_writes(service_database):
    url = service_database("booking")
    world.build(url)
    process = Process(url)
    try:
        process.read("specialist")  # cached
        with process.uow() as uow:
            uow.copies.put("specialist", "sp9", {"service_ids": ["svc"], "status": "open"},
                           datetime.now(timezone.utc))
            assert uow.copies.get("specialist", "sp9") is not None
            # not committed: the next unit of work must not see it, cached or not
        assert process.read("specialist", "sp9") is None
    finally:
        process.engine.dispose()


def test_the_cache_keeps_a_kind_until_its_token_changes():
    cache, loads = CatalogueCache(), []

    def load():
        loads.append(1)
        return []

    cache.copies("centre", "a", load)
    cache.copies("centre", "a", load)
    assert len(loads) == 1
    cache.copies("centre", "b", load)
    cache.copies("space", "b", load)
    assert len(loads) == 3

"""The reports store over a SQLAlchemy session, and the unit of work. Rows go
in and out as plain dicts."""
from sqlalchemy import case, func, insert, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from jastar_common.batching import BatchInbox
from jastar_common.uow import SqlUnitOfWork

from .domain.figures import SERVED
from .models import booking_facts, member_facts, rebuilds, registry_copies, waitlist_facts

CHUNK = 500  # ids per IN (...) list


def _dicts(result):
    return [dict(row) for row in result.mappings()]


def _insert(session, table):
    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)


def _upsert_newer(session, table, keys, rows, order):
    """Insert each row, or replace the one with its key when `order` (columns)
    sorts after the stored one's: one statement, so concurrent handlers of
    one object's events cannot put an older state over a newer one. Several
    rows go in one statement; they must have distinct keys."""
    statement = _insert(session, table)
    newer = tuple_(*[table.c[c] for c in order]) < tuple_(*[statement.excluded[c] for c in order])
    session.execute(statement.on_conflict_do_update(
        index_elements=keys, set_={c: statement.excluded[c] for c in rows[0] if c not in keys}, where=newer),
        rows)


class CopyStore:
    def __init__(self, session):
        self.session = session

    def put(self, kind, obj_id, data, source_time):
        """Unless a newer copy is there already."""
        _upsert_newer(self.session, registry_copies, ["kind", "obj_id"],
                      [dict(kind=kind, obj_id=obj_id, data=data, source_time=source_time)],
                      ["source_time"])

    def all(self, kind):
        rows = self.session.execute(select(registry_copies.c.obj_id, registry_copies.c.data)
                                    .where(registry_copies.c.kind == kind)
                                    .order_by(registry_copies.c.obj_id)).all()
        return [{**row.data, "id": row.obj_id} for row in rows]

    def count(self):
        return self.session.scalar(select(func.count()).select_from(registry_copies))


class FactStore:
    def __init__(self, session):
        self.session = session

    def put_bookings(self, rows):
        """Unless a newer state (changed_at, then rank) is there already; one
        row per booking."""
        if rows:
            _upsert_newer(self.session, booking_facts, ["booking_id"], rows, ["changed_at", "rank"])

    def put_waitlist(self, rows):
        if rows:
            _upsert_newer(self.session, waitlist_facts, ["entry_id"], rows, ["changed_at", "rank"])

    def put_member(self, row):
        """The newest snapshot's district (kept when it has none, as erasure
        events) and status; the earliest registration time seen (an update
        may arrive before the registration)."""
        statement = _insert(self.session, member_facts).values(**row)
        new, old = statement.excluded, member_facts.c
        newer = new.changed_at > old.changed_at
        earlier = new.registered_at < old.registered_at
        self.session.execute(statement.on_conflict_do_update(index_elements=["member_hash"], set_={
            "district_id": case((newer, func.coalesce(new.district_id, old.district_id)),
                                else_=old.district_id),
            "status": case((newer, new.status), else_=old.status),
            "changed_at": case((newer, new.changed_at), else_=old.changed_at),
            "registered_at": case((earlier, new.registered_at), else_=old.registered_at),
            "day": case((earlier, new.day), else_=old.day),
        }))

    def count(self):
        return sum(self.session.scalar(select(func.count()).select_from(table))
                   for table in (booking_facts, waitlist_facts, member_facts))

    # reading for the figures

    def bookings_in(self, date_from, date_to, centre_ids):
        B = booking_facts.c
        return _dicts(self.session.execute(select(booking_facts).where(
            B.day >= date_from, B.day <= date_to, B.centre_id.in_(centre_ids))))

    def waitlist_in(self, date_from, date_to, centre_ids):
        W = waitlist_facts.c
        return _dicts(self.session.execute(select(waitlist_facts).where(
            W.day >= date_from, W.day <= date_to, W.centre_id.in_(centre_ids))))

    def first_visits(self, member_hashes):
        """{hash: the member's earliest served booking (booking_id, day, centre_id)}."""
        B = booking_facts.c
        out = {}
        hashes = sorted(member_hashes)
        for n in range(0, len(hashes), CHUNK):
            rows = self.session.execute(
                select(B.member_hash, B.booking_id, B.day, B.centre_id, B.starts_at)
                .where(B.member_hash.in_(hashes[n:n + CHUNK]), B.state.in_(SERVED))).mappings()
            for row in rows:
                known = out.get(row["member_hash"])
                if known is None or (row["starts_at"], row["booking_id"]) < (known["starts_at"], known["booking_id"]):
                    out[row["member_hash"]] = dict(row)
        return out

    def registrations(self, date_from, date_to):
        """[{"district_id", "count"}] of members registered in the period."""
        M = member_facts.c
        return _dicts(self.session.execute(
            select(M.district_id, func.count().label("count"))
            .where(M.day >= date_from, M.day <= date_to).group_by(M.district_id)))


class RebuildLog:
    def __init__(self, session):
        self.session = session

    def done(self):
        return self.session.scalar(select(func.count()).select_from(rebuilds)) > 0

    def add(self, finished_at, counts):
        self.session.execute(insert(rebuilds).values(finished_at=finished_at, counts=counts))


class ReportsUnitOfWork(BatchInbox, SqlUnitOfWork):
    event_types = frozenset()  # reports publishes nothing

    def _open(self, session):
        self.copies = CopyStore(session)
        self.facts = FactStore(session)
        self.rebuilds = RebuildLog(session)

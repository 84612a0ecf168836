"""The reports store over a SQLAlchemy session, and the unit of work. Rows go
in and out as plain dicts."""
from sqlalchemy import delete, func, insert, select, update

from jastar_common.uow import SqlUnitOfWork

from .domain.figures import SERVED
from .models import booking_facts, member_facts, rebuilds, registry_copies, waitlist_facts

CHUNK = 500  # ids per IN (...) list


def _dicts(result):
    return [dict(row) for row in result.mappings()]


def _upsert(session, table, key, row):
    """Replace the row with this key (the caller has decided it is newer)."""
    if session.execute(update(table).where(table.c[key] == row[key]).values(**row)).rowcount == 0:
        session.execute(insert(table).values(**row))


class CopyStore:
    def __init__(self, session):
        self.session = session

    def source_time(self, kind, obj_id):
        return self.session.scalar(select(registry_copies.c.source_time).where(
            registry_copies.c.kind == kind, registry_copies.c.obj_id == obj_id))

    def put(self, kind, obj_id, data, source_time):
        self.session.execute(delete(registry_copies).where(
            registry_copies.c.kind == kind, registry_copies.c.obj_id == obj_id))
        self.session.execute(insert(registry_copies).values(
            kind=kind, obj_id=obj_id, data=data, source_time=source_time))

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

    def _one(self, table, key, value):
        row = self.session.execute(select(table).where(table.c[key] == value)).mappings().first()
        return dict(row) if row else None

    def booking(self, booking_id):
        return self._one(booking_facts, "booking_id", booking_id)

    def waitlist(self, entry_id):
        return self._one(waitlist_facts, "entry_id", entry_id)

    def member(self, member_hash):
        return self._one(member_facts, "member_hash", member_hash)

    def put_booking(self, row):
        _upsert(self.session, booking_facts, "booking_id", row)

    def put_waitlist(self, row):
        _upsert(self.session, waitlist_facts, "entry_id", row)

    def put_member(self, row):
        _upsert(self.session, member_facts, "member_hash", row)

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


class ReportsUnitOfWork(SqlUnitOfWork):
    event_types = frozenset()  # reports publishes nothing

    def _open(self, session):
        self.copies = CopyStore(session)
        self.facts = FactStore(session)
        self.rebuilds = RebuildLog(session)

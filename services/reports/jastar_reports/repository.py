"""The reports repositories (one per table, on the shared base; facts go in
as the model's entities, rows come out as plain dicts for the figures) and
the unit of work."""
from sqlalchemy import case, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from jastar_common.batching import BatchInbox
from jastar_common.repository import Repository
from jastar_common.uow import SqlUnitOfWork

from .domain.figures import SERVED
from .domain.model import BookingFact, WaitlistFact
from .models import booking_facts, member_facts, rebuilds, registry_copies, waitlist_facts

CHUNK = 500  # ids per IN (...) list


class _UpsertRepository(Repository):
    def _insert(self):
        dialect = self.session.get_bind().dialect.name
        return (pg_insert if dialect == "postgresql" else sqlite_insert)(self.entity)

    def _put_newer(self, keys, rows, order):
        """Insert each row, or replace the one with its key when `order`
        (columns) sorts after the stored one's: one statement, so concurrent
        handlers of one object's events cannot put an older state over a newer
        one. Several rows go in one statement; they must have distinct keys."""
        if not rows:
            return
        statement = self._insert()
        newer = tuple_(*[self.c[c] for c in order]) < tuple_(*[statement.excluded[c] for c in order])
        self.session.execute(statement.on_conflict_do_update(
            index_elements=keys, set_={c: statement.excluded[c] for c in rows[0] if c not in keys},
            where=newer), rows)


class CopyRepository(_UpsertRepository):
    """Reports' copy of registry data: (kind, obj_id) -> the latest snapshot."""
    entity = registry_copies
    key = "obj_id"

    def put(self, kind, obj_id, data, source_time):
        """Unless a newer copy is there already."""
        self._put_newer(["kind", "obj_id"],
                        [dict(kind=kind, obj_id=obj_id, data=data, source_time=source_time)],
                        ["source_time"])

    def all(self, kind):
        rows = self.session.execute(select(self.c.obj_id, self.c.data)
                                    .where(self.c.kind == kind).order_by(self.c.obj_id)).all()
        return [{**row.data, "id": row.obj_id} for row in rows]


class _FactRepository(_UpsertRepository):
    """Booking or waitlist facts: one row per object, the snapshot its model
    keeps (`supersedes`)."""
    fact = None  # the model's class

    def put(self, facts):
        """Each fact unless the stored one is as new or newer (`ORDER` and
        the rank, as the model compares them), in one statement: concurrent
        handlers of one object's events cannot put an older state over a
        newer one. One fact per object (model.latest)."""
        self._put_newer([self.fact.KEY], [fact.row() for fact in facts], list(self.fact.ORDER))

    def in_period(self, date_from, date_to, centre_ids):
        return self.find(self.c.day >= date_from, self.c.day <= date_to, self.c.centre_id.in_(centre_ids))


class BookingFactRepository(_FactRepository):
    entity = booking_facts
    fact = BookingFact
    key = fact.KEY

    def first_visits(self, member_hashes):
        """{hash: the member's earliest served booking (booking_id, day, centre_id)}."""
        B = self.c
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


class WaitlistFactRepository(_FactRepository):
    entity = waitlist_facts
    fact = WaitlistFact
    key = fact.KEY


class MemberFactRepository(_UpsertRepository):
    entity = member_facts
    key = "member_hash"

    def put(self, fact):
        """MemberFact.kept_over, in one statement: the newest snapshot's
        status and district (the other's when it has none, as erasure
        events); the earliest registration time seen."""
        statement = self._insert().values(**fact.row())
        new, old = statement.excluded, self.c
        newer = new.changed_at > old.changed_at
        earlier = new.registered_at < old.registered_at
        self.session.execute(statement.on_conflict_do_update(index_elements=["member_hash"], set_={
            "district_id": case((newer, func.coalesce(new.district_id, old.district_id)),
                                else_=func.coalesce(old.district_id, new.district_id)),
            "status": case((newer, new.status), else_=old.status),
            "changed_at": case((newer, new.changed_at), else_=old.changed_at),
            "registered_at": case((earlier, new.registered_at), else_=old.registered_at),
            "day": case((earlier, new.day), else_=old.day),
        }))

    def registrations(self, date_from, date_to):
        """[{"district_id", "count"}] of members registered in the period."""
        M = self.c
        return [dict(row) for row in self.session.execute(
            select(M.district_id, func.count().label("count"))
            .where(M.day >= date_from, M.day <= date_to).group_by(M.district_id)).mappings()]


class RebuildRepository(Repository):
    """Rebuilds from the owners' RPC that finished."""
    entity = rebuilds

    def done(self):
        return self.count() > 0


class ReportsUnitOfWork(BatchInbox, SqlUnitOfWork):
    event_types = frozenset()  # reports publishes nothing

    def _open(self, session):
        self.copies = CopyRepository(session)
        self.booking_facts = BookingFactRepository(session)
        self.waitlist_facts = WaitlistFactRepository(session)
        self.member_facts = MemberFactRepository(session)
        self.rebuilds = RebuildRepository(session)

"""Booking's repositories and unit of work."""
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import and_, delete, func, literal, or_, select, text, union_all, update
from sqlalchemy.orm import aliased

from jastar_common.database import is_sqlite
from jastar_common.metrics import BOOKINGS
from jastar_common.repository import Repository
from jastar_common.uow import SqlUnitOfWork

from .catalogue import CATALOGUE_KINDS, cache_for
from .domain import model
from .domain.events import EVENT_TYPES, with_age_bands
from .models import copy_versions, registry_copies

# the longest anything is booked for: bounds the overlap scan to an index range
MAX_SPAN = timedelta(days=1)
LOCK_KEY = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")

VIEWS = {
    "centre": model.CentreView, "space": model.SpaceView, "service": model.ServiceView,
    "specialist": model.SpecialistView, "schedule": model.ScheduleView,
    "programme": model.ProgrammeView, "session": model.SessionView, "member": model.MemberView,
}
_DATES = {"opens_on", "valid_from", "valid_to", "birth_date"}
_TIMES = {"starts_at", "ends_at"}


def to_view(kind, obj_id, data):
    """A registry copy row as its frozen view (only the fields booking uses)."""
    cls = VIEWS[kind]
    values = {"id": obj_id}
    for name in cls.__dataclass_fields__:
        if name == "id" or name not in data:
            continue
        value = data[name]
        if value is not None and name in _DATES:
            value = date.fromisoformat(value)
        elif value is not None and name in _TIMES:
            value = datetime.fromisoformat(value)
        elif isinstance(value, list):
            value = tuple(value)
        values[name] = value
    return cls(**values)


class CopyRepository(Repository):
    """Booking's copy of registry data: (kind, id) -> the latest snapshot, as
    its frozen view. Catalogue kinds come from the process cache while their
    token is unchanged; a member read once is kept for the unit of work."""
    entity = registry_copies
    key = "obj_id"

    def __init__(self, session, catalogue=None):
        super().__init__(session)
        self.catalogue = catalogue  # a CatalogueCache, or None to always read
        self._tokens = None         # copy_versions, read once per unit of work
        self._wrote = False         # after a write, this unit of work reads its own rows
        self._members = {}          # member copies read in this unit of work, by id

    def _cached(self, kind):
        if self.catalogue is None or self._wrote or kind not in CATALOGUE_KINDS:
            return None
        if self._tokens is None:
            self._tokens = dict(self.session.execute(
                select(copy_versions.c.kind, copy_versions.c.token)).all())
        token = self._tokens.get(kind)
        if token is None:
            return None
        return self.catalogue.copies(kind, token, lambda: self._read_all(kind))

    def get(self, kind, obj_id):
        cached = self._cached(kind)
        if cached is not None:
            return cached.by_id.get(obj_id)
        if kind == "member" and obj_id in self._members:
            return self._members[obj_id]
        row = self.session.execute(select(self.c.data).where(
            self.c.kind == kind, self.c.obj_id == obj_id)).first()
        view = None if row is None else to_view(kind, obj_id, row.data)
        if kind == "member":
            self._members[obj_id] = view
        return view

    def all(self, kind):
        cached = self._cached(kind)
        if cached is not None:
            return list(cached.ordered)
        return self._read_all(kind)

    def _read_all(self, kind):
        rows = self.session.execute(select(self.c.obj_id, self.c.data)
                                    .where(self.c.kind == kind).order_by(self.c.obj_id)).all()
        return [to_view(kind, row.obj_id, row.data) for row in rows]

    def raw(self, kind):
        """The rows of `kind` as stored (dicts), by id."""
        return self.find(self.c.kind == kind)

    def birth_dates(self, member_ids):
        """{member id: birth date or None} (for age bands): the members this
        unit of work has read already, the rest in one query."""
        wanted = set(member_ids)
        known = {i: self._members[i] for i in wanted if self._members.get(i) is not None}
        missing = wanted - set(known)
        if missing:
            rows = self.session.execute(select(self.c.obj_id, self.c.data).where(
                self.c.kind == "member", self.c.obj_id.in_(missing))).all()
            known.update((row.obj_id, to_view("member", row.obj_id, row.data)) for row in rows)
        return {member_id: view.birth_date for member_id, view in known.items()}

    def source_time(self, kind, obj_id):
        return self.session.scalar(select(self.c.source_time).where(
            self.c.kind == kind, self.c.obj_id == obj_id))

    def put(self, kind, obj_id, data, source_time):
        """Insert or replace; the caller has checked source_time is newer."""
        if kind == "member":
            self._members.pop(obj_id, None)
        self.session.execute(delete(self.entity).where(self.c.kind == kind, self.c.obj_id == obj_id))
        self.add(dict(kind=kind, obj_id=obj_id, data=data, source_time=source_time))
        if kind in CATALOGUE_KINDS:
            self.renew_token(kind)

    def renew_token(self, kind):
        """Tell every process's cache that `kind` changed (on commit)."""
        self._wrote = True
        self.session.execute(update(copy_versions).where(copy_versions.c.kind == kind)
                             .values(token=str(uuid.uuid4())))


class _ByIdRepository(Repository):
    def after(self, after_id, limit):
        """A page of every one by id, after `after_id` (the reports service's rebuild)."""
        return self.find(*([] if after_id is None else [self.c.id > after_id]), limit=limit)


class BookingRepository(_ByIdRepository):
    entity = model.Booking

    def earlier_request(self, member_id, key):
        """("booking" | "waitlist", id) of what the member's request with this
        idempotency key made before, or None: one read for both tables."""
        B, W = model.Booking, model.WaitlistEntry
        return self.session.execute(union_all(
            select(literal("booking").label("what"), B.id).where(B.member_id == member_id,
                                                                 B.idempotency_key == key),
            select(literal("waitlist").label("what"), W.id).where(W.member_id == member_id,
                                                                  W.idempotency_key == key),
        )).first()

    def member_standing(self, member_id, kind, no_shows_since):
        """(active bookings of `kind`, start times of no-shows since then): the
        member rules' two counts in one read."""
        B = model.Booking
        rows = self.session.execute(select(B.state, B.starts_at).where(
            B.member_id == member_id,
            or_(and_(B.kind == kind, B.state.in_(model.ACTIVE_STATES)),
                and_(B.state == "no_show", B.starts_at > no_shows_since)))).all()
        active = sum(1 for state, _ in rows if state in model.ACTIVE_STATES)
        return active, [starts_at for state, starts_at in rows if state == "no_show"]

    def overlapping(self, resource_id, starts_at, hold_until, excluding=None):
        """Active bookings of the resource whose [start, hold_until) meets the range."""
        B = model.Booking
        query = select(B).where(
            B.resource_id == resource_id, B.state.in_(model.ACTIVE_STATES),
            B.starts_at < hold_until, B.starts_at > starts_at - MAX_SPAN, B.hold_until > starts_at)
        if excluding:
            query = query.where(B.id != excluding)
        return list(self.session.scalars(query))

    def active_for(self, resource_id):
        """Every active booking of the resource (a session's or course's seats)."""
        B = model.Booking
        return list(self.session.scalars(select(B).where(
            B.resource_id == resource_id, B.state.in_(model.ACTIVE_STATES))))

    def active_on(self, resource_id):
        B = model.Booking
        return self.session.scalar(select(func.count()).select_from(B).where(
            B.resource_id == resource_id, B.state.in_(model.ACTIVE_STATES)))

    def busy(self, resource_ids, starts_from, ends_before):
        """{resource_id: [(start, hold_until)]} of active bookings in the range."""
        B = model.Booking
        rows = self.session.execute(select(B.resource_id, B.starts_at, B.hold_until).where(
            B.resource_id.in_(list(resource_ids)), B.state.in_(model.ACTIVE_STATES),
            B.starts_at < ends_before, B.starts_at > starts_from - MAX_SPAN,
            B.hold_until > starts_from)).all()
        out = {resource_id: [] for resource_id in resource_ids}
        for resource_id, start, hold_until in rows:
            out[resource_id].append((start, hold_until))
        return out

    def active_count(self, member_id, kind):
        B = model.Booking
        return self.session.scalar(select(func.count()).select_from(B).where(
            B.member_id == member_id, B.kind == kind, B.state.in_(model.ACTIVE_STATES)))

    def member_minutes(self, member_id, space_kind_resources, week_start, week_end, excluding=None):
        B = model.Booking
        query = select(B.starts_at, B.ends_at).where(
            B.member_id == member_id, B.kind == "space", B.resource_id.in_(space_kind_resources),
            B.state.in_(model.ACTIVE_STATES + ("completed",)),
            B.starts_at >= week_start, B.starts_at < week_end)
        if excluding:
            query = query.where(B.id != excluding)
        return sum((end - start).total_seconds() // 60 for start, end in self.session.execute(query))

    def no_show_times(self, member_id, since):
        B = model.Booking
        return list(self.session.scalars(select(B.starts_at).where(
            B.member_id == member_id, B.state == "no_show", B.starts_at > since)))

    def for_member(self, member_id, limit=100, offset=0, centre_ids=None):
        B = model.Booking
        where = _at_centres([B.member_id == member_id], B, centre_ids)
        return list(self.session.scalars(select(B).where(*where)
                                         .order_by(B.starts_at.desc(), B.id).limit(limit).offset(offset)))

    def count_for_member(self, member_id, centre_ids=None):
        B = model.Booking
        where = _at_centres([B.member_id == member_id], B, centre_ids)
        return self.session.scalar(select(func.count()).select_from(B).where(*where))

    def centres_of_member(self, member_id, centre_ids=None):
        """The centres where the member has or had a booking or a waitlist place."""
        B, W = model.Booking, model.WaitlistEntry
        rows = union_all(
            select(B.centre_id).where(*_at_centres([B.member_id == member_id], B, centre_ids)),
            select(W.centre_id).where(*_at_centres([W.member_id == member_id], W, centre_ids)))
        return set(self.session.scalars(select(rows.subquery().c.centre_id).distinct()))

    def for_centre(self, centre_id, starts_from, ends_before, limit=None, offset=0):
        B = model.Booking
        return list(self.session.scalars(select(B).where(
            B.centre_id == centre_id, B.starts_at >= starts_from, B.starts_at < ends_before)
            .order_by(B.starts_at, B.id).limit(limit).offset(offset)))

    def count_for_centre(self, centre_id, starts_from, ends_before):
        B = model.Booking
        return self.session.scalar(select(func.count()).select_from(B).where(
            B.centre_id == centre_id, B.starts_at >= starts_from, B.starts_at < ends_before))

    def due(self, state, starts_before, limit=200, ends_before=None):
        """Bookings in `state` that began before the time given (for the sweeper)."""
        B = model.Booking
        query = select(B).where(B.state == state, B.starts_at < starts_before)
        if ends_before is not None:
            query = query.where(B.ends_at < ends_before)
        return list(self.session.scalars(query.order_by(B.starts_at).limit(limit)
                                         .with_for_update(skip_locked=True)))


class WaitlistRepository(_ByIdRepository):
    entity = model.WaitlistEntry

    def next_position(self, resource_id):
        W = model.WaitlistEntry
        return (self.session.scalar(select(func.max(W.position)).where(W.resource_id == resource_id))
                or 0) + 1

    def place_in_line(self, entries):
        """Sets each entry's place: the waiting entries that joined its line
        before it, + 1. One query for a page of entries."""
        if not entries:
            return
        W, ahead = model.WaitlistEntry, aliased(model.WaitlistEntry)
        waiting_ahead = (select(func.count()).select_from(ahead)
                         .where(ahead.resource_id == W.resource_id, ahead.state == "waiting",
                                ahead.position < W.position)
                         .correlate(W).scalar_subquery())
        places = dict(self.session.execute(
            select(W.id, waiting_ahead).where(W.id.in_([e.id for e in entries]))).all())
        for entry in entries:
            entry.place = places[entry.id] + 1

    def first_waiting(self, resource_id):
        W = model.WaitlistEntry
        return self.session.scalar(select(W).where(W.resource_id == resource_id, W.state == "waiting")
                                   .order_by(W.position).limit(1))

    def count(self, resource_id, state):
        W = model.WaitlistEntry
        return self.session.scalar(select(func.count()).select_from(W).where(
            W.resource_id == resource_id, W.state == state))

    def of_member(self, resource_id, member_id):
        W = model.WaitlistEntry
        return self.session.scalar(select(W).where(
            W.resource_id == resource_id, W.member_id == member_id, W.state.in_(("waiting", "offered"))))

    def for_member(self, member_id, limit=None, offset=0, centre_ids=None):
        W = model.WaitlistEntry
        where = _at_centres([W.member_id == member_id], W, centre_ids)
        return list(self.session.scalars(select(W).where(*where)
                                         .order_by(W.created_at.desc(), W.id).limit(limit).offset(offset)))

    def count_for_member(self, member_id, centre_ids=None):
        W = model.WaitlistEntry
        where = _at_centres([W.member_id == member_id], W, centre_ids)
        return self.session.scalar(select(func.count()).select_from(W).where(*where))

    def in_line(self, resource_id, limit=None, offset=0):
        """Who waits for a session or course now (offered first), in line order."""
        W = model.WaitlistEntry
        return list(self.session.scalars(select(W).where(
            W.resource_id == resource_id, W.state.in_(("waiting", "offered")))
            .order_by(W.position, W.id).limit(limit).offset(offset)))

    def count_in_line(self, resource_id):
        W = model.WaitlistEntry
        return self.session.scalar(select(func.count()).select_from(W).where(
            W.resource_id == resource_id, W.state.in_(("waiting", "offered"))))

    def expired_offers(self, now, limit=200):
        W = model.WaitlistEntry
        return list(self.session.scalars(select(W).where(W.state == "offered", W.offer_expires_at <= now)
                                         .order_by(W.offer_expires_at).limit(limit)
                                         .with_for_update(skip_locked=True)))


def _at_centres(where, table, centre_ids):
    """Only rows at these centres (staff see theirs), when given."""
    return where if centre_ids is None else [*where, table.centre_id.in_(list(centre_ids))]


class BookingUnitOfWork(SqlUnitOfWork):
    event_types = EVENT_TYPES

    def _open(self, session):
        self.copies = CopyRepository(session, cache_for(self.session_factory))
        self.bookings = BookingRepository(session)
        self.waitlist = WaitlistRepository(session)

    def lock(self, *resource_keys):
        """Serialise every change to these resources until commit (sorted, so
        two transactions locking the same pair cannot deadlock)."""
        if is_sqlite(self.session.get_bind()):
            return  # BEGIN IMMEDIATE already holds the only write lock
        # transaction-scoped advisory locks: nothing is written (a row lock
        # was an update per key, with its WAL), released at commit or
        # rollback. Two keys hashing alike only serialise a little more.
        for key in sorted(set(resource_keys)):
            self.session.execute(LOCK_KEY, {"key": key})

    def touch(self):
        self.session.flush()

    def emit(self, event_type, data, version=1):
        # the member's age band, from booking's copy: reports count by band
        # without ever seeing a birth date
        if event_type.startswith("booking."):
            data = {**data, "age_band": with_age_bands(self.copies, [data])[0]["age_band"]}
        return super().emit(event_type, data, version)

    def commit(self):
        changes = [e.data for e in self.emitted if e.type.startswith("booking.")]
        super().commit()
        for data in changes:
            BOOKINGS.labels(data["centre_id"], data["kind"], data["state"]).inc()


__all__ = ["BookingUnitOfWork", "to_view", "update"]

"""Booking's unit of work in memory, on the shared fake (tests/unit/fakes.py):
its copies, bookings and waitlist answer the queries the use cases ask, so
booking's rules run with no database or broker. Leaving without commit puts
everything back as it was at the last commit."""
from datetime import timedelta

from jastar_booking.domain.events import EVENT_TYPES
from jastar_booking.domain.model import ACTIVE_STATES
from jastar_booking.repository import to_view

from ..fakes import FakeUnitOfWork

IN_LINE = ("waiting", "offered")


class FakeCopies:
    def __init__(self):
        self.rows = {}  # (kind, id) -> (data, source_time)

    def get(self, kind, obj_id):
        row = self.rows.get((kind, obj_id))
        return None if row is None else to_view(kind, obj_id, row[0])

    def all(self, kind):
        return [to_view(k, obj_id, data) for (k, obj_id), (data, _) in sorted(self.rows.items()) if k == kind]

    def raw(self, kind):
        return [{"kind": k, "obj_id": obj_id, "data": data, "source_time": at}
                for (k, obj_id), (data, at) in sorted(self.rows.items()) if k == kind]

    def birth_dates(self, member_ids):
        return {m: self.get("member", m).birth_date for m in set(member_ids) if ("member", m) in self.rows}

    def source_time(self, kind, obj_id):
        row = self.rows.get((kind, obj_id))
        return None if row is None else row[1]

    def put(self, kind, obj_id, data, source_time):
        self.rows[kind, obj_id] = (data, source_time)

    def count(self, kind=None):
        return sum(1 for k, _ in self.rows if kind in (None, k))


def _at(items, centre_ids):
    return [i for i in items if centre_ids is None or i.centre_id in centre_ids]


class FakeBookings:
    def __init__(self, waitlist):
        self.waitlist = waitlist  # the idempotency keys and centres span both
        self.items = {}

    def add(self, booking):
        self.items[booking.id] = booking

    def get(self, booking_id, for_update=False):
        return self.items.get(booking_id)

    def _where(self, **fields):
        return [b for _, b in sorted(self.items.items())
                if all(getattr(b, name) == value for name, value in fields.items())]

    def _active(self, **fields):
        return [b for b in self._where(**fields) if b.is_active]

    def earlier_request(self, member_id, key):
        for what, store in (("booking", self.items), ("waitlist", self.waitlist.items)):
            for obj in store.values():
                if (obj.member_id, obj.idempotency_key) == (member_id, key):
                    return what, obj.id
        return None

    def member_standing(self, member_id, kind, no_shows_since):
        return (len(self._active(member_id=member_id, kind=kind)),
                self.no_show_times(member_id, no_shows_since))

    def overlapping(self, resource_id, starts_at, hold_until, excluding=None):
        return [b for b in self._active(resource_id=resource_id)
                if b.starts_at < hold_until and b.hold_until > starts_at and b.id != excluding]

    def active_for(self, resource_id):
        return self._active(resource_id=resource_id)

    def active_on(self, resource_id):
        return len(self._active(resource_id=resource_id))

    def busy(self, resource_ids, starts_from, ends_before):
        return {r: [(b.starts_at, b.hold_until) for b in self.overlapping(r, starts_from, ends_before)]
                for r in resource_ids}

    def active_count(self, member_id, kind):
        return len(self._active(member_id=member_id, kind=kind))

    def member_minutes(self, member_id, space_kind_resources, week_start, week_end, excluding=None):
        return sum((b.ends_at - b.starts_at) // timedelta(minutes=1) for b in self._where(member_id=member_id)
                   if b.kind == "space" and b.resource_id in space_kind_resources
                   and b.state in ACTIVE_STATES + ("completed",) and week_start <= b.starts_at < week_end
                   and b.id != excluding)

    def no_show_times(self, member_id, since):
        return [b.starts_at for b in self._where(member_id=member_id, state="no_show") if b.starts_at > since]

    def for_member(self, member_id, limit=100, offset=0, centre_ids=None):
        found = sorted(_at(self._where(member_id=member_id), centre_ids), key=lambda b: b.id)
        found.sort(key=lambda b: b.starts_at, reverse=True)
        return found[offset:offset + limit]

    def count_for_member(self, member_id, centre_ids=None):
        return len(_at(self._where(member_id=member_id), centre_ids))

    def centres_of_member(self, member_id, centre_ids=None):
        mine = self._where(member_id=member_id) + [e for e in self.waitlist.items.values()
                                                   if e.member_id == member_id]
        return {i.centre_id for i in _at(mine, centre_ids)}

    def for_centre(self, centre_id, starts_from, ends_before, limit=None, offset=0):
        found = sorted((b for b in self._where(centre_id=centre_id) if starts_from <= b.starts_at < ends_before),
                       key=lambda b: (b.starts_at, b.id))
        return found[offset:None if limit is None else offset + limit]

    def count_for_centre(self, centre_id, starts_from, ends_before):
        return len(self.for_centre(centre_id, starts_from, ends_before))

    def after(self, after_id, limit):
        return [b for b in self._where() if after_id is None or b.id > after_id][:limit]

    def due(self, state, starts_before, limit=200, ends_before=None):
        found = [b for b in self._where(state=state) if b.starts_at < starts_before
                 and (ends_before is None or b.ends_at < ends_before)]
        return sorted(found, key=lambda b: b.starts_at)[:limit]


class FakeWaitlist:
    def __init__(self):
        self.items = {}

    def add(self, entry):
        self.items[entry.id] = entry

    def get(self, entry_id, for_update=False):
        return self.items.get(entry_id)

    def _line(self, resource_id, states=IN_LINE):
        return sorted((e for e in self.items.values() if e.resource_id == resource_id and e.state in states),
                      key=lambda e: (e.position, e.id))

    def next_position(self, resource_id):
        return max((e.position for e in self.items.values() if e.resource_id == resource_id), default=0) + 1

    def place_in_line(self, entries):
        for entry in entries:
            entry.place = sum(1 for e in self._line(entry.resource_id, ("waiting",))
                              if e.position < entry.position) + 1

    def first_waiting(self, resource_id):
        return next(iter(self._line(resource_id, ("waiting",))), None)

    def count(self, resource_id, state):
        return len(self._line(resource_id, (state,)))

    def of_member(self, resource_id, member_id):
        return next((e for e in self._line(resource_id) if e.member_id == member_id), None)

    def for_member(self, member_id, limit=None, offset=0, centre_ids=None):
        found = sorted(_at([e for e in self.items.values() if e.member_id == member_id], centre_ids),
                       key=lambda e: e.id)
        found.sort(key=lambda e: e.created_at, reverse=True)
        return found[offset:None if limit is None else offset + limit]

    def count_for_member(self, member_id, centre_ids=None):
        return len(self.for_member(member_id, centre_ids=centre_ids))

    def in_line(self, resource_id, limit=None, offset=0):
        return self._line(resource_id)[offset:None if limit is None else offset + limit]

    def count_in_line(self, resource_id):
        return len(self._line(resource_id))

    def after(self, after_id, limit):
        return sorted((e for e in self.items.values() if after_id is None or e.id > after_id),
                      key=lambda e: e.id)[:limit]

    def expired_offers(self, now, limit=200):
        found = [e for e in self.items.values() if e.state == "offered" and e.offer_expires_at <= now]
        return sorted(found, key=lambda e: e.offer_expires_at)[:limit]


class FakeBookingUnitOfWork(FakeUnitOfWork):
    """The shared fake with booking's repositories; one use case at a time, so
    nothing to lock."""

    def __init__(self):
        line = FakeWaitlist()
        super().__init__(EVENT_TYPES, copies=FakeCopies(), waitlist=line, bookings=FakeBookings(line))

    def __call__(self):
        """The fake is its own factory (for the sweeper, which opens one per step)."""
        return self

    def lock(self, *resource_keys):
        pass

    def touch(self):
        pass

    def events(self, prefix=""):
        """(type, data) of what was published, in order."""
        return [(t, d) for t, d in self.published if t.startswith(prefix)]

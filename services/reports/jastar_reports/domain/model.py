"""Reports' domain: the facts every figure is derived from. Plain Python.

A fact is the latest known snapshot of one booking, waitlist entry or
member, built from an event's data (or from an owner's RPC when
rebuilding). Events come in any order and some twice, so each fact says
which of two snapshots of one object is kept (`kept_over`): the store's
conditional upserts (repository.py) apply the same rule in SQL, atomically,
on the columns (`ORDER`) and ranks named here. Member ids are kept only as
a keyed hash (facts.MemberHasher)."""
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import ClassVar

from jastar_common.calendar import local_date

# how far a state is: of two snapshots with the same changed_at, the further wins
BOOKING_RANK = {"pending": 0, "confirmed": 1, "checked_in": 2, "completed": 3, "no_show": 3,
                "cancelled": 3, "rejected": 3}
WAITLIST_RANK = {"waiting": 0, "offered": 1, "accepted": 2, "declined": 2, "expired": 2, "left": 2}


def parse_time(value, fallback=None):
    """An event's time (ISO text or a datetime) as an aware datetime; naive is UTC."""
    if value is None:
        return fallback
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, kw_only=True)
class _Snapshot:
    """One object's state as of `changed_at`, a member's at a centre and a
    resource; a subclass names its key field, its rank table and the time
    its `day` is the local date of."""
    KEY: ClassVar[str]
    RANKS: ClassVar[dict]
    DAY_OF: ClassVar[str]
    ORDER: ClassVar[tuple] = ("changed_at", "rank")  # compared in this order, here and in SQL

    state: str
    centre_id: str
    resource_id: str
    member_hash: str
    changed_at: datetime

    def __init_subclass__(cls, key, ranks, day_of, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.KEY, cls.RANKS, cls.DAY_OF = key, ranks, day_of

    @property
    def key(self):
        return getattr(self, self.KEY)

    @property
    def rank(self):
        return self.RANKS.get(self.state, 0)

    @property
    def day(self):
        """The Almaty date the figures count it on."""
        return local_date(getattr(self, self.DAY_OF))

    def order(self):
        return tuple(getattr(self, name) for name in self.ORDER)

    def supersedes(self, other):
        """The later `changed_at` wins; at the same time, the further state
        (its rank). An equal snapshot (a duplicate) does not: the stored one
        stays, and nothing changes."""
        return other is None or self.order() > other.order()

    def kept_over(self, stored):
        """Which of this snapshot and the `stored` one (or None) the store keeps."""
        return self if self.supersedes(stored) else stored

    def row(self):
        """The columns the store holds."""
        return {**vars(self), "day": self.day, "rank": self.rank}


@dataclass(frozen=True, kw_only=True)
class BookingFact(_Snapshot, key="booking_id", ranks=BOOKING_RANK, day_of="starts_at"):
    """A booking, counted on the local day it starts."""
    booking_id: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    requested_at: datetime
    service_id: str | None = None
    programme_id: str | None = None
    age_band: str | None = None

    @classmethod
    def from_event(cls, data, hasher, event_time=None):
        """From a booking event's data (or booking's list_facts item); a
        snapshot without changed_at is as of the event's time."""
        changed_at = parse_time(data.get("changed_at"), event_time)
        return cls(
            booking_id=data["booking_id"], kind=data["kind"], state=data["state"],
            centre_id=data["centre_id"], resource_id=data["resource_id"],
            member_hash=hasher(data["member_id"]), starts_at=parse_time(data["starts_at"]),
            ends_at=parse_time(data["ends_at"]), requested_at=parse_time(data.get("requested_at"), changed_at),
            changed_at=changed_at, service_id=data.get("service_id"), programme_id=data.get("programme_id"),
            age_band=data.get("age_band"))


@dataclass(frozen=True, kw_only=True)
class WaitlistFact(_Snapshot, key="entry_id", ranks=WAITLIST_RANK, day_of="joined_at"):
    """A waitlist entry, counted on the local day it joined."""
    entry_id: str
    joined_at: datetime

    @classmethod
    def from_event(cls, data, hasher, event_time=None):
        changed_at = parse_time(data.get("changed_at"), event_time)
        return cls(
            entry_id=data["entry_id"], state=data["state"], centre_id=data["centre_id"],
            resource_id=data["resource_id"], member_hash=hasher(data["member_id"]),
            joined_at=parse_time(data.get("joined_at"), changed_at), changed_at=changed_at)


@dataclass(frozen=True)
class MemberFact:
    """A member, counted on the local day they registered."""
    member_hash: str
    district_id: str | None
    status: str
    registered_at: datetime
    changed_at: datetime

    @classmethod
    def from_event(cls, verb, data, hasher, event_time):
        """From a member.<verb> event: as of its time (an erasure names no district)."""
        status = "erased" if verb == "erased" else data.get("status", "active")
        return cls(hasher(data["member_id"]), data.get("district_id"), status, event_time, event_time)

    @classmethod
    def from_owner(cls, item, hasher, read_at):
        """From the registry's list_member_facts, read at `read_at`."""
        return cls(hasher(item["member_id"]), item.get("district_id"), item["status"],
                   parse_time(item["registered_at"]), read_at)

    @property
    def day(self):
        return local_date(self.registered_at)

    def kept_over(self, stored):
        """The newer snapshot's status and district (the other's district
        when the newer names none, as an erasure); the earliest registration
        time seen (an update may arrive before the registration). On equal
        times the stored one's. Either order gives the same."""
        if stored is None:
            return self
        newer, older = (self, stored) if self.changed_at > stored.changed_at else (stored, self)
        return replace(newer, district_id=older.district_id if newer.district_id is None else newer.district_id,
                       registered_at=min(self.registered_at, stored.registered_at))

    def row(self):
        return {**vars(self), "day": self.day}


def latest(facts):
    """One snapshot per object: the one the store would keep of them all."""
    kept = {}
    for fact in facts:
        kept[fact.key] = fact.kept_over(kept.get(fact.key))
    return list(kept.values())

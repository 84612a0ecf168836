"""Booking's domain: plain Python, no framework.

Two halves: read-only views of the registry's data (kept in booking's own
copy, fed by registry events, so booking works while the registry is down),
and booking's own objects (bookings and waitlist entries)."""
from dataclasses import dataclass, field
from datetime import date, datetime

from jastar_common.clock import utcnow
from jastar_common.errors import Conflict, RuleBroken
from jastar_common.transitions import next_state

KINDS = ("consultation", "space", "seat")
ACTIVE_STATES = ("pending", "confirmed", "checked_in")  # hold a slot, a space or a seat
FINAL_STATES = ("rejected", "cancelled", "no_show", "completed")
STATES = ACTIVE_STATES + FINAL_STATES
WAITLIST_STATES = ("waiting", "offered", "accepted", "declined", "expired", "left")


# --- views of registry data (what booking knows; fields as in registry events)

@dataclass(frozen=True)
class CentreView:
    id: str
    status: str
    opening_hours: dict  # {"mon": [["09:00", "20:00"]], ...} local (Asia/Almaty)
    closed_dates: tuple = ()  # local dates, besides public days off


@dataclass(frozen=True)
class SpaceView:
    id: str
    centre_id: str
    kind: str
    capacity: int
    grid_minutes: int
    min_minutes: int
    max_minutes: int
    buffer_minutes: int
    needs_approval: bool
    status: str
    opens_on: date | None = None


@dataclass(frozen=True)
class ServiceView:
    id: str
    topic: str
    slot_minutes: int
    centre_ids: tuple
    status: str


@dataclass(frozen=True)
class SpecialistView:
    id: str
    service_ids: tuple
    status: str


@dataclass(frozen=True)
class ScheduleView:
    id: str
    specialist_id: str
    centre_id: str
    weekly: dict  # like CentreView.opening_hours
    # ({"date": "2026-12-01", "kind": "leave"|"extra", "start": "HH:MM"|None, "end": ..}, ...)
    exceptions: tuple = ()
    valid_from: date | None = None
    valid_to: date | None = None
    status: str = "open"


@dataclass(frozen=True)
class ProgrammeView:
    id: str
    centre_id: str
    kind: str
    capacity: int
    min_age: int
    max_age: int
    target_group: str | None
    whole_course: bool
    status: str


@dataclass(frozen=True)
class SessionView:
    id: str
    programme_id: str
    centre_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    status: str
    space_id: str | None = None


@dataclass(frozen=True)
class MemberView:
    id: str
    status: str  # active | erased
    birth_date: date | None = None
    categories: tuple = ()


@dataclass(frozen=True)
class Slot:
    """A free consultation slot, or a free stretch of a space (`free` units)."""
    starts_at: datetime
    ends_at: datetime
    centre_id: str
    specialist_id: str | None = None
    space_id: str | None = None
    free: int = 1


# --- booking's own objects

@dataclass(frozen=True)
class Change:
    """What a transition did, for the use case to announce: the event's type
    and what the event adds to the entity's data."""
    event: str
    details: dict = field(default_factory=dict)


# (action, state it starts from) -> the state it ends in; anything else is refused
BOOKING_TRANSITIONS = {
    ("approve", "pending"): "confirmed",
    ("reject", "pending"): "rejected",
    ("cancel", "pending"): "cancelled",
    ("cancel", "confirmed"): "cancelled",
    ("reschedule", "pending"): "pending",
    ("reschedule", "confirmed"): "confirmed",
    ("check_in", "confirmed"): "checked_in",
    ("mark_no_show", "confirmed"): "no_show",
    ("complete", "checked_in"): "completed",
}
# the refusal, after "a <state> booking ..."
_BOOKING_REFUSALS = {
    "approve": "is not waiting for approval", "reject": "is not waiting for approval",
    "cancel": "cannot be cancelled", "reschedule": "cannot be moved",
    "check_in": "cannot be checked in", "mark_no_show": "cannot be a no-show",
    "complete": "cannot be completed",
}


@dataclass(eq=False)
class Booking:
    id: str
    kind: str
    member_id: str
    centre_id: str
    resource_id: str  # the specialist, space, session or (whole course) programme held
    starts_at: datetime
    ends_at: datetime
    state: str
    service_id: str | None = None
    programme_id: str | None = None
    hold_until: datetime | None = None  # ends_at plus the space's buffer: what it blocks
    idempotency_key: str | None = None
    reason: str | None = None
    changed_by: str | None = None  # member | staff | system
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)

    @property
    def is_active(self):
        return self.state in ACTIVE_STATES

    def may(self, action):
        return (action, self.state) in BOOKING_TRANSITIONS

    def check_may(self, action):
        """Conflict (naming the state) unless `action` is allowed now."""
        return next_state(BOOKING_TRANSITIONS, action, self.state,
                           f"a {self.state} booking {_BOOKING_REFUSALS[action]}")

    def _take(self, action, now, by, reason=None):
        self.state = self.check_may(action)
        self.updated_at = now
        if reason is not None:
            self.reason = reason
        self.changed_by = by
        return Change(f"booking.{self.state}", {"reason": reason, "by": by})

    def approve(self, now, by="staff"):
        return self._take("approve", now, by)

    def reject(self, now, reason=None, by="staff"):
        return self._take("reject", now, by, reason)

    def cancel(self, now, reason=None, by="system"):
        return self._take("cancel", now, by, reason)

    def check_in(self, now, opens_before, by="staff"):
        """Only while check-in is open: from `opens_before` the start to the end."""
        self.check_may("check_in")
        if not self.starts_at - opens_before <= now < self.ends_at:
            raise RuleBroken("check-in opens shortly before the start and closes at the end",
                             rule="check_in_window")
        return self._take("check_in", now, by)

    def mark_no_show(self, now, by="staff"):
        self.check_may("mark_no_show")
        if now < self.starts_at:
            raise RuleBroken("it has not started yet", rule="not_started")
        return self._take("mark_no_show", now, by)

    def complete(self, now, by="system"):
        return self._take("complete", now, by)

    def cancel_until(self, notice):
        """The last moment a member may cancel it (staff may later), given
        the policy's notice; None once it cannot be cancelled at all."""
        return self.starts_at - notice if self.may("cancel") else None

    def move_until(self, notice):
        """The same for moving it to another time; seats never move."""
        return self.starts_at - notice if self.kind != "seat" and self.may("reschedule") else None

    def check_movable(self):
        """Only consultations and space hours move; seats follow their session."""
        if self.kind == "seat":
            raise RuleBroken("seats follow their session; cancel instead", rule="not_reschedulable")
        self.check_may("reschedule")

    def reschedule(self, starts_at, ends_at, hold_until, now, by):
        """The new time, already checked free; the state stays."""
        self.check_movable()
        previous = {"previous_starts_at": self.starts_at, "previous_ends_at": self.ends_at}
        self.starts_at, self.ends_at, self.hold_until = starts_at, ends_at, hold_until
        self.updated_at = now
        return Change("booking.rescheduled", {"by": by, **previous})


WAITLIST_TRANSITIONS = {
    ("offer", "waiting"): "offered",
    ("accept", "offered"): "accepted",
    ("withdraw", "waiting"): "left",  # leaves the line
    ("withdraw", "offered"): "declined",  # declines the offer, which passes on
    ("expire", "offered"): "expired",
}
_WAITLIST_EVENTS = {"offered": "waitlist.offered", "accepted": "waitlist.promoted",
                    "left": "waitlist.left", "declined": "waitlist.declined",
                    "expired": "waitlist.offer_expired"}
_WAITLIST_REFUSALS = {"offer": "no one waiting", "accept": "no open offer",
                      "withdraw": "nothing to decline", "expire": "no open offer"}


@dataclass(eq=False)
class WaitlistEntry:
    id: str
    resource_id: str  # a session, or a programme for whole courses
    centre_id: str
    member_id: str
    position: int  # join order, never reused: the line's order, not a place in it
    state: str = "waiting"
    offer_expires_at: datetime | None = None
    booking_id: str | None = None
    idempotency_key: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    # not stored: the current place in line (waiting entries ahead + 1), set by
    # place_in_line before the entry is shown or announced
    place: int | None = None

    @property
    def in_line(self):
        return self.state in ("waiting", "offered")

    def may(self, action):
        return (action, self.state) in WAITLIST_TRANSITIONS

    def offer_expired(self, now):
        return self.state == "offered" and self.offer_expires_at <= now

    def _take(self, action, now, **details):
        self.state = next_state(WAITLIST_TRANSITIONS, action, self.state,
                                 f"{_WAITLIST_REFUSALS[action]} ({self.state})")
        self.updated_at = now
        return Change(_WAITLIST_EVENTS[self.state], details)

    def offer(self, now, hold):
        """A seat came free: held for this member until now + hold."""
        change = self._take("offer", now)
        self.offer_expires_at = now + hold
        return Change(change.event, {"offer_expires_at": self.offer_expires_at})

    def accept(self, booking_id, now):
        """The member takes the held seat, as booking `booking_id`."""
        if self.may("accept") and self.offer_expired(now):
            raise RuleBroken("the offer has expired", rule="offer_expired")
        change = self._take("accept", now, booking_id=booking_id)
        self.booking_id = booking_id
        return change

    def withdraw(self, now):
        """Leave the line while waiting, or decline the offer held."""
        return self._take("withdraw", now)

    def expire(self, now):
        if not self.offer_expired(now):
            raise Conflict(f"no expired offer ({self.state})", state=self.state)
        return self._take("expire", now)

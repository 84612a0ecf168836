"""Booking's domain: plain Python, no framework.

Two halves: read-only views of the registry's data (kept in booking's own
copy, fed by registry events, so booking works while the registry is down),
and booking's own objects (bookings and waitlist entries)."""
from dataclasses import dataclass, field
from datetime import date, datetime

from jastar_common.clock import utcnow

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

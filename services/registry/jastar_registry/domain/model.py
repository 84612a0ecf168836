"""The registry's domain: the network's reference data and its members, as
entities with behaviour. Plain Python (models.py maps them onto tables)."""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar

from jastar_common.clock import utcnow
from jastar_common.errors import Conflict, NotFound

STATUSES = ("planned", "open", "closed")
# a planned place opens (or is postponed again); closing is for good. The
# table's form is every service's (jastar_common.transitions)
TRANSITIONS = {
    ("open", "planned"): "open",
    ("postpone", "open"): "planned",
    ("close", "planned"): "closed",
    ("close", "open"): "closed",
}
MOVES = {"open": "open", "planned": "postpone", "closed": "close"}  # status asked -> action
SPACE_KINDS = ("recording_studio", "podcast_zone", "coworking", "sewing_workshop", "hall",
               "consultation_room")
SINGLE_BOOKING_SPACES = ("recording_studio", "podcast_zone")  # one booking at a time
TOPICS = ("jobs", "housing", "own_business", "health", "psychologist", "lawyer", "state_programmes")
PARTNER_KINDS = ("career_centre", "bank", "health_centre", "state_body", "ngo", "business", "other")
PROGRAMME_KINDS = ("course", "event", "training")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
YOUTH_AGE = (14, 35)


class Listed:
    """The life of reference data: planned, open, closed (see TRANSITIONS).
    Each entity names its kind in KIND, as the catalogue and its events do."""
    KIND: ClassVar[str]

    def check_changeable(self):
        if self.status == "closed":
            raise Conflict(f"{self.KIND} {self.id} is closed", entity=self.KIND, id=self.id)

    def check_move(self, status):
        """A status change an update asks for, checked against TRANSITIONS."""
        self.check_changeable()
        if status != self.status and (MOVES.get(status), self.status) not in TRANSITIONS:
            raise Conflict(f"{self.KIND} {self.id} cannot go from {self.status} to {status}",
                           entity=self.KIND, id=self.id)

    def close(self, when):
        """True when this closed it; closing a closed one changes nothing."""
        if ("close", self.status) not in TRANSITIONS:
            return False
        self.status, self.updated_at = TRANSITIONS["close", self.status], when
        return True


@dataclass(eq=False)
class Region(Listed):
    KIND: ClassVar[str] = "region"
    id: str
    name_kk: str
    name_ru: str
    youth_population: int | None = None
    status: str = "open"
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class District(Listed):
    KIND: ClassVar[str] = "district"
    id: str
    name_kk: str
    name_ru: str
    admin_centre: str
    region_id: str = "almaty-region"
    kind: str = "district"  # or "city" (Konaev)
    youth_population: int | None = None
    status: str = "open"
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class Centre(Listed):
    KIND: ClassVar[str] = "centre"
    id: str
    district_id: str
    name_kk: str
    name_ru: str
    address: str
    status: str = "planned"
    floors: int | None = None
    area_m2: int | None = None
    opening_date: date | None = None
    planned_year: int | None = None
    # {"mon": [["09:00", "18:00"]], ...}, local time (Asia/Almaty); a missing day is closed
    opening_hours: dict = field(default_factory=dict)
    # closed on these local dates besides Kazakhstan's public days off
    closed_dates: list = field(default_factory=list)
    time_zone: str = "Asia/Almaty"
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class Space(Listed):
    KIND: ClassVar[str] = "space"
    id: str
    centre_id: str
    kind: str
    name_kk: str
    name_ru: str
    capacity: int = 1
    floor: int | None = None
    grid_minutes: int = 30
    min_minutes: int = 30
    max_minutes: int = 240
    buffer_minutes: int = 0
    needs_approval: bool = False
    equipment: list = field(default_factory=list)
    status: str = "open"
    opens_on: date | None = None
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class Partner(Listed):
    KIND: ClassVar[str] = "partner"
    id: str
    kind: str
    name_kk: str
    name_ru: str
    website: str | None = None
    status: str = "open"
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class Service(Listed):
    """What a member books: a consultation on one topic."""
    KIND: ClassVar[str] = "service"
    id: str
    topic: str
    name_kk: str
    name_ru: str
    slot_minutes: int = 30
    partner_id: str | None = None  # None: given by the centre's own staff
    centre_ids: list = field(default_factory=list)
    status: str = "open"
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class Specialist(Listed):
    KIND: ClassVar[str] = "specialist"
    id: str
    full_name: str
    title_kk: str
    title_ru: str
    partner_id: str | None = None
    centre_id: str | None = None  # a centre's own staff
    service_ids: list = field(default_factory=list)
    languages: list = field(default_factory=lambda: ["kk", "ru"])
    status: str = "open"
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class Schedule(Listed):
    """A specialist's weekly hours in one centre, with exceptions: leave (no
    hours that day, or part of it) and extra hours."""
    KIND: ClassVar[str] = "schedule"
    id: str
    specialist_id: str
    centre_id: str
    weekly: dict = field(default_factory=dict)  # like Centre.opening_hours
    # [{"date": "2026-12-01", "kind": "leave"|"extra", "start": "HH:MM"|None, "end": ..., "reason": str}]
    exceptions: list = field(default_factory=list)
    valid_from: date | None = None
    valid_to: date | None = None
    status: str = "open"
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class Programme(Listed):
    """A course (several sessions, e.g. the free sewing course) or an event."""
    KIND: ClassVar[str] = "programme"
    id: str
    centre_id: str
    kind: str
    name_kk: str
    name_ru: str
    description_kk: str = ""
    description_ru: str = ""
    capacity: int = 20
    min_age: int = YOUTH_AGE[0]
    max_age: int = YOUTH_AGE[1]
    target_group: str | None = None  # a category members declare, e.g. young_women_and_mothers
    languages: list = field(default_factory=lambda: ["kk", "ru"])
    is_free: bool = True
    whole_course: bool = False  # one seat covers every session
    status: str = "open"
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class Session(Listed):
    KIND: ClassVar[str] = "session"
    id: str
    programme_id: str
    starts_at: datetime
    ends_at: datetime
    centre_id: str = ""  # the programme's, kept here for the booking copy
    space_id: str | None = None
    capacity: int | None = None  # None: the programme's
    language: str = "kk"
    status: str = "open"
    updated_at: datetime = field(default_factory=utcnow)


# --- members: young people (14 to 35, Kazakhstan's law on state youth policy) ---

# Target groups a member may declare (the programmes' target_group uses them).
CATEGORIES = ("young_women_and_mothers", "student", "job_seeker", "young_parent", "disability")
MEMBER_STATUSES = ("active", "erased")
MEMBER_TRANSITIONS = {("erase", "active"): "erased"}

# What erasure wipes; none of it may ever appear in an event.
PERSONAL_FIELDS = ("full_name", "birth_date", "phone", "email", "telegram",
                   "iin_ciphertext", "iin_hash", "iin_last4", "categories")


def _new_id():
    return str(uuid.uuid4())


@dataclass(eq=False)
class Member:
    """Personal data stays inside the registry: the IIN is stored encrypted
    (with a keyed hash for look-ups and its last four digits for staff
    screens), never in clear."""
    id: str = field(default_factory=_new_id)
    full_name: str | None = None
    birth_date: date | None = None
    phone: str | None = None  # "+7 7XX XXX XX XX"
    email: str | None = None
    telegram: str | None = None  # "@handle"
    district_id: str | None = None
    language: str = "kk"
    categories: list = field(default_factory=list)
    consent_at: datetime = field(default_factory=utcnow)
    iin_ciphertext: str | None = None
    iin_hash: str | None = None  # keyed HMAC, for look-ups and uniqueness
    iin_last4: str | None = None
    status: str = "active"
    registered_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    erased_at: datetime | None = None

    @property
    def iin_masked(self):
        return "*" * 8 + self.iin_last4 if self.iin_last4 else None

    @property
    def is_active(self):
        return self.status == "active"

    def check_active(self):
        """An erased member reads as not found to anything that would change them."""
        if not self.is_active:
            raise NotFound(f"member {self.id} not found", entity="member", id=self.id)

    def event_data(self, **more):
        # ids and non-personal fields only: events are public contracts
        return {"member_id": self.id, "district_id": self.district_id,
                "language": self.language, "status": self.status, **more}

    def erase(self, when):
        """Wipe every personal field, keeping id and district for statistics.
        True when this erased them; erasing an erased member changes nothing."""
        if ("erase", self.status) not in MEMBER_TRANSITIONS:
            return False
        for name in PERSONAL_FIELDS:
            setattr(self, name, None)
        self.categories = []
        self.status = MEMBER_TRANSITIONS["erase", self.status]
        self.erased_at = self.updated_at = when
        return True

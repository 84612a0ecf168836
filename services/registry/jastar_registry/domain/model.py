"""The registry's domain: the network's reference data. Plain Python."""
from dataclasses import dataclass, field
from datetime import date, datetime

from jastar_common.clock import utcnow

STATUSES = ("planned", "open", "closed")
SPACE_KINDS = ("recording_studio", "podcast_zone", "coworking", "sewing_workshop", "hall",
               "consultation_room")
SINGLE_BOOKING_SPACES = ("recording_studio", "podcast_zone")  # one booking at a time
TOPICS = ("jobs", "housing", "own_business", "health", "psychologist", "lawyer", "state_programmes")
PARTNER_KINDS = ("career_centre", "bank", "health_centre", "state_body", "ngo", "business", "other")
PROGRAMME_KINDS = ("course", "event", "training")
LANGUAGES = ("kk", "ru")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
YOUTH_AGE = (14, 35)


@dataclass(eq=False)
class Region:
    id: str
    name_kk: str
    name_ru: str
    youth_population: int | None = None
    status: str = "open"
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class District:
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
class Centre:
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
class Space:
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
class Partner:
    id: str
    kind: str
    name_kk: str
    name_ru: str
    website: str | None = None
    status: str = "open"
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(eq=False)
class Service:
    """What a member books: a consultation on one topic."""
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
class Specialist:
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
class Schedule:
    """A specialist's weekly hours in one centre, with exceptions: leave (no
    hours that day, or part of it) and extra hours."""
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
class Programme:
    """A course (several sessions, e.g. the free sewing course) or an event."""
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
class Session:
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

"""The registry's domain: plain Python, no framework."""
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

CENTRE_STATUSES = ("planned", "open", "closed")


def _now():
    return datetime.now(timezone.utc)


@dataclass(eq=False)
class District:
    id: str
    name_kk: str
    name_ru: str
    admin_centre: str
    youth_population: int | None = None
    updated_at: datetime = field(default_factory=_now)


@dataclass(eq=False)
class Centre:
    id: str
    district_id: str
    name_kk: str
    name_ru: str
    address: str
    status: str = "planned"
    opening_date: date | None = None
    updated_at: datetime = field(default_factory=_now)

    def close(self):
        self.status = "closed"
        self.updated_at = _now()

"""Booking's domain: plain Python, no framework."""
from dataclasses import dataclass
from datetime import datetime


@dataclass(eq=False)
class CentreCopy:
    """What booking knows of a registry centre, fed by registry events, so it
    keeps taking bookings while the registry is down."""
    centre_id: str
    district_id: str
    status: str
    updated_at: datetime
    last_event_id: str

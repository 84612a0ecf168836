"""Booking tables and the classical mapping of bookings and waitlist entries.

No double booking rests on locking the resource: every change that takes or
frees a slot, a space or a seat first locks its resource (a transaction-scoped
advisory lock on PostgreSQL, see BookingUnitOfWork.lock; on SQLite every
transaction is BEGIN IMMEDIATE), then counts what overlaps, then writes. The partial unique indexes are a second
line for the rules that can be said as uniqueness."""
from sqlalchemy import JSON, Column, Index, Integer, MetaData, String, Table, Text, text
from sqlalchemy.orm import registry as mapper_registry

from jastar_common.types import UtcDateTime

from .domain import model

metadata = MetaData()

ACTIVE = "state IN ('pending', 'confirmed', 'checked_in')"
WAITING = "state IN ('waiting', 'offered')"

registry_copies = Table(
    "registry_copies", metadata,
    Column("kind", String(20), primary_key=True),
    Column("obj_id", String(40), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("source_time", UtcDateTime, nullable=False),  # time of the event (or resync) it came from
)

# a random token per catalogue kind, renewed with each write of its copies
# (jastar_booking/catalogue.py)
copy_versions = Table(
    "copy_versions", metadata,
    Column("kind", String(20), primary_key=True),
    Column("token", String(36), nullable=False),
)

bookings = Table(
    "bookings", metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("member_id", String(36), nullable=False),
    Column("centre_id", String(40), nullable=False),
    Column("resource_id", String(40), nullable=False),
    Column("service_id", String(40)),
    Column("programme_id", String(40)),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("hold_until", UtcDateTime, nullable=False),
    Column("state", String(20), nullable=False),
    Column("idempotency_key", String(100)),
    Column("reason", Text),
    Column("changed_by", String(20)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_bookings_resource_time", "resource_id", "starts_at"),
    Index("ix_bookings_member_state", "member_id", "state"),
    Index("ix_bookings_centre_time", "centre_id", "starts_at"),
    Index("ix_bookings_state_time", "state", "starts_at"),
    Index("uq_bookings_idempotency", "member_id", "idempotency_key", unique=True),
    # one seat per member per session (or course)
    Index("uq_bookings_one_seat", "resource_id", "member_id", unique=True,
          sqlite_where=text(f"kind = 'seat' AND {ACTIVE}"),
          postgresql_where=text(f"kind = 'seat' AND {ACTIVE}")),
)

waitlist_entries = Table(
    "waitlist_entries", metadata,
    Column("id", String(36), primary_key=True),
    Column("resource_id", String(40), nullable=False),
    Column("centre_id", String(40), nullable=False),
    Column("member_id", String(36), nullable=False),
    Column("position", Integer, nullable=False),
    Column("state", String(20), nullable=False),
    Column("offer_expires_at", UtcDateTime),
    Column("booking_id", String(36)),
    Column("idempotency_key", String(100)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("uq_waitlist_idempotency", "member_id", "idempotency_key", unique=True),
    Index("uq_waitlist_position", "resource_id", "position", unique=True),
    Index("uq_waitlist_member", "resource_id", "member_id", unique=True,
          sqlite_where=text(WAITING), postgresql_where=text(WAITING)),
    Index("ix_waitlist_offers", "state", "offer_expires_at"),
)

_mappers = mapper_registry()


def start_mappers():
    if not _mappers.mappers:
        _mappers.map_imperatively(model.Booking, bookings)
        _mappers.map_imperatively(model.WaitlistEntry, waitlist_entries)

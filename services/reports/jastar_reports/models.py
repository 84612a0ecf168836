"""Reports tables: the facts every figure is derived from.

One row per booking, waitlist entry and member (the entities of
domain/model.py), holding its latest known state (the model's rule, in one
conditional upsert, so two events of one booking handled at once cannot lose
the newer), and the
registry objects reports are grouped by. Figures are computed from these rows, never kept as running
totals: an event delivered twice, or after a newer one, changes nothing.
Members appear only as a keyed hash."""
from sqlalchemy import JSON, Column, Date, Index, Integer, MetaData, String, Table

from jastar_common.types import UtcDateTime

metadata = MetaData()

HASH_LENGTH = 32

registry_copies = Table(
    "registry_copies", metadata,
    Column("kind", String(20), primary_key=True),
    Column("obj_id", String(40), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("source_time", UtcDateTime, nullable=False),
)

booking_facts = Table(
    "booking_facts", metadata,
    Column("booking_id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("state", String(20), nullable=False),
    Column("centre_id", String(40), nullable=False),
    Column("resource_id", String(40), nullable=False),
    Column("service_id", String(40)),
    Column("programme_id", String(40)),
    Column("member_hash", String(HASH_LENGTH), nullable=False),
    Column("age_band", String(8)),
    Column("day", Date, nullable=False),  # Almaty date of starts_at
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("rank", Integer, nullable=False),  # how far the state is: breaks changed_at ties
    Index("ix_booking_facts_day_centre", "day", "centre_id"),
    Index("ix_booking_facts_member", "member_hash", "day"),
)

waitlist_facts = Table(
    "waitlist_facts", metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("state", String(20), nullable=False),
    Column("centre_id", String(40), nullable=False),
    Column("resource_id", String(40), nullable=False),
    Column("member_hash", String(HASH_LENGTH), nullable=False),
    Column("day", Date, nullable=False),  # Almaty date of joined_at
    Column("joined_at", UtcDateTime, nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("rank", Integer, nullable=False),
    Index("ix_waitlist_facts_day_centre", "day", "centre_id"),
)

member_facts = Table(
    "member_facts", metadata,
    Column("member_hash", String(HASH_LENGTH), primary_key=True),
    Column("district_id", String(40)),
    Column("status", String(20), nullable=False),
    Column("day", Date, nullable=False),  # Almaty date of registration
    Column("registered_at", UtcDateTime, nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Index("ix_member_facts_day", "day", "district_id"),
)

# a rebuild from the owners' RPC that finished: a database without one rebuilds
rebuilds = Table(
    "rebuilds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("finished_at", UtcDateTime, nullable=False),
    Column("counts", JSON, nullable=False),
)

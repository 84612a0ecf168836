"""The outbox and inbox tables every service database has.

They live in their own MetaData: services create them in their first alembic
migration through jastar_common.migrations, and use them for plain DML."""
from sqlalchemy import (
    BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Text,
    UniqueConstraint,
)

metadata = MetaData()

# BigInteger on PostgreSQL, INTEGER on SQLite, so the id autoincrements on both
_id_type = BigInteger().with_variant(Integer(), "sqlite")

outbox = Table(
    "jastar_outbox", metadata,
    Column("id", _id_type, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("envelope", Text, nullable=False),  # the JSON exactly as published
    Column("correlation_id", String(64)),
    Column("traceparent", String(55)),  # W3C trace context of the work that emitted it
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("last_error", Text),
    UniqueConstraint("event_id", name="uq_jastar_outbox_event_id"),
)
Index("ix_jastar_outbox_unsent", outbox.c.sent_at, outbox.c.id)

inbox = Table(
    "jastar_inbox", metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("event_type", String(100), nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)

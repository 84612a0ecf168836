"""Notifications tables: messages (the delivery log), reminders, channel
preferences, webhook subscriptions and their deliveries.

Plain Core tables: the domain works on dicts through repository.py, so it
imports nothing of SQLAlchemy. Every time is UTC (UtcDateTime)."""
from sqlalchemy import (
    JSON, Boolean, Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
)

from jastar_common.types import UtcDateTime

metadata = MetaData()

# one row per member x channel x message: the delivery log.
# status: queued -> sending -> sent | failed (retry due at next_attempt_at) |
#         dead (last try failed or permanent error) | skipped (nothing to send
#         to: no contact, member erased) | cancelled (booking cancelled first)
# (every allowed change: MESSAGE_TRANSITIONS in domain/model.py, and
# DELIVERY_TRANSITIONS, REMINDER_TRANSITIONS for the tables below)
def trace_columns():
    """The event's correlation id and traceparent: the send, later, continues its trace."""
    return [Column("correlation_id", String(64)), Column("traceparent", String(55))]


messages = Table(
    "messages", metadata,
    Column("id", String(36), primary_key=True),
    # what makes a message unique: a redelivered event or a second reminder
    # pass inserts nothing new (e.g. "<event_id>:booking_confirmed:sms")
    Column("dedup_key", String(200), nullable=False),
    Column("member_id", String(40), index=True),  # null for login codes
    Column("booking_id", String(40), index=True),
    Column("message_type", String(40), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("recipient", String(100)),  # only for login codes: no member to look up
    Column("data", JSON, nullable=False),  # ids and times, never contact details
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("lease_until", UtcDateTime),
    Column("provider_message_id", String(200)),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    *trace_columns(),
    UniqueConstraint("dedup_key", name="uq_messages_dedup_key"),
)
Index("ix_messages_due", messages.c.status, messages.c.next_attempt_at)

# state: scheduled -> sent (messages written) | cancelled | expired (the
# booking started before the reminder could go)
reminders = Table(
    "reminders", metadata,
    Column("id", String(36), primary_key=True),
    Column("booking_id", String(40), nullable=False, index=True),
    Column("member_id", String(40), nullable=False),
    Column("kind", String(10), nullable=False),  # "24h", "2h"
    Column("starts_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("state", String(20), nullable=False),
    Column("data", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("booking_id", "kind", "starts_at", name="uq_reminders_booking_kind_start"),
)
Index("ix_reminders_due", reminders.c.state, reminders.c.due_at)

# what notifications last heard of a booking, because events can be handled
# out of order (several workers, retries): a booking.confirmed handled after
# its booking.cancelled must not schedule reminders again
booking_marks = Table(
    "booking_marks", metadata,
    Column("booking_id", String(40), primary_key=True),
    Column("ended", Boolean, nullable=False),
    Column("scheduled_by", UtcDateTime),  # time of the event whose reminders stand
)

# no row: the configured default channels apply
preferences = Table(
    "channel_preferences", metadata,
    Column("member_id", String(40), primary_key=True),
    Column("channels", JSON, nullable=False),  # the channels the member wants, in order
    Column("telegram_chat_id", String(40)),
    # {"from": "22:00", "to": "08:00"} Almaty time, or null: held messages (domain/quiet.py)
    Column("quiet_hours", JSON),
    Column("updated_at", UtcDateTime, nullable=False),
)

webhook_subscriptions = Table(
    "webhook_subscriptions", metadata,
    Column("id", String(36), primary_key=True),
    Column("owner", String(100), nullable=False, index=True),
    Column("url", String(2000), nullable=False),
    Column("event_types", JSON, nullable=False),  # patterns: "booking.*", "member.registered"
    Column("secret", Text, nullable=False),  # Fernet-encrypted; shown once at creation
    Column("description", String(200)),
    Column("active", Boolean, nullable=False),
    Column("disabled_reason", Text),
    Column("created_at", UtcDateTime, nullable=False),
)

# status: queued -> sending -> sent | failed (retry due) | dead
webhook_deliveries = Table(
    "webhook_deliveries", metadata,
    Column("id", String(36), primary_key=True),  # the webhook-id header and the CloudEvents id
    Column("subscription_id", String(36), nullable=False, index=True),
    Column("event_id", String(36), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("body", Text, nullable=False),  # the exact JSON posted, so a replay is identical
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("lease_until", UtcDateTime),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("response_ms", Integer),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    *trace_columns(),
    UniqueConstraint("subscription_id", "event_id", name="uq_webhook_deliveries_sub_event"),
)
Index("ix_webhook_deliveries_due", webhook_deliveries.c.status, webhook_deliveries.c.next_attempt_at)

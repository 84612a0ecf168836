"""messages (the delivery log), reminders, channel preferences, webhook
subscriptions and deliveries

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "messages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dedup_key", sa.String(200), nullable=False),
        sa.Column("member_id", sa.String(40), index=True),
        sa.Column("booking_id", sa.String(40), index=True),
        sa.Column("message_type", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("recipient", sa.String(100)),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("lease_until", TS),
        sa.Column("provider_message_id", sa.String(200)),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS),
        sa.UniqueConstraint("dedup_key", name="uq_messages_dedup_key"),
    )
    op.create_index("ix_messages_due", "messages", ["status", "next_attempt_at"])

    op.create_table(
        "reminders",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("booking_id", sa.String(40), nullable=False, index=True),
        sa.Column("member_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("booking_id", "kind", "starts_at", name="uq_reminders_booking_kind_start"),
    )
    op.create_index("ix_reminders_due", "reminders", ["state", "due_at"])

    op.create_table(
        "booking_marks",
        sa.Column("booking_id", sa.String(40), primary_key=True),
        sa.Column("ended", sa.Boolean, nullable=False),
        sa.Column("scheduled_by", TS),
    )

    op.create_table(
        "channel_preferences",
        sa.Column("member_id", sa.String(40), primary_key=True),
        sa.Column("channels", sa.JSON, nullable=False),
        sa.Column("telegram_chat_id", sa.String(40)),
        sa.Column("updated_at", TS, nullable=False),
    )

    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("owner", sa.String(100), nullable=False, index=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("event_types", sa.JSON, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("description", sa.String(200)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("created_at", TS, nullable=False),
    )

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("subscription_id", sa.String(36), nullable=False, index=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("lease_until", TS),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("response_ms", sa.Integer),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS),
        sa.UniqueConstraint("subscription_id", "event_id", name="uq_webhook_deliveries_sub_event"),
    )
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"])


def downgrade():
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
    op.drop_table("channel_preferences")
    op.drop_table("booking_marks")
    op.drop_table("reminders")
    op.drop_table("messages")

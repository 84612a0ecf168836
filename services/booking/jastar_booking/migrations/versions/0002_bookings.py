"""registry copies, resource locks, bookings and waitlist entries

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
ACTIVE = "state IN ('pending', 'confirmed', 'checked_in')"
WAITING = "state IN ('waiting', 'offered')"


def upgrade():
    op.drop_table("centre_copies")
    op.create_table(
        "registry_copies",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("obj_id", sa.String(40), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("source_time", TS, nullable=False))
    op.create_table("resource_locks", sa.Column("resource_key", sa.String(80), primary_key=True))
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("centre_id", sa.String(40), nullable=False),
        sa.Column("resource_id", sa.String(40), nullable=False),
        sa.Column("service_id", sa.String(40)),
        sa.Column("programme_id", sa.String(40)),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("hold_until", TS, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("idempotency_key", sa.String(100)),
        sa.Column("reason", sa.Text),
        sa.Column("changed_by", sa.String(20)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False))
    op.create_index("ix_bookings_resource_time", "bookings", ["resource_id", "starts_at"])
    op.create_index("ix_bookings_member_state", "bookings", ["member_id", "state"])
    op.create_index("ix_bookings_centre_time", "bookings", ["centre_id", "starts_at"])
    op.create_index("ix_bookings_state_time", "bookings", ["state", "starts_at"])
    op.create_index("uq_bookings_idempotency", "bookings", ["member_id", "idempotency_key"], unique=True)
    op.create_index("uq_bookings_one_seat", "bookings", ["resource_id", "member_id"], unique=True,
                    sqlite_where=sa.text(f"kind = 'seat' AND {ACTIVE}"),
                    postgresql_where=sa.text(f"kind = 'seat' AND {ACTIVE}"))
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("resource_id", sa.String(40), nullable=False),
        sa.Column("centre_id", sa.String(40), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("offer_expires_at", TS),
        sa.Column("booking_id", sa.String(36)),
        sa.Column("idempotency_key", sa.String(100)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False))
    op.create_index("uq_waitlist_idempotency", "waitlist_entries", ["member_id", "idempotency_key"],
                    unique=True)
    op.create_index("uq_waitlist_position", "waitlist_entries", ["resource_id", "position"], unique=True)
    op.create_index("uq_waitlist_member", "waitlist_entries", ["resource_id", "member_id"], unique=True,
                    sqlite_where=sa.text(WAITING), postgresql_where=sa.text(WAITING))
    op.create_index("ix_waitlist_offers", "waitlist_entries", ["state", "offer_expires_at"])


def downgrade():
    op.drop_table("waitlist_entries")
    op.drop_table("bookings")
    op.drop_table("resource_locks")
    op.drop_table("registry_copies")
    op.create_table(
        "centre_copies",
        sa.Column("centre_id", sa.String(40), primary_key=True),
        sa.Column("district_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("last_event_id", sa.String(36), nullable=False))

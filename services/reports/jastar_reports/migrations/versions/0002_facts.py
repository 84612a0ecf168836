"""registry copies, the booking, waitlist and member facts, and rebuilds

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from jastar_common.types import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

HASH = 32


def upgrade():
    op.create_table(
        "registry_copies",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("obj_id", sa.String(40), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("source_time", UtcDateTime, nullable=False),
    )
    op.create_table(
        "booking_facts",
        sa.Column("booking_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("centre_id", sa.String(40), nullable=False),
        sa.Column("resource_id", sa.String(40), nullable=False),
        sa.Column("service_id", sa.String(40)),
        sa.Column("programme_id", sa.String(40)),
        sa.Column("member_hash", sa.String(HASH), nullable=False),
        sa.Column("age_band", sa.String(8)),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("starts_at", UtcDateTime, nullable=False),
        sa.Column("ends_at", UtcDateTime, nullable=False),
        sa.Column("requested_at", UtcDateTime, nullable=False),
        sa.Column("changed_at", UtcDateTime, nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
    )
    op.create_index("ix_booking_facts_day_centre", "booking_facts", ["day", "centre_id"])
    op.create_index("ix_booking_facts_member", "booking_facts", ["member_hash", "day"])
    op.create_table(
        "waitlist_facts",
        sa.Column("entry_id", sa.String(36), primary_key=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("centre_id", sa.String(40), nullable=False),
        sa.Column("resource_id", sa.String(40), nullable=False),
        sa.Column("member_hash", sa.String(HASH), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("joined_at", UtcDateTime, nullable=False),
        sa.Column("changed_at", UtcDateTime, nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
    )
    op.create_index("ix_waitlist_facts_day_centre", "waitlist_facts", ["day", "centre_id"])
    op.create_table(
        "member_facts",
        sa.Column("member_hash", sa.String(HASH), primary_key=True),
        sa.Column("district_id", sa.String(40)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("registered_at", UtcDateTime, nullable=False),
        sa.Column("changed_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_member_facts_day", "member_facts", ["day", "district_id"])
    op.create_table(
        "rebuilds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("finished_at", UtcDateTime, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
    )


def downgrade():
    for table in ("rebuilds", "member_facts", "waitlist_facts", "booking_facts", "registry_copies"):
        op.drop_table(table)

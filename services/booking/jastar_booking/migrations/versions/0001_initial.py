"""centre copies, and the outbox and inbox

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from jastar_common.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_messaging_tables(op)
    op.create_table(
        "centre_copies",
        sa.Column("centre_id", sa.String(40), primary_key=True),
        sa.Column("district_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_event_id", sa.String(36), nullable=False),
    )


def downgrade():
    op.drop_table("centre_copies")
    drop_messaging_tables(op)

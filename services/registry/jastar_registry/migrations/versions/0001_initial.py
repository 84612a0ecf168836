"""districts, centres, and the outbox and inbox

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
        "districts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name_kk", sa.String(200), nullable=False),
        sa.Column("name_ru", sa.String(200), nullable=False),
        sa.Column("admin_centre", sa.String(200), nullable=False),
        sa.Column("youth_population", sa.Integer),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "centres",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("district_id", sa.String(40), sa.ForeignKey("districts.id"), nullable=False),
        sa.Column("name_kk", sa.String(200), nullable=False),
        sa.Column("name_ru", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opening_date", sa.Date),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_centres_district_id", "centres", ["district_id"])
    op.create_index("ix_centres_status", "centres", ["status"])


def downgrade():
    op.drop_table("centres")
    op.drop_table("districts")
    drop_messaging_tables(op)

"""a member's own quiet hours in their channel preferences ({"from", "to"}
Almaty "HH:MM", or null for none)

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("channel_preferences", sa.Column("quiet_hours", sa.JSON()))


def downgrade():
    op.drop_column("channel_preferences", "quiet_hours")

"""the outbox keeps the W3C traceparent of the work that emitted each event

Revision ID: 0004
Revises: 0003
"""
from alembic import op

from jastar_common.migrations import add_outbox_traceparent

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    add_outbox_traceparent(op)


def downgrade():
    op.drop_column("jastar_outbox", "traceparent")

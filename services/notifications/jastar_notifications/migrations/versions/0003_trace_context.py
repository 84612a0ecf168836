"""the outbox keeps the W3C traceparent of the work that emitted each event,
and messages and webhook deliveries the correlation id and traceparent of the
event that made them, so sending them later continues that trace

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from jastar_common.migrations import add_outbox_traceparent

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    add_outbox_traceparent(op)
    for table in ("messages", "webhook_deliveries"):
        op.add_column(table, sa.Column("correlation_id", sa.String(64)))
        op.add_column(table, sa.Column("traceparent", sa.String(55)))


def downgrade():
    for table in ("messages", "webhook_deliveries"):
        op.drop_column(table, "traceparent")
        op.drop_column(table, "correlation_id")
    op.drop_column("jastar_outbox", "traceparent")

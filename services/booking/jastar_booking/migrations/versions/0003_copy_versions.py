"""copy versions: a random token per catalogue kind, renewed with every write
of one of its copies, so each booking process can tell its cached catalogue is
current with one small read (see jastar_booking/catalogue.py)

Revision ID: 0003
Revises: 0002
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KINDS = ("centre", "space", "service", "specialist", "schedule", "programme", "session")


def upgrade():
    table = op.create_table(
        "copy_versions",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("token", sa.String(36), nullable=False))
    op.bulk_insert(table, [{"kind": kind, "token": str(uuid.uuid4())} for kind in KINDS])


def downgrade():
    op.drop_table("copy_versions")

"""resources are locked with PostgreSQL advisory locks: resource_locks goes

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("resource_locks")


def downgrade():
    op.create_table("resource_locks", sa.Column("resource_key", sa.String(80), primary_key=True))

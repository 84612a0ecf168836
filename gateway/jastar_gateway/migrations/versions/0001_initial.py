"""staff accounts, API keys, login codes, and the outbox and inbox

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

TS = sa.DateTime(timezone=True)


def upgrade():
    create_messaging_tables(op)
    op.create_table(
        "staff_accounts", sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("phone", sa.String(20), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("centre_ids", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False))
    op.create_table(
        "api_keys", sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False), sa.Column("revoked_at", TS))
    op.create_table(
        "login_codes", sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("used_at", TS), sa.Column("created_at", TS, nullable=False))
    op.create_index("ix_login_codes_phone", "login_codes", ["phone", "created_at"])


def downgrade():
    op.drop_table("login_codes")
    op.drop_table("api_keys")
    op.drop_table("staff_accounts")
    drop_messaging_tables(op)

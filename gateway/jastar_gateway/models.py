"""The gateway's tables, and the classical mapping of its entities onto them
(domain/model.py imports nothing of SQLAlchemy)."""
from sqlalchemy import JSON, Boolean, Column, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.orm import registry as mapper_registry

from jastar_common.types import UtcDateTime

from .domain.model import ApiKey, CalendarFeed, LoginCode, StaffAccount

metadata = MetaData()

staff_accounts = Table(
    "staff_accounts", metadata,
    Column("id", String(36), primary_key=True),
    Column("phone", String(20), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("role", String(10), nullable=False),  # staff | admin
    Column("centre_ids", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

api_keys = Table(
    "api_keys", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("key_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

login_codes = Table(
    "login_codes", metadata,
    Column("id", String(36), primary_key=True),
    Column("phone", String(20), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("used_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_login_codes_phone", "phone", "created_at"),
)

# each caller's Idempotency-Keys with the request each was for and its first answer (idempotency.py)
idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("caller", String(80), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("fingerprint", String(64), nullable=False),  # the request: method, path and body
    Column("status", Integer),  # None while the first request runs
    Column("body", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_idempotency_keys_created_at", "created_at"),
)

calendar_feeds = Table(
    "calendar_feeds", metadata,
    Column("member_id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)

_mappers = mapper_registry()
for _entity, _table in ((StaffAccount, staff_accounts), (ApiKey, api_keys), (LoginCode, login_codes),
                        (CalendarFeed, calendar_feeds)):
    _mappers.map_imperatively(_entity, _table)

"""The gateway's own data: who may sign in as staff or admin, integrators'
API keys (only their hashes), one-time login codes (only their hashes), and
members' private calendar feed tokens (only their hashes). Credentials live
here, with the other ways in; the member's profile stays in the registry."""
import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import (JSON, Boolean, Column, Index, Integer, MetaData, String, Table, Text, delete,
                        insert, select, update)

from jastar_common.clock import utcnow
from jastar_common.errors import Conflict, NotFound
from jastar_common.types import UtcDateTime
from jastar_common.uow import SqlUnitOfWork

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


# a member's private calendar feed: the token in its URL is the only key to it
calendar_feeds = Table(
    "calendar_feeds", metadata,
    Column("member_id", String(36), primary_key=True),  # one feed per member
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)


class GatewayUnitOfWork(SqlUnitOfWork):
    event_types = frozenset()


def _digest(secret, value):
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


# --- staff accounts

def add_staff(uow, phone, full_name, role, centre_ids):
    with uow:
        if uow.session.execute(select(staff_accounts.c.id).where(staff_accounts.c.phone == phone)).first():
            raise Conflict("a staff account with this phone exists", fields={"phone": ["already used"]})
        row = dict(id=str(uuid.uuid4()), phone=phone, full_name=full_name, role=role,
                   centre_ids=list(centre_ids), active=True, created_at=utcnow())
        uow.session.execute(insert(staff_accounts).values(**row))
        uow.commit()
        return row


def list_staff(uow):
    with uow:
        return [dict(r) for r in uow.session.execute(
            select(staff_accounts).order_by(staff_accounts.c.created_at, staff_accounts.c.id)).mappings()]


def staff_by_phone(uow, phone):
    with uow:
        row = uow.session.execute(select(staff_accounts).where(
            staff_accounts.c.phone == phone, staff_accounts.c.active.is_(True))).mappings().first()
        return dict(row) if row else None


def staff_by_id(uow, account_id):
    with uow:
        row = uow.session.execute(select(staff_accounts).where(
            staff_accounts.c.id == account_id)).mappings().first()
        return dict(row) if row else None


def deactivate_staff(uow, account_id):
    with uow:
        done = uow.session.execute(update(staff_accounts).where(staff_accounts.c.id == account_id)
                                   .values(active=False)).rowcount
        if not done:
            raise NotFound("no such staff account", entity="staff_account", id=account_id)
        uow.commit()


# --- integrators' API keys: "jh_<id>.<secret>", shown once, stored as a hash

def create_api_key(uow, name, pepper):
    key_id, secret = uuid.uuid4().hex, secrets.token_urlsafe(32)
    with uow:
        uow.session.execute(insert(api_keys).values(
            id=key_id, name=name, key_hash=_digest(pepper, secret), created_at=utcnow()))
        uow.commit()
    return {"id": key_id, "name": name, "key": f"jh_{key_id}.{secret}"}


def check_api_key(uow, presented, pepper):
    """The key's record when it is genuine and not revoked, else None."""
    if not presented.startswith("jh_") or "." not in presented:
        return None
    key_id, _, secret = presented[3:].partition(".")
    with uow:
        row = uow.session.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
    if row is None or row["revoked_at"] is not None:
        return None
    return dict(row) if hmac.compare_digest(row["key_hash"], _digest(pepper, secret)) else None


def list_api_keys(uow):
    with uow:
        return [{k: r[k] for k in ("id", "name", "created_at", "revoked_at")}
                for r in uow.session.execute(select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id)).mappings()]


def revoke_api_key(uow, key_id):
    with uow:
        done = uow.session.execute(update(api_keys).where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                                   .values(revoked_at=utcnow())).rowcount
        if not done:
            raise NotFound("no such active API key", entity="api_key", id=key_id)
        uow.commit()


# --- one-time login codes

def new_login_code(uow, phone, pepper, ttl, per_hour):
    """A fresh 6-digit code for the phone, or None when it asked too often."""
    now = utcnow()
    with uow:
        recent = uow.session.execute(select(login_codes.c.id).where(
            login_codes.c.phone == phone, login_codes.c.created_at > now - timedelta(hours=1))).all()
        if len(recent) >= per_hour:
            return None
        code = f"{secrets.randbelow(1_000_000):06d}"
        uow.session.execute(insert(login_codes).values(
            id=str(uuid.uuid4()), phone=phone, code_hash=_digest(pepper, f"{phone}:{code}"),
            expires_at=now + ttl, attempts=0, created_at=now))
        uow.commit()
        return code


def use_login_code(uow, phone, code, pepper, max_attempts=5):
    """True once for the right code before it expires; each try counts."""
    now = utcnow()
    with uow:
        row = uow.session.execute(select(login_codes).where(
            login_codes.c.phone == phone, login_codes.c.used_at.is_(None),
            login_codes.c.expires_at > now).order_by(login_codes.c.created_at.desc())
            .limit(1).with_for_update()).mappings().first()  # parallel guesses count one by one
        if row is None or row["attempts"] >= max_attempts:
            return False
        good = hmac.compare_digest(row["code_hash"], _digest(pepper, f"{phone}:{code}"))
        uow.session.execute(update(login_codes).where(login_codes.c.id == row["id"]).values(
            attempts=row["attempts"] + 1, used_at=now if good else None))
        uow.commit()
        return good


# --- members' calendar feeds: an unguessable token in the URL, stored as a hash

def new_calendar_feed(uow, member_id, pepper):
    """A fresh token for the member's feed; the URL with the old one stops working."""
    token = secrets.token_urlsafe(32)
    with uow:
        uow.session.execute(delete(calendar_feeds).where(calendar_feeds.c.member_id == member_id))
        uow.session.execute(insert(calendar_feeds).values(
            member_id=member_id, token_hash=_digest(pepper, token), created_at=utcnow()))
        uow.commit()
    return token


def calendar_feed_member(uow, token, pepper):
    """The member whose feed this token opens, or None."""
    with uow:
        return uow.session.scalar(select(calendar_feeds.c.member_id).where(
            calendar_feeds.c.token_hash == _digest(pepper, token)))


def revoke_calendar_feed(uow, member_id):
    """True when there was a feed to revoke."""
    with uow:
        done = uow.session.execute(delete(calendar_feeds).where(
            calendar_feeds.c.member_id == member_id)).rowcount
        uow.commit()
        return bool(done)

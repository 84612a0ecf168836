"""Engines that cooperate with eventlet, on PostgreSQL and on SQLite.

PostgreSQL: psycopg2 with psycogreen's wait callback, so a query waiting on the
server yields to the eventlet hub instead of blocking the process.
SQLite: every transaction starts with BEGIN IMMEDIATE (one writer at a time, so
a check-then-insert cannot interleave); the busy wait is done here, with
eventlet.sleep, not inside SQLite's C busy handler which would freeze the hub."""
import os
import time

import eventlet
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import sessionmaker

SQLITE_LOCK_WAIT_SECONDS = 30.0
# a pooled connection idle longer than this is tested before it is handed out
PING_AFTER_IDLE_SECONDS = 10.0


def is_sqlite(engine_or_url):
    url = getattr(engine_or_url, "url", engine_or_url)
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url, pool_size=10, max_overflow=20, echo=False,
                ping_after_idle=PING_AFTER_IDLE_SECONDS, durable_commits=True):
    """`durable_commits=False` (PostgreSQL's synchronous_commit off) is only
    for writes whose loss in a crash is harmless: see Database.setup."""
    url = make_url(url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        _make_psycopg2_green()
        url = url.set(drivername="postgresql+psycopg2")
        connect_args = {} if durable_commits else {"options": "-c synchronous_commit=off"}
        engine = create_engine(url, pool_size=pool_size, max_overflow=max_overflow, echo=echo,
                               connect_args=connect_args)
        _ping_when_idle(engine, ping_after_idle)
        return engine
    if backend == "sqlite":
        return _make_sqlite_engine(url, pool_size, echo)
    raise ValueError(f"unsupported database backend: {backend}")


def _make_psycopg2_green():
    from psycogreen.eventlet import patch_psycopg
    patch_psycopg()


def _ping_when_idle(engine, idle_seconds):
    """Like pool_pre_ping, but only for a connection that sat idle: under
    load a service checks out a connection per transaction, and a ping each
    time is one more round trip on every request. A server restart noticed
    by a connection in steady use fails that one transaction (the caller gets
    a 503, an event is retried) and SQLAlchemy then replaces the whole pool."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as exc:  # any failure: let the pool open a new one
            raise DisconnectionError(str(exc)) from exc


def _make_sqlite_engine(url, pool_size, echo):
    path = url.database
    if path and path != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    engine = create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=0,
        # timeout=0: never wait inside SQLite's C busy handler (see module doc)
        connect_args={"check_same_thread": False, "timeout": 0},
    )

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        _retry_locked(lambda: cursor.execute("PRAGMA journal_mode=WAL"))
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        _retry_locked(lambda: connection.exec_driver_sql("BEGIN IMMEDIATE"))

    return engine


def _retry_locked(statement):
    deadline = time.monotonic() + SQLITE_LOCK_WAIT_SECONDS
    delay = 0.001
    while True:
        try:
            return statement()
        except Exception as exc:  # sqlite3.OperationalError or its SQLAlchemy wrapper
            locked = "locked" in str(exc) or "busy" in str(exc)
            if not locked or time.monotonic() > deadline:
                raise
        eventlet.sleep(delay)
        delay = min(delay * 2, 0.05)


def make_session_factory(engine):
    return sessionmaker(bind=engine, expire_on_commit=False)


__all__ = ["make_engine", "make_session_factory", "is_sqlite", "OperationalError"]

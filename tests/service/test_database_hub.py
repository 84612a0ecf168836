"""Database calls must not block the eventlet hub: two slow PostgreSQL queries
in two workers of one service run at the same time. And pooled connections are
tested when they sat idle, not on every checkout."""
import eventlet
import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from jastar_common.database import make_engine

from .support import FlakyHandlerService, create_schema


def test_two_slow_queries_in_two_workers_overlap(rabbit_config, container_factory, new_pg_database):
    url = new_pg_database("hub")
    create_schema(url)
    container = container_factory(FlakyHandlerService, {"NOTIFICATIONS_DATABASE_URL": url})
    container.start()

    def slow():
        with entrypoint_hook(container, "slow_query") as hook:
            return hook(1.0)

    first, second = eventlet.spawn(slow), eventlet.spawn(slow)
    (start_a, end_a), (start_b, end_b) = first.wait(), second.wait()

    # overlap, not a time limit: a blocked hub cannot start the second query
    # before the first has ended, however fast or loaded the machine is
    assert max(start_a, start_b) < min(end_a, end_b), "the queries ran one after the other"


def _kill_backends(url, pg_admin):
    name = url.rsplit("/", 1)[1]
    with pg_admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})


def test_a_connection_that_sat_idle_is_tested_and_replaced(new_pg_database, pg_admin):

    url = new_pg_database("ping")
    engine = make_engine(url, pool_size=1, ping_after_idle=0.0)
    try:
        with engine.connect() as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        _kill_backends(url, pg_admin)  # as a server restart would
        with engine.connect() as conn:  # the ping found it dead: a new connection
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != first
    finally:
        engine.dispose()


def test_a_connection_in_steady_use_is_not_pinged(new_pg_database, pg_admin):
    """The other side of the trade: no ping round trip while busy, so a
    restart fails the next transaction once, and the pool is then renewed."""

    url = new_pg_database("ping")
    engine = make_engine(url, pool_size=1, ping_after_idle=3600.0)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        _kill_backends(url, pg_admin)
        with pytest.raises(OperationalError):
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_only_the_outbox_relay_commits_without_waiting_for_the_disk(new_pg_database, monkeypatch):
    from jastar_common.dependencies import Database

    url = new_pg_database("relay")
    monkeypatch.setenv("NOTIFICATIONS_DATABASE_URL", url)
    database = Database("notifications")
    database.setup()
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("SHOW synchronous_commit")).scalar() == "on"
        with database.relay.engine.connect() as conn:
            assert conn.execute(text("SHOW synchronous_commit")).scalar() == "off"
    finally:
        database.engine.dispose()
        database.relay_engine.dispose()

"""Alembic, the same way for every service: each service's migrations/env.py
calls run_env(); `upgrade_head` runs them (from run scripts, tests, make run).
The shared outbox and inbox tables are created by each service's first
migration through create_messaging_tables."""
from alembic import command
from alembic.config import Config

from . import tables
from .database import is_sqlite, make_engine


def create_messaging_tables(op):
    tables.metadata.create_all(op.get_bind(), tables=[tables.outbox, tables.inbox])


def add_outbox_traceparent(op):
    """For databases whose outbox predates the traceparent column (a newer
    first migration already made it: create_messaging_tables uses the live table)."""
    import sqlalchemy as sa
    if "traceparent" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("jastar_outbox")}:
        op.add_column("jastar_outbox", sa.Column("traceparent", sa.String(55)))


def drop_messaging_tables(op):
    tables.metadata.drop_all(op.get_bind(), tables=[tables.inbox, tables.outbox])


def alembic_config(package, url):
    cfg = Config()
    cfg.set_main_option("script_location", f"{package}:migrations")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_head(package, url):
    command.upgrade(alembic_config(package, url), "head")


MIGRATION_LOCK = 7_265_311  # any constant; one per database


def run_env(target_metadata):
    from alembic import context

    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            if not is_sqlite(engine):
                # replicas starting together migrate one at a time (SQLite's
                # BEGIN IMMEDIATE already serialises them)
                connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
                connection.commit()
            context.configure(
                connection=connection,
                target_metadata=[target_metadata, tables.metadata],
                render_as_batch=is_sqlite(engine),  # SQLite alters tables by copying them
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()

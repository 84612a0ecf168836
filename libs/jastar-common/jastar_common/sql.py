"""Small SQL helpers that work the same on PostgreSQL and SQLite."""
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def insert_once(session, table, values, index_elements=None):
    """INSERT ... ON CONFLICT DO NOTHING; True when the row went in.

    One round trip, where a savepoint around a plain INSERT takes three; a
    key already there (or being inserted by a transaction still open, which
    is waited for, as a unique index makes it) inserts nothing, raises
    nothing and leaves the transaction usable. Without `index_elements`
    any unique key counts."""
    dialect = session.get_bind().dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table).values(**values)
    return session.execute(statement.on_conflict_do_nothing(index_elements=index_elements)).rowcount == 1

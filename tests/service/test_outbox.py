"""The transactional outbox against real RabbitMQ, on SQLite and PostgreSQL
(the relay claims rows its own way on each)."""
import pytest
from sqlalchemy import select, update

from jastar_common import tables
from jastar_common.database import make_engine, make_session_factory
from jastar_common.outbox import publish_pending
from jastar_common.publisher import ConfirmingPublisher
from jastar_common.uow import SqlUnitOfWork

from .support import create_schema, drain, tap


class _TestUnitOfWork(SqlUnitOfWork):
    event_types = frozenset({"booking.confirmed", "booking.requested"})


def _uow(engine):
    return _TestUnitOfWork(make_session_factory(engine), "test")


def _declared(amqp_uri):
    from kombu import Connection
    from jastar_common.topology import declare_topology
    with Connection(amqp_uri) as conn:
        declare_topology(conn)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_event_is_published_if_and_only_if_its_transaction_commits(
        rabbit_config, amqp_uri, database_url):
    url = database_url
    create_schema(url)
    _declared(amqp_uri)
    seen = tap(amqp_uri)
    engine = make_engine(url)

    with _uow(engine) as uow:
        committed = uow.emit("booking.confirmed", {"booking_id": "b-1"})
        uow.commit()
    with _uow(engine) as uow:
        uow.emit("booking.confirmed", {"booking_id": "b-2"})
        uow.rollback()
    with _uow(engine) as uow:
        uow.emit("booking.confirmed", {"booking_id": "b-3"})
        # leaving without commit (an exception, a crash) is a rollback too

    publisher = ConfirmingPublisher(amqp_uri)
    assert publish_pending(engine, publisher) == 1
    assert publish_pending(engine, publisher) == 0
    publisher.close()

    received = drain(amqp_uri, seen)
    assert [e.id for e in received] == [committed.id]
    assert received[0].data == {"booking_id": "b-1"}
    assert received[0].source == "test"
    engine.dispose()


@pytest.mark.slow  # the broker unreachable, then back
def test_relay_keeps_order_and_backs_off_when_the_broker_is_unreachable(
        rabbit_config, amqp_uri, tmp_path):
    url = f"sqlite:///{tmp_path}/outbox.db"
    create_schema(url)
    _declared(amqp_uri)
    seen = tap(amqp_uri)
    engine = make_engine(url)
    ids = []
    for n in range(5):
        with _uow(engine) as uow:
            ids.append(uow.emit("booking.requested", {"booking_id": f"b-{n}"}).id)
            uow.commit()

    unreachable = ConfirmingPublisher("pyamqp://guest:guest@127.0.0.1:1//")
    assert publish_pending(engine, unreachable) == 0
    with engine.connect() as conn:
        first = conn.execute(select(tables.outbox).order_by(tables.outbox.c.id)).first()
    assert first.attempts == 1 and first.last_error and first.sent_at is None

    with engine.begin() as conn:  # make the backed-off row due again now
        conn.execute(update(tables.outbox).values(next_attempt_at=first.created_at))
    assert publish_pending(engine, ConfirmingPublisher(amqp_uri)) == 5
    assert [e.id for e in drain(amqp_uri, seen)] == ids
    engine.dispose()


def test_two_relays_on_postgresql_never_send_the_same_row(rabbit_config, amqp_uri, new_pg_database):
    import eventlet

    url = new_pg_database("relays")
    create_schema(url)
    _declared(amqp_uri)
    seen = tap(amqp_uri)
    engine = make_engine(url)
    with _uow(engine) as uow:
        ids = [uow.emit("booking.requested", {"booking_id": f"b-{n}"}).id for n in range(300)]
        uow.commit()

    def relay():
        publisher, sent = ConfirmingPublisher(amqp_uri), 0
        while True:
            batch = publish_pending(engine, publisher, batch_size=20)
            if not batch:
                publisher.close()
                return sent
            sent += batch

    first, second = eventlet.spawn(relay), eventlet.spawn(relay)
    counts = first.wait(), second.wait()
    received = [e.id for e in drain(amqp_uri, seen)]
    assert sum(counts) == 300 and min(counts) > 0, counts  # both worked, neither twice
    assert sorted(received) == sorted(ids) and len(set(received)) == 300
    engine.dispose()

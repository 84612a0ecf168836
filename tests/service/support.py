"""A small service built on the shared machinery, for testing the machinery
itself: its effect (a counter per event) shows every time a handler really ran."""
import json
import time

from kombu import Connection, Exchange, Queue
from nameko.rpc import rpc
from sqlalchemy import Column, Integer, MetaData, String, Table, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from jastar_common import tables
from jastar_common.database import is_sqlite, make_engine
from jastar_common.dependencies import Database
from jastar_common.envelope import Envelope
from jastar_common.subscriber import subscribe
from jastar_common.topology import EVENTS_EXCHANGE_NAME

metadata = MetaData()
effects = Table(
    "effects", metadata,
    Column("event_id", String(36), primary_key=True),
    Column("times", Integer, nullable=False),
)
switches = Table("switches", metadata, Column("name", String(20), primary_key=True))


def create_schema(url):
    engine = make_engine(url, pool_size=1)
    tables.metadata.create_all(engine)
    metadata.create_all(engine)
    engine.dispose()


class FlakyHandlerService:
    """Counts each event it handles; fails while the 'fail' switch is on."""
    name = "notifications"
    db = Database("notifications")

    @subscribe("notifications", "booking_changes")
    def on_booking_change(self, envelope):
        with self.db.unit_of_work() as uow:
            if uow.session.execute(select(switches).where(switches.c.name == "fail")).first():
                raise RuntimeError("handler told to fail")
            if not uow.first_delivery("test.effects", envelope):
                return
            insert = pg_insert if not is_sqlite(uow.session.get_bind()) else sqlite_insert
            uow.session.execute(insert(effects).values(event_id=envelope.id, times=1)
                                .on_conflict_do_update(index_elements=["event_id"],
                                                       set_={"times": effects.c.times + 1}))
            uow.commit()

    @rpc
    def slow_query(self, seconds):
        started = time.monotonic()
        with self.db.unit_of_work() as uow:
            uow.session.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
        return started, time.monotonic()


def effect_times(url):
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        rows = dict(conn.execute(select(effects.c.event_id, effects.c.times)).all())
    engine.dispose()
    return rows


def set_failing(url, on):
    engine = make_engine(url, pool_size=1)
    with engine.begin() as conn:
        conn.execute(switches.delete())
        if on:
            conn.execute(switches.insert().values(name="fail"))
    engine.dispose()


def publish_event(amqp_uri, envelope):
    with Connection(amqp_uri) as conn:
        conn.Producer().publish(
            json.dumps(envelope.to_dict()), exchange=EVENTS_EXCHANGE_NAME,
            routing_key=envelope.type, content_type="application/json",
            message_id=envelope.id, delivery_mode=2,
        )


def tap(amqp_uri, routing_key="#"):
    """A private queue bound to the events exchange, to see what was published."""
    name = f"test-tap-{time.monotonic_ns()}"
    queue = Queue(name, exchange=Exchange(EVENTS_EXCHANGE_NAME, type="topic", passive=True),
                  routing_key=routing_key, auto_delete=False)
    with Connection(amqp_uri) as conn:
        queue(conn.channel()).declare()
    return name


def drain(amqp_uri, queue_name, quiet=1.0):
    """Everything in the queue until it stays empty for `quiet` seconds."""
    got = []
    with Connection(amqp_uri) as conn:
        queue = Queue(queue_name)(conn.channel())
        last = time.monotonic()
        while time.monotonic() - last < quiet:
            message = queue.get(no_ack=True, accept=["json"])
            if message is None:
                time.sleep(0.05)
                continue
            got.append(Envelope.from_dict(json.loads(message.body)))
            last = time.monotonic()
    return got

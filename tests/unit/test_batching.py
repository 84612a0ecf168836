"""The batching consumer's logic without a broker: how deliveries become
batches, that a batch is acked only after its handler returned, that a failed
batch is handled again one event at a time (the failing one retried alone),
and the one-statement inbox of a batch (on SQLite)."""
import time
from types import SimpleNamespace

import eventlet
import nameko.messaging
import pytest
from eventlet.queue import LightQueue
from sqlalchemy import select

from jastar_common import tables
from jastar_common.batching import Batch, BatchInbox, BatchSubscriber, take_batch
from jastar_common.database import make_engine, make_session_factory
from jastar_common.envelope import Envelope
from jastar_common.logging import current_correlation_id, set_correlation_id
from jastar_common.topology import ATTEMPT_HEADER
from jastar_common.tracing import current_traceparent
from jastar_common.uow import SqlUnitOfWork

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def event(n=0):
    return Envelope(type="booking.confirmed", source="booking", data={"n": n})


# --- from deliveries to batches ---------------------------------------------------

def test_a_batch_is_at_most_its_size():
    arrived = LightQueue()
    for n in range(7):
        arrived.put(n)
    assert take_batch(arrived, 3, wait=1.0) == [0, 1, 2]
    assert take_batch(arrived, 3, wait=1.0) == [3, 4, 5]
    assert take_batch(arrived, 3, wait=0.01) == [6]


def test_a_batch_takes_what_arrives_within_the_wait_of_its_first_delivery():
    arrived = LightQueue()
    arrived.put("first")
    eventlet.spawn_after(0.01, arrived.put, "soon")
    eventlet.spawn_after(0.3, arrived.put, "late")
    started = time.monotonic()
    assert take_batch(arrived, 10, wait=0.1) == ["first", "soon"]
    assert time.monotonic() - started < 0.25
    assert take_batch(arrived, 10, wait=0.01) == ["late"]  # waited for, however long


def test_each_event_of_a_batch_is_written_under_its_own_correlation_id_and_trace():
    first, second = event(1), event(2)
    batch = Batch([(first, {"correlation_id": "c-1", "traceparent": TRACEPARENT}), (second, {})])
    assert list(batch) == [first, second]
    set_correlation_id("the-batch")
    try:
        with batch.traced(first):
            assert (current_correlation_id(), current_traceparent()) == ("c-1", TRACEPARENT)
        with batch.traced(second):  # none of its own: the worker's
            assert current_correlation_id() == "the-batch"
        assert (current_correlation_id(), current_traceparent()) == ("the-batch", None)
    finally:
        set_correlation_id(None)


# --- acks, and the fall back to one at a time --------------------------------------

class Message:
    def __init__(self, envelope, attempt=None):
        self.envelope = envelope
        self.headers = {ATTEMPT_HEADER: attempt} if attempt else {}
        self.properties = {"message_id": envelope.id}
        self.body = "{}"


class Broker:
    """Stands in for the consumer (acks, requeues) and the retry publisher."""

    def __init__(self):
        self.acked, self.requeued, self.parked = [], [], []

    def ack_message(self, message):
        self.acked.append(message.envelope.data["n"])

    def requeue_message(self, message):
        self.requeued.append(message.envelope.data["n"])

    def publish(self, body, exchange, routing_key, headers, **kwargs):
        self.parked.append((routing_key.rsplit(".", 1)[-1], headers[ATTEMPT_HEADER]))


class Container:
    """Runs each worker in a greenthread, as nameko does, calling `handler`."""

    service_name = "notifications"

    def __init__(self, handler):
        self.handler, self.calls = handler, []

    def spawn_worker(self, entrypoint, args, kwargs, context_data=None, handle_result=None):
        def run():
            self.calls.append([e.data["n"] for e in args[0]])
            try:
                result, exc_info = self.handler(args[0]), None
            except Exception as exc:
                result, exc_info = None, (type(exc), exc, None)
            handle_result(None, result, exc_info)
        return eventlet.spawn(run)

    def spawn_managed_thread(self, run, identifier=None):
        return eventlet.spawn(run)


def subscriber(handler):
    entrypoint = BatchSubscriber("notifications", "booking_changes")
    broker = Broker()
    entrypoint.container, entrypoint.consumer, entrypoint.publisher = Container(handler), broker, broker
    entrypoint.max_attempts, entrypoint.retry_base = 3, 0.01
    entrypoint.method_name = "on_booking_change"
    return entrypoint, broker


def deliveries(*numbers):
    return [(event(n), Message(event(n))) for n in numbers]


def settle(broker, count):
    for _ in range(200):
        if len(broker.acked) + len(broker.requeued) >= count:
            return
        eventlet.sleep(0.01)


def test_a_batch_is_acked_only_once_its_handler_returned():
    returned = []
    entrypoint, broker = subscriber(lambda batch: returned.append(broker.acked[:]))
    entrypoint._spawn(deliveries(1, 2, 3), entrypoint._batch_done).wait()
    assert returned == [[]]  # nothing acked while the handler ran
    assert broker.acked == [1, 2, 3] and not broker.parked
    assert entrypoint.container.calls == [[1, 2, 3]]


def test_a_poison_event_is_retried_alone_and_the_rest_of_its_batch_goes_through():
    def handler(batch):
        if any(e.data["n"] == 2 for e in batch):
            raise ValueError("poison")
    entrypoint, broker = subscriber(handler)
    entrypoint._spawn(deliveries(1, 2, 3), entrypoint._batch_done)
    settle(broker, 3)
    # the batch, then each of its events alone and in order
    assert entrypoint.container.calls == [[1, 2, 3], [1], [2], [3]]
    assert broker.acked == [1, 2, 3]  # 2 acked once its copy was on the retry queue
    assert broker.parked == [("retry", 2)]


def test_a_single_event_that_fails_is_retried_without_running_again():
    entrypoint, broker = subscriber(lambda batch: 1 / 0)
    entrypoint._spawn(deliveries(7), entrypoint._batch_done)
    settle(broker, 1)
    assert entrypoint.container.calls == [[7]]
    assert broker.parked == [("retry", 2)]


def test_on_its_last_attempt_a_poison_event_goes_to_the_dead_letters():
    entrypoint, broker = subscriber(lambda batch: 1 / 0)
    taken = [(event(5), Message(event(5), attempt=3))]
    entrypoint._spawn(taken, entrypoint._batch_done)
    settle(broker, 1)
    assert broker.parked == [("dlq", 3)]


# --- the inbox of a batch -------------------------------------------------------------

class BatchUnitOfWork(BatchInbox, SqlUnitOfWork):
    event_types = frozenset()


@pytest.fixture
def session_factory(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'inbox.db'}")
    tables.metadata.create_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


def test_a_batch_records_each_new_event_once_and_skips_the_ones_handled_before(session_factory):
    a, b, c = event(1), event(2), event(3)
    with BatchUnitOfWork(session_factory, "notifications") as uow:
        assert uow.first_deliveries("test", [a, b, a]) == [a, b]
        uow.commit()
    with BatchUnitOfWork(session_factory, "notifications") as uow:
        assert uow.first_deliveries("test", [c, b, c]) == [c]
        assert uow.first_deliveries("other", [b]) == [b]  # per consumer
        uow.commit()
    with BatchUnitOfWork(session_factory, "notifications") as uow:
        rows = uow.session.execute(select(tables.inbox.c.consumer, tables.inbox.c.event_id)).all()
    assert sorted(rows) == sorted([("test", a.id), ("test", b.id), ("test", c.id), ("other", b.id)])


def test_a_batch_rolled_back_leaves_its_events_to_be_handled_again(session_factory):
    a = event(1)
    with BatchUnitOfWork(session_factory, "notifications") as uow:
        assert uow.first_deliveries("test", [a]) == [a]  # no commit: a crash
    with BatchUnitOfWork(session_factory, "notifications") as uow:
        assert uow.first_deliveries("test", [a]) == [a]


def test_an_empty_batch_asks_nothing(session_factory):
    with BatchUnitOfWork(session_factory, "notifications") as uow:
        assert uow.first_deliveries("test", []) == []


def test_the_consumer_prefetches_one_batch(monkeypatch):
    monkeypatch.setenv("EVENT_BATCH_SIZE", "20")
    monkeypatch.setenv("EVENT_BATCH_WAIT_MS", "2")
    entrypoint = BatchSubscriber("notifications", "booking_changes")
    entrypoint.container = SimpleNamespace(service_name="notifications")
    monkeypatch.setattr(nameko.messaging.Consumer, "setup", lambda self: None)  # no broker here
    entrypoint.setup()
    assert (entrypoint.size, entrypoint.wait) == (20, 0.002)
    assert entrypoint.consumer_options["prefetch_count"] == 20

"""`subscribe_batch`: `subscribe` for a handler that takes its events in
batches, so that a batch is written in one transaction (one commit, bulk
inserts) instead of one transaction per event.

The consumer's prefetch is the batch size N: a batch is up to N deliveries,
or what arrived within EVENT_BATCH_WAIT_MS of its first one. What `subscribe`
promises holds for every event of a batch:
- acked only after the handler returned, that is after it committed: a crash
  before then delivers the whole batch again, and the inbox
  (`BatchInbox.first_deliveries`) makes the repeat write nothing;
- a batch whose handler raised is handled again one event at a time, each in
  its own worker and transaction: the event that fails goes to the retry and
  dead-letter queues as under `subscribe`, the others commit;
- a malformed envelope is dead-lettered at once and never joins a batch."""
import logging
import time
from contextlib import contextmanager
from functools import partial

from eventlet.event import Event
from eventlet.queue import Empty, LightQueue
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import decode_from_headers
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .config import setting
from .clock import utcnow
from .logging import CORRELATION_KEY, current_correlation_id
from .metrics import INBOX_DUPLICATES
from .subscriber import EventSubscriber
from .tables import inbox
from .tracing import TRACEPARENT_KEY, SpanKind, continued

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 50
DEFAULT_WAIT_MS = 5.0


class Batch(list):
    """The envelopes of one batch worker, in delivery order (a repeat
    included: the inbox tells it apart). `traced(envelope)`: a block in the
    event's own trace (a span `span_name`, child of the span that emitted
    it) and under its correlation id, as one worker per event would be: what
    is written there carries them on."""

    def __init__(self, deliveries=(), span_name="batch", service=None):
        deliveries = list(deliveries)  # (envelope, context data of its message)
        super().__init__(envelope for envelope, _ in deliveries)
        self._contexts = {envelope.id: context for envelope, context in deliveries}
        self.span_name, self.service = span_name, service

    @contextmanager
    def traced(self, envelope):
        context = self._contexts.get(envelope.id) or {}
        with continued(context.get(CORRELATION_KEY) or current_correlation_id(),
                       context.get(TRACEPARENT_KEY), self.span_name, SpanKind.CONSUMER, self.service):
            yield


def take_batch(arrived, size, wait):
    """Block for one delivery, then take what else arrives within `wait`
    seconds of it, up to `size` in all."""
    taken = [arrived.get()]
    deadline = time.monotonic() + wait
    while len(taken) < size:
        try:
            taken.append(arrived.get(timeout=max(0.0, deadline - time.monotonic())))
        except Empty:
            break
    return taken


class BatchSubscriber(EventSubscriber):
    """Spawns one worker per batch; the decorated method gets a `Batch`."""

    def __init__(self, service, name, size=None, wait_ms=None, **kwargs):
        self.default_size = size or DEFAULT_BATCH_SIZE
        self.default_wait_ms = DEFAULT_WAIT_MS if wait_ms is None else wait_ms
        super().__init__(service, name, **kwargs)

    def setup(self):
        self.size = max(1, setting("EVENT_BATCH_SIZE", self.default_size, int))
        self.wait = setting("EVENT_BATCH_WAIT_MS", self.default_wait_ms, float) / 1000
        # the broker hands over at most one batch of unacked events
        self.consumer_options["prefetch_count"] = self.size
        self.arrived = LightQueue()
        super().setup()

    def start(self):
        self.container.spawn_managed_thread(
            self._collect, identifier=f"{type(self).__name__}.collect[{self.method_name}]")
        super().start()

    def handle_envelope(self, envelope, message):
        self.arrived.put((envelope, message))  # never blocks the consumer

    def _collect(self):
        # deliveries still queued here when the container stops are unacked:
        # the broker delivers them again
        while True:
            self._spawn(take_batch(self.arrived, self.size, self.wait), self._batch_done)

    def _spawn(self, taken, done, context_data=None):
        batch = Batch(((envelope, decode_from_headers(message.headers or {}))
                       for envelope, message in taken),
                      f"{self.container.service_name}.{self.method_name}", self.service)
        try:
            return self.container.spawn_worker(self, (batch,), {}, context_data=context_data,
                                               handle_result=partial(done, taken))
        except ContainerBeingKilled:
            for _, message in taken:
                self.consumer.requeue_message(message)
            return None

    def _batch_done(self, taken, worker_ctx, result=None, exc_info=None):
        if exc_info is None:
            for _, message in taken:
                self.consumer.ack_message(message)
        elif len(taken) == 1:
            self.handle_message_processed(taken[0][1], result, exc_info)
        else:
            log.warning("a batch of %d events failed; handling them one by one", len(taken),
                        extra={"queue": self.subscription.queue_name,
                               "error": repr(exc_info[1])[:500]})
            # not from this worker: its pool slot is still taken
            self.container.spawn_managed_thread(partial(self._one_by_one, taken))
        return result, exc_info

    def _one_by_one(self, taken):
        """In order, one worker at a time: each event retried or dead-lettered
        alone, as under `subscribe`."""
        for index, (envelope, message) in enumerate(taken):
            finished = Event()
            spawned = self._spawn([(envelope, message)], partial(self._single_done, finished),
                                  context_data=decode_from_headers(message.headers or {}))
            if spawned is None:  # being killed: the rest back to the broker
                for _, later in taken[index + 1:]:
                    self.consumer.requeue_message(later)
                return
            finished.wait()

    def _single_done(self, finished, taken, worker_ctx, result=None, exc_info=None):
        try:
            self.handle_message_processed(taken[0][1], result, exc_info)
        finally:
            finished.send()
        return result, exc_info


subscribe_batch = BatchSubscriber.decorator


def insert_new(session, table, rows, returning, index_elements=None):
    """One multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING `returning`
    (a column): the values of the rows that went in. A row whose key is
    already there (or being inserted by a transaction still open, which is
    waited for) is left out. PostgreSQL, and SQLite from 3.35."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table).values(rows)
    statement = statement.on_conflict_do_nothing(index_elements=index_elements)
    return list(session.scalars(statement.returning(returning)))


class BatchInbox:
    """For a SqlUnitOfWork whose handler takes batches: the inbox rows of a
    whole batch in one statement."""

    def first_deliveries(self, consumer, envelopes):
        """The envelopes not handled by `consumer` before, each once and in
        order, recorded as handled in this transaction (see first_delivery)."""
        unique = {}
        for envelope in envelopes:
            unique.setdefault(envelope.id, envelope)
        unique = list(unique.values())
        now = utcnow()
        # in key order: two batches sharing events lock them in the same order
        rows = sorted(({"consumer": consumer, "event_id": e.id, "event_type": e.type,
                        "processed_at": now} for e in unique), key=lambda row: row["event_id"])
        new = set(insert_new(self.session, inbox, rows, inbox.c.event_id,
                             index_elements=["consumer", "event_id"]))
        if len(envelopes) > len(new):
            INBOX_DUPLICATES.labels(self.source, consumer).inc(len(envelopes) - len(new))
        return [envelope for envelope in unique if envelope.id in new]

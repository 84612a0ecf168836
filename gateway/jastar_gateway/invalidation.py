"""Dropping this process's cached answers (cache.py) when events say what
they were computed from has changed.

Every gateway process caches for itself, so every process needs every such
event: a shared, competing-consumer queue would tell only one of them. Each
process consumes its own queue, `jastar.gateway.cache.<uuid>`: exclusive,
auto-delete and not durable, so the broker deletes it when the connection
that declared it closes (stop, crash, lost connection) and it never outlives
a broker restart. A new connection gets a new queue (an exclusive queue of a
connection the broker has not yet seen die would refuse it).

No inbox, no retries, no dead letters: dropping a cache twice is harmless, and
an event that is lost (the consumer was disconnected, the broker restarted)
leaves an answer stale for at most its TTL (AVAILABILITY_CACHE_SECONDS,
CATALOGUE_CACHE_SECONDS). Every message is acked, whatever happens."""
import logging
import uuid

from kombu import Queue, binding
from nameko.messaging import Consumer

from jastar_common.consumer import SafeConsumer
from jastar_common.contracts import REFERENCE_KINDS, every_event_of
from jastar_common.topology import events_exchange

from .cache import AVAILABILITY, CATALOGUE

log = logging.getLogger(__name__)

QUEUE_PREFIX = "jastar.gateway.cache."
# the registry's reference data (routing key = event type = "<kind>.<verb>");
# member.* changes no slot or seat, and no catalogue answer
ROUTING_KEYS = ("booking.#", "waitlist.#") + every_event_of(*REFERENCE_KINDS)


def drop_cached_answers(event_type):
    """Any booking, waitlist or reference-data event drops every availability
    answer: one booking can change several services' slots (a specialist gives
    several services), so finer keys would buy little and risk much.

    Reference data reaches booking by the same events, so booking may answer
    from its old copy for a moment after the gateway heard of a change: such an
    answer can be cached again, for at most AVAILABILITY_CACHE_SECONDS.
    The catalogue comes from the registry itself, which publishes only after
    commit: a registry event makes it exact."""
    AVAILABILITY.invalidate_all()
    if event_type.split(".", 1)[0] in REFERENCE_KINDS:
        CATALOGUE.invalidate_all()


def cache_queue():
    exchange = events_exchange()
    return Queue(f"{QUEUE_PREFIX}{uuid.uuid4().hex}", exclusive=True, auto_delete=True, durable=False,
                 bindings=[binding(exchange, routing_key=key) for key in ROUTING_KEYS])


class _OwnQueueConsumer(SafeConsumer):
    def get_consumers(self, consumer_cls, channel):
        # called on every (re)connection: a fresh queue each time
        self.queues = [cache_queue()]
        return super().get_consumers(consumer_cls, channel)

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        if self.ready.is_set():  # a reconnection: what was published meanwhile is lost
            AVAILABILITY.invalidate_all()
            CATALOGUE.invalidate_all()
        super().on_consume_ready(connection, channel, consumers, **kwargs)


class CacheInvalidation(Consumer):
    """Entrypoint: the decorated method is called with the event type of every
    event on this process's own cache queue."""

    consumer_cls = _OwnQueueConsumer

    def __init__(self, **kwargs):
        super().__init__(queue=None, requeue_on_error=False, **kwargs)

    def setup(self):
        # the body does not matter, only the routing key: an undecodable one is no reason to stop
        self.consumer_options["on_decode_error"] = lambda message, exc: self.handle_message(None, message)
        super().setup()

    @property
    def queue_name(self):
        """This process's current queue (tests and logs)."""
        return self.consumer.queues[0].name

    def handle_message(self, body, message):
        event_type = (message.delivery_info or {}).get("routing_key") or ""
        super().handle_message(event_type, message)


invalidate_caches = CacheInvalidation.decorator


class CacheEvents:
    """Mixed into the gateway service."""

    @invalidate_caches
    def forget_cached_answers(self, event_type):
        drop_cached_answers(event_type)

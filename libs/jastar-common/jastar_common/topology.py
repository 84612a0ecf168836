"""Where events go: one topic exchange, routing key = event type.

Every subscription of every service is listed here, so that any service (or
`jastar-topology declare` at deploy time) can declare all consumer queues
before it publishes: an event published before its consumer's first start
waits in that consumer's queue instead of being dropped. Events nobody
subscribes to go to the alternate exchange's capped queue, not back to the
publisher."""
from dataclasses import dataclass

from kombu import Exchange, Queue, binding

from .config import setting
from .contracts import BOOKING_COPIED_KINDS, REPORTS_COPIED_KINDS, every_event_of

EVENTS_EXCHANGE_NAME = "jastar.events"
UNROUTED_EXCHANGE_NAME = "jastar.events.unrouted"
UNROUTED_QUEUE_NAME = "jastar.events.unrouted"
UNROUTED_MAX_LENGTH = 10_000

ATTEMPT_HEADER = "x-jastar-attempt"
ERROR_HEADER = "x-jastar-error"


@dataclass(frozen=True)
class Subscription:
    """A durable queue owned by one service, fed by some event types."""
    service: str
    name: str
    keys: tuple

    @property
    def key(self):
        return f"jastar.{self.service}.{self.name}"

    @property
    def queue_name(self):
        # EVENT_QUEUE_SUFFIX moves a running system to new queues (a queue's
        # type cannot change in place, e.g. classic to quorum): docs/runbook.md
        return self.key + setting("EVENT_QUEUE_SUFFIX", "")

    @property
    def retry_queue_name(self):
        return f"{self.queue_name}.retry"

    @property
    def dead_letter_queue_name(self):
        return f"{self.queue_name}.dlq"


SUBSCRIPTIONS = {
    s.key: s for s in [
        # booking keeps its own copy of the registry data it books against
        Subscription("booking", "registry_changes",
                     every_event_of("district", *BOOKING_COPIED_KINDS, "member")),
        Subscription("notifications", "member_changes", ("member.*",)),
        Subscription("notifications", "booking_changes", ("booking.*", "waitlist.*")),
        # reports: facts from bookings and waitlists, grouped by registry objects
        Subscription("reports", "registry_changes", every_event_of(*REPORTS_COPIED_KINDS, "member")),
        Subscription("reports", "booking_changes", ("booking.*", "waitlist.*")),
        # integrators' webhooks may subscribe to any event type
        Subscription("notifications", "webhooks", ("#",)),
    ]
}


def subscription(service, name):
    return SUBSCRIPTIONS[f"jastar.{service}.{name}"]


def _queue_arguments():
    # quorum queues in a cluster (deploy/ sets EVENT_QUEUE_TYPE=quorum)
    queue_type = setting("EVENT_QUEUE_TYPE", "classic")
    return {"x-queue-type": queue_type}


def events_exchange():
    return Exchange(
        EVENTS_EXCHANGE_NAME, type="topic", durable=True,
        arguments={"alternate-exchange": UNROUTED_EXCHANGE_NAME},
    )


def main_queue(sub):
    exchange = events_exchange()
    return Queue(
        sub.queue_name, exchange=exchange, durable=True,
        bindings=[binding(exchange, routing_key=key) for key in sub.keys],
        queue_arguments=_queue_arguments(),
    )


def retry_queue(sub):
    # no consumers: a message waits its per-message TTL, then is dead-lettered
    # back onto the main queue through the default exchange
    return Queue(
        sub.retry_queue_name, exchange=Exchange(""), routing_key=sub.retry_queue_name,
        durable=True,
        queue_arguments={
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": sub.queue_name,
        },
    )


def dead_letter_queue(sub):
    return Queue(
        sub.dead_letter_queue_name, exchange=Exchange(""),
        routing_key=sub.dead_letter_queue_name, durable=True,
        queue_arguments=_queue_arguments(),
    )


def declare_topology(connection):
    """Idempotently declare exchanges and every subscription's queues."""
    channel = connection.channel()
    try:
        unrouted = Exchange(UNROUTED_EXCHANGE_NAME, type="fanout", durable=True)
        unrouted(channel).declare()
        Queue(
            UNROUTED_QUEUE_NAME, exchange=unrouted, durable=True,
            queue_arguments={"x-max-length": UNROUTED_MAX_LENGTH},
        )(channel).declare()
        events_exchange()(channel).declare()
        for sub in SUBSCRIPTIONS.values():
            for queue in (main_queue(sub), retry_queue(sub), dead_letter_queue(sub)):
                queue(channel).declare()
    finally:
        channel.close()

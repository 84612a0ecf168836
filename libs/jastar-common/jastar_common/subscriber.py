"""The `subscribe` entrypoint: consume a subscription queue, retry a failing
handler with backoff, and dead-letter it after the last try.

nameko's own consumers ack a message whose handler raised, and the message is
gone. Here the message is acked only once it has been handled, or a copy of it
is safely (publisher-confirmed) on the retry or dead-letter queue. A crash in
between delivers it again: handlers must be idempotent (see
SqlUnitOfWork.first_delivery)."""
import json
import logging
import random
import traceback

from marshmallow import ValidationError
from nameko.messaging import Consumer

from .config import setting
from .consumer import SafeConsumer
from .dependencies import Topology
from .envelope import Envelope
from .metrics import DEAD_LETTERS
from .publisher import ConfirmingPublisher
from .topology import (
    ATTEMPT_HEADER, ERROR_HEADER, SUBSCRIPTIONS, dead_letter_queue, main_queue,
)

log = logging.getLogger(__name__)


class EventSubscriber(Consumer):
    consumer_cls = SafeConsumer  # an ack lost with the broker must not kill the service
    topology = Topology()

    def __init__(self, service, name, **kwargs):
        self.service = service
        self.name = name
        self.subscription = SUBSCRIPTIONS[f"jastar.{service}.{name}"]
        super().__init__(queue=main_queue(self.subscription), requeue_on_error=False, **kwargs)

    def setup(self):
        if self.container.service_name != self.service:
            raise RuntimeError(
                f"{self.subscription.queue_name} belongs to {self.service}, "
                f"not {self.container.service_name}")
        self.max_attempts = setting("EVENT_MAX_ATTEMPTS", 5, int)
        self.retry_base = setting("EVENT_RETRY_BASE_SECONDS", 1.0, float)
        self.publisher = ConfirmingPublisher()
        super().setup()

    def stop(self):
        super().stop()
        self.publisher.close()

    def handle_message(self, body, message):
        try:
            payload = json.loads(body) if isinstance(body, (str, bytes)) else body
            envelope = Envelope.from_dict(payload)
        except (ValueError, TypeError, ValidationError) as exc:
            # malformed: no retry will mend it
            try:
                self._dead_letter(message, f"invalid envelope: {exc}")
            except Exception:
                log.exception("could not dead-letter a malformed event; requeueing")
                self.consumer.requeue_message(message)
                return
            self.consumer.ack_message(message)
            return
        self.handle_envelope(envelope, message)

    def handle_envelope(self, envelope, message):
        """A well-formed event: one worker for it (batching.py takes several)."""
        super().handle_message(envelope, message)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            self.consumer.ack_message(message)
            return
        attempt = int((message.headers or {}).get(ATTEMPT_HEADER, 1))
        error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
        try:
            if attempt < self.max_attempts:
                delay = self.retry_base * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)
                self._republish(message, self.subscription.retry_queue_name, attempt + 1,
                                error, expiration=delay)
                log.warning("event handler failed; retry %d/%d in %.1fs",
                            attempt, self.max_attempts, delay,
                            extra={"queue": self.subscription.queue_name, "error": error})
            else:
                self._dead_letter(message, error, attempt)
        except Exception:
            # could not park a copy: give it back to the broker rather than lose it
            log.exception("could not retry or dead-letter; requeueing")
            self.consumer.requeue_message(message)
            return
        self.consumer.ack_message(message)

    def _dead_letter(self, message, error, attempt=1):
        DEAD_LETTERS.labels(self.service, self.subscription.dead_letter_queue_name).inc()
        log.error("event dead-lettered after %d attempt(s)", attempt,
                  extra={"queue": self.subscription.dead_letter_queue_name, "error": error})
        self._republish(message, self.subscription.dead_letter_queue_name, attempt, error,
                        declare=[dead_letter_queue(self.subscription)])

    def _republish(self, message, queue_name, attempt, error, expiration=None, declare=()):
        headers = dict(message.headers or {})
        headers[ATTEMPT_HEADER] = attempt
        headers[ERROR_HEADER] = error[:1000]
        self.publisher.publish(
            message.body,
            exchange="", routing_key=queue_name, headers=headers,
            message_id=message.properties.get("message_id"),
            expiration=expiration, declare=declare,
        )


subscribe = EventSubscriber.decorator

"""An AMQP consumer whose acks and requeues survive a lost broker.

nameko's consumer ignores only amqp's ConnectionError when it acks; a socket
reset (ConnectionResetError) or a kombu OperationalError raised out of the
worker and killed the whole service. An ack that cannot be sent is harmless:
the broker takes the unacked message back when the connection dies and
delivers it again, and the inbox (or the RPC deadline) absorbs the repeat."""
import logging

from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError
from nameko.amqp.consume import Consumer as ConsumerCore

log = logging.getLogger(__name__)

# what a lost broker raises on a channel that was open
BROKER_ERRORS = (OSError, AmqpConnectionError, OperationalError)


class SafeConsumer(ConsumerCore):
    def ack_message(self, message):
        self._settle(message, super().ack_message, "ack")

    def requeue_message(self, message):
        self._settle(message, super().requeue_message, "requeue")

    @staticmethod
    def _settle(message, settle, what):
        try:
            settle(message)
        except BROKER_ERRORS as exc:
            log.warning("could not %s a message (the broker will deliver it again): %s", what, exc,
                        extra={"delivery_tag": getattr(message, "delivery_tag", None)})

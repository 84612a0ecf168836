"""Publishing with publisher confirms and mandatory routing: publish() returns
only once RabbitMQ has taken responsibility for the message, and raises if it
could not route or store it."""
import json
import logging

from eventlet.semaphore import Semaphore
from kombu import Connection

from .config import amqp_uri

log = logging.getLogger(__name__)

# a broker that stops confirming (memory or disk alarm, half-open connection)
# must fail the publish, not hang it: the outbox keeps the row for later
PUBLISH_TIMEOUT = 10


class Unroutable(Exception):
    pass


class ConfirmingPublisher:
    def __init__(self, uri=None):
        self.uri = uri or amqp_uri()
        self._connection = None
        self._producer = None
        self._returned = []
        # one channel, shared by greenthreads: frames of two publishes must not interleave
        self._lock = Semaphore()

    def _ensure(self):
        if self._producer is None:
            self._connection = Connection(
                self.uri, transport_options={"confirm_publish": True},
                connect_timeout=5,
            )
            self._connection.ensure_connection(max_retries=1)
            channel = self._connection.channel()
            channel.events["basic_return"].add(self._on_return)
            self._producer = self._connection.Producer(channel=channel)
        return self._producer

    def _on_return(self, exc, exchange, routing_key, message):
        self._returned.append(routing_key)

    def publish(self, body, exchange, routing_key, headers=None, message_id=None,
                expiration=None, declare=()):
        with self._lock:
            self._publish(body, exchange, routing_key, headers, message_id, expiration, declare)

    def _publish(self, body, exchange, routing_key, headers, message_id, expiration, declare):
        producer = self._ensure()
        self._returned.clear()
        try:
            producer.publish(
                body if isinstance(body, (str, bytes)) else json.dumps(body, ensure_ascii=False),
                exchange=exchange, routing_key=routing_key, mandatory=True,
                delivery_mode=2, content_type="application/json",
                content_encoding="utf-8", headers=headers or {},
                message_id=message_id, expiration=expiration, declare=list(declare),
                retry=False, timeout=PUBLISH_TIMEOUT, confirm_timeout=PUBLISH_TIMEOUT,
            )
        except Exception:
            self.close()
            raise
        if self._returned:
            raise Unroutable(f"no queue for {exchange!r} / {routing_key!r}")

    def close(self):
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # closing a broken connection may fail again
                log.debug("error closing publisher connection", exc_info=True)
        self._connection = self._producer = None

"""Operator tools for dead-lettered events: look at them, and replay them onto
their subscription's queue (with the attempt count reset)."""
import json

from kombu import Connection

from .config import amqp_uri
from .publisher import ConfirmingPublisher
from .topology import ATTEMPT_HEADER, ERROR_HEADER, SUBSCRIPTIONS, dead_letter_queue


def _subscription(queue_name):
    name = queue_name.removesuffix(".dlq")
    for sub in SUBSCRIPTIONS.values():
        if name in (sub.queue_name, sub.key):
            return sub
    known = sorted(s.queue_name for s in SUBSCRIPTIONS.values())
    raise KeyError(f"unknown subscription queue {queue_name!r}; known: {known}")


def list_dead_letters(queue_name, limit=100, uri=None):
    """Peek: messages are read and put back (nothing is consumed)."""
    sub = _subscription(queue_name)
    found = []
    with Connection(uri or amqp_uri()) as conn:
        queue = dead_letter_queue(sub)(conn.channel())
        queue.declare()
        held = []
        for _ in range(limit):
            message = queue.get(no_ack=False, accept=["json"])
            if message is None:
                break
            held.append(message)
            headers = message.headers or {}
            found.append({
                "event": json.loads(message.body),
                "attempts": headers.get(ATTEMPT_HEADER),
                "error": headers.get(ERROR_HEADER),
            })
        for message in held:
            message.requeue()
    return found


def replay_dead_letters(queue_name, limit=None, uri=None):
    """Move dead letters back onto the subscription's main queue; returns how
    many moved. Each is acked off the DLQ only after the broker confirmed its
    copy, so a crash mid-way duplicates (the inbox absorbs it) but never loses."""
    sub = _subscription(queue_name)
    moved = 0
    publisher = ConfirmingPublisher(uri)
    try:
        with Connection(uri or amqp_uri()) as conn:
            queue = dead_letter_queue(sub)(conn.channel())
            queue.declare()
            while limit is None or moved < limit:
                message = queue.get(no_ack=False, accept=["json"])
                if message is None:
                    break
                headers = {k: v for k, v in (message.headers or {}).items()
                           if k not in (ATTEMPT_HEADER, ERROR_HEADER)}
                publisher.publish(message.body, exchange="", routing_key=sub.queue_name,
                                  headers=headers,
                                  message_id=message.properties.get("message_id"))
                message.ack()
                moved += 1
    finally:
        publisher.close()
    return moved

"""Idempotent, retrying event consumption against real RabbitMQ, on
PostgreSQL (concurrent duplicates on SQLite too, whose locking differs):
duplicates have one effect, failures retry then dead-letter, dead letters
replay, and early events wait for their consumer."""

import eventlet
import pytest
from kombu import Connection
from nameko.testing.services import entrypoint_waiter

from jastar_common.dead_letters import list_dead_letters, replay_dead_letters
from jastar_common.envelope import Envelope
from jastar_common.topology import declare_topology, subscription
from jastar_devkit.helpers import wait_until

from .support import FlakyHandlerService, create_schema, effect_times, publish_event, set_failing

QUEUE = subscription("notifications", "booking_changes").queue_name


def start_flaky(container_factory, url, **settings):
    create_schema(url)
    config = {"NOTIFICATIONS_DATABASE_URL": url, "EVENT_MAX_ATTEMPTS": 3,
              "EVENT_RETRY_BASE_SECONDS": 0.05, **settings}
    container = container_factory(FlakyHandlerService, config)
    container.start()
    return container


def test_the_same_event_delivered_twice_has_one_effect(
        rabbit_config, amqp_uri, container_factory, database_url):
    container = start_flaky(container_factory, database_url)
    event = Envelope(type="booking.confirmed", source="booking", data={"booking_id": "b-1"})
    other = Envelope(type="booking.confirmed", source="booking", data={"booking_id": "b-2"})

    for envelope in (event, event, other, event):
        with entrypoint_waiter(container, "on_booking_change"):
            publish_event(amqp_uri, envelope)

    assert effect_times(database_url) == {event.id: 1, other.id: 1}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_duplicates_have_one_effect(
        rabbit_config, amqp_uri, container_factory, database_url):
    container = start_flaky(container_factory, database_url)
    event = Envelope(type="booking.confirmed", source="booking", data={"booking_id": "b-1"})
    with entrypoint_waiter(container, "on_booking_change", timeout=60,
                           callback=_count_calls(10)):
        for _ in range(10):
            publish_event(amqp_uri, event)
    assert effect_times(database_url) == {event.id: 1}


def _count_calls(n):
    seen = []

    def callback(worker_ctx, result, exc_info):
        seen.append(1)
        return len(seen) >= n
    return callback


def test_a_failing_handler_is_retried_then_dead_lettered_then_replayed(
        rabbit_config, amqp_uri, container_factory, database_url):
    container = start_flaky(container_factory, database_url)
    set_failing(database_url, True)
    event = Envelope(type="booking.cancelled", source="booking", data={"booking_id": "b-9"})

    calls = []
    with entrypoint_waiter(container, "on_booking_change", timeout=60,
                           callback=lambda ctx, res, exc: calls.append(exc) or len(calls) == 3):
        publish_event(amqp_uri, event)
    assert all(exc is not None for exc in calls)  # three tries, all failed

    assert wait_until(lambda: len(list_dead_letters(QUEUE + ".dlq", uri=amqp_uri)) == 1)
    dead = list_dead_letters(QUEUE + ".dlq", uri=amqp_uri)
    assert dead[0]["event"]["id"] == event.id
    assert dead[0]["attempts"] == 3
    assert "handler told to fail" in dead[0]["error"]
    eventlet.sleep(0.5)
    assert len(calls) == 3 and effect_times(database_url) == {}  # parked, not retried forever

    set_failing(database_url, False)
    with entrypoint_waiter(container, "on_booking_change"):
        assert replay_dead_letters(QUEUE + ".dlq", uri=amqp_uri) == 1
    assert effect_times(database_url) == {event.id: 1}
    assert list_dead_letters(QUEUE + ".dlq", uri=amqp_uri) == []


def test_a_malformed_event_goes_straight_to_dead_letters(
        rabbit_config, amqp_uri, container_factory, database_url):
    start_flaky(container_factory, database_url)
    with Connection(amqp_uri) as conn:
        conn.Producer().publish({"type": "booking.confirmed"}, exchange="jastar.events",
                                routing_key="booking.confirmed", serializer="json")
    assert wait_until(lambda: len(list_dead_letters(QUEUE + ".dlq", uri=amqp_uri)) == 1)
    assert "invalid envelope" in list_dead_letters(QUEUE + ".dlq", uri=amqp_uri)[0]["error"]


def test_an_event_published_before_its_consumer_first_starts_is_kept(
        rabbit_config, amqp_uri, container_factory, database_url):
    # what any service start or `jastar-topology declare` at deploy does
    with Connection(amqp_uri) as conn:
        declare_topology(conn)
    early = Envelope(type="booking.confirmed", source="booking", data={"booking_id": "b-0"})
    publish_event(amqp_uri, early)

    create_schema(database_url)
    container = container_factory(FlakyHandlerService, {"NOTIFICATIONS_DATABASE_URL": database_url})
    with entrypoint_waiter(container, "on_booking_change"):
        container.start()
    assert effect_times(database_url) == {early.id: 1}

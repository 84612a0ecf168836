"""The gateway's cache invalidation on real RabbitMQ: every process has its own
exclusive, auto-delete queue on jastar.events, hears every event that changes
availability, and leaves no queue behind when it stops."""
from collections import defaultdict

import pytest
import requests
from amqp.exceptions import NotFound, ResourceLocked
from kombu import Connection

from jastar_common.envelope import Envelope
from jastar_gateway.cache import AVAILABILITY, CATALOGUE
from jastar_gateway.invalidation import QUEUE_PREFIX, ROUTING_KEYS, CacheEvents, invalidate_caches

from ..waiting import wait_until
from .support import publish_event

MANAGEMENT = "http://127.0.0.1:15672/api"
HEARD = defaultdict(list)


class GatewayOne(CacheEvents):
    name = "gateway_one"

    @invalidate_caches
    def heard(self, event_type):
        HEARD[self.name].append(event_type)


class GatewayTwo(GatewayOne):
    name = "gateway_two"


def api(path, method="GET"):
    response = requests.request(method, f"{MANAGEMENT}/{path}", auth=("guest", "guest"), timeout=10)
    response.raise_for_status()
    return response.json() if response.content else None


def cache_queues(container):
    return {ext.queue_name for ext in container.entrypoints if hasattr(ext, "queue_name")}


def exists(amqp_uri, queue_name):
    with Connection(amqp_uri) as conn:
        try:
            conn.default_channel.queue_declare(queue_name, passive=True)
            return True
        except ResourceLocked:  # there, and exclusive to its own connection
            return True
        except NotFound:
            return False


def event(event_type):
    return Envelope(type=event_type, source="test", data={"id": "x"})


@pytest.fixture
def cached():
    """Something in both caches; dropped again afterwards."""
    HEARD.clear()
    AVAILABILITY.invalidate_all()
    CATALOGUE.invalidate_all()
    AVAILABILITY.get_or_call("slots", 60, lambda: "free at ten")
    CATALOGUE.get_or_call("centres", 60, lambda: "karasai")
    yield
    AVAILABILITY.invalidate_all()
    CATALOGUE.invalidate_all()


def test_every_process_hears_every_event_on_its_own_queue(rabbit_config, amqp_uri, container_factory,
                                                          cached):
    vhost = amqp_uri.rsplit("/", 1)[1]
    one, two = container_factory(GatewayOne), container_factory(GatewayTwo)
    one.start()
    two.start()
    names = cache_queues(one) | cache_queues(two)
    assert len(names) == 4 and all(n.startswith(QUEUE_PREFIX) for n in names)  # two entrypoints each
    for name in names:
        queue = api(f"queues/{vhost}/{name}")
        assert (queue["exclusive"], queue["auto_delete"], queue["durable"]) == (True, True, False)
        bound = {b["routing_key"] for b in api(f"queues/{vhost}/{name}/bindings")
                 if b["source"] == "jastar.events"}
        assert bound == set(ROUTING_KEYS)

    publish_event(amqp_uri, event("booking.confirmed"))
    wait_until(lambda: "booking.confirmed" in HEARD["gateway_one"] and
               "booking.confirmed" in HEARD["gateway_two"])
    wait_until(lambda: AVAILABILITY.items == {})
    assert CATALOGUE.items  # a booking changes no catalogue answer

    publish_event(amqp_uri, event("specialist.updated"))
    wait_until(lambda: "specialist.updated" in HEARD["gateway_one"] and
               "specialist.updated" in HEARD["gateway_two"])
    wait_until(lambda: CATALOGUE.items == {})


def test_the_queue_goes_when_the_process_stops(rabbit_config, amqp_uri, container_factory, cached):
    container = container_factory(GatewayOne)
    container.start()
    names = cache_queues(container)
    assert names and all(exists(amqp_uri, n) for n in names)
    container.stop()
    assert not any(exists(amqp_uri, n) for n in names)


def test_a_lost_connection_gets_a_new_queue_and_drops_the_caches(rabbit_config, amqp_uri,
                                                                 container_factory, cached):
    vhost = amqp_uri.rsplit("/", 1)[1]
    container = container_factory(GatewayOne)
    container.start()
    before = cache_queues(container)
    connections = wait_until(lambda: api(f"vhosts/{vhost}/connections"))
    for conn in connections:  # as if the network dropped them: events meanwhile are lost
        requests.delete(f"{MANAGEMENT}/connections/{conn['name']}", auth=("guest", "guest"), timeout=10)
    wait_until(lambda: cache_queues(container).isdisjoint(before) and
               all(exists(amqp_uri, n) for n in cache_queues(container)))
    wait_until(lambda: AVAILABILITY.items == {} and CATALOGUE.items == {})
    assert not any(exists(amqp_uri, n) for n in before)

    publish_event(amqp_uri, event("waitlist.offered"))
    wait_until(lambda: "waitlist.offered" in HEARD["gateway_one"])

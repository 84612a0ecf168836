"""RPC requests carry their caller's deadline: one that arrives after the
caller gave up is dropped unrun (and counted); one in time runs. A reply that
cannot be sent does not kill the service."""
import time

import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcClient
from prometheus_client import REGISTRY

from jastar_common.rpc import DEADLINE_KEY, rpc

RUNS = []


class DeadlineService:
    name = "deadline_probe"

    @rpc
    def record(self, label):
        RUNS.append(label)
        return label


def expired_count():
    return REGISTRY.get_sample_value(
        "jastar_rpc_expired_total", {"service": "deadline_probe", "method": "record"}) or 0


@pytest.fixture
def probe(rabbit_config, container_factory):
    RUNS.clear()
    container = container_factory(DeadlineService)
    container.start()
    return container


def client(amqp_uri, deadline):
    return ClusterRpcClient(uri=amqp_uri, timeout=2, context_data={DEADLINE_KEY: f"{deadline:.3f}"})


def test_a_request_whose_deadline_has_passed_is_not_run(probe, amqp_uri):
    before = expired_count()
    with client(amqp_uri, time.time() - 1) as cluster:
        with pytest.raises(Exception):  # no reply ever comes: the client times out
            cluster.deadline_probe.record("late")
    assert RUNS == []
    assert expired_count() == before + 1


def test_a_request_within_its_deadline_runs(probe, amqp_uri):
    with client(amqp_uri, time.time() + 30) as cluster:
        assert cluster.deadline_probe.record("in time") == "in time"
    assert RUNS == ["in time"]


@pytest.mark.slow  # a service away past a deadline
def test_a_request_queued_while_the_service_was_away_is_dropped_after_its_deadline(
        rabbit_config, container_factory, amqp_uri):
    """The caller asks while the service is stopped (its queue keeps the
    request), gives up; the service comes back and does not run it."""
    RUNS.clear()
    container = container_factory(DeadlineService)
    container.start()
    container.stop()  # the durable queue stays
    before = expired_count()
    with client(amqp_uri, time.time() + 0.5) as cluster:
        reply = cluster.deadline_probe.record.call_async("queued")
        eventlet.sleep(1)
        container = container_factory(DeadlineService)
        container.start()
        with pytest.raises(Exception):
            with eventlet.Timeout(3):
                reply.result()
    assert RUNS == []
    assert expired_count() == before + 1

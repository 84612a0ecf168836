"""Event queues as ops run them: quorum queues in a cluster, and a suffix that
moves a running system onto new queues (a queue's type cannot change in place)."""
import requests
from kombu import Connection
from nameko import config

from jastar_common.topology import SUBSCRIPTIONS, declare_topology


def queues(rabbit_manager_url, vhost):
    response = requests.get(f"{rabbit_manager_url}/api/queues/{vhost}", auth=("guest", "guest"), timeout=10)
    return {q["name"]: q for q in response.json()}


def test_quorum_queues_under_new_names(rabbit_config, amqp_uri):
    vhost = amqp_uri.rsplit("/", 1)[1]
    with config.patch({"EVENT_QUEUE_TYPE": "quorum", "EVENT_QUEUE_SUFFIX": ".q"}):
        with Connection(amqp_uri) as conn:
            declare_topology(conn)
        names = {sub.queue_name for sub in SUBSCRIPTIONS.values()}
    found = queues("http://127.0.0.1:15672", vhost)
    assert names and all(name.endswith(".q") for name in names)
    for name in names:
        assert found[name]["type"] == "quorum", name
        assert found[name + ".dlq"]["type"] == "quorum"

"""Database calls must not block the eventlet hub: two slow PostgreSQL queries
in two workers of one service run at the same time."""
import time

import eventlet
from nameko.testing.services import entrypoint_hook

from .support import FlakyHandlerService, create_schema


def test_two_slow_queries_in_two_workers_overlap(rabbit_config, container_factory, new_pg_database):
    url = new_pg_database("hub")
    create_schema(url)
    container = container_factory(FlakyHandlerService, {"NOTIFICATIONS_DATABASE_URL": url})
    container.start()

    def slow():
        with entrypoint_hook(container, "slow_query") as hook:
            return hook(1.0)

    began = time.monotonic()
    first, second = eventlet.spawn(slow), eventlet.spawn(slow)
    (start_a, end_a), (start_b, end_b) = first.wait(), second.wait()
    elapsed = time.monotonic() - began

    assert max(start_a, start_b) < min(end_a, end_b), "the queries ran one after the other"
    assert elapsed < 1.8, f"two 1 s queries took {elapsed:.2f}s: the hub was blocked"

"""Every service's `ping` asks its database through `DatabasePing`, since a
worker's `db` offers only units of work, not the engine."""
from nameko.testing.services import entrypoint_hook

from jastar_common.dependencies import Database
from jastar_common.service_base import JastarService


class PingedService(JastarService):
    name = "notifications"
    db = Database("notifications")


def test_ping_answers_with_the_database_reached(rabbit_config, container_factory, new_pg_database):
    container = container_factory(PingedService,
                                  {"NOTIFICATIONS_DATABASE_URL": new_pg_database("pinged")})
    container.start()
    with entrypoint_hook(container, "ping") as ping:
        answer = ping()
    assert answer["service"] == "notifications" and answer["status"] == "ok"
    assert answer["database_ms"] >= 0

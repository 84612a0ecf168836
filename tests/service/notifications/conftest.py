"""A notifications container on real RabbitMQ, with a fake registry beside it
and real local SMTP and HTTP servers as its providers."""
import pytest
from nameko.testing.services import entrypoint_hook

from jastar_notifications.service import NotificationsService

from ..support import publish_event
from .support import (
    REGISTRY_BROKEN, REGISTRY_CALLS, FakeRegistry, Providers, SmtpServer, query, wait_for,
)


@pytest.fixture
def providers():
    servers = Providers()
    yield servers
    servers.stop()


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path / "mail")
    yield server
    server.stop()


class World:
    def __init__(self, container, url, amqp_uri, providers, smtp, registry, start_registry):
        self.container, self.url, self.amqp_uri = container, url, amqp_uri
        self.providers, self.smtp = providers, smtp
        self.registry, self.start_registry = registry, start_registry  # the fake registry

    def call(self, method, *args, caller=None):
        context = {"caller": caller.to_context()} if caller else None
        with entrypoint_hook(self.container, method, context_data=context) as hook:
            return hook(*args)

    def publish(self, envelope):
        publish_event(self.amqp_uri, envelope)
        return envelope

    def messages(self, where="1=1", **params):
        return query(self.url, f"SELECT * FROM messages WHERE {where} ORDER BY created_at, channel", **params)

    def wait_messages(self, where, count, seconds=60, **params):
        assert wait_for(lambda: len(self.messages(where, **params)) == count, seconds), [
            (m["member_id"], m["message_type"], m["channel"], m["status"], m["attempts"], m["last_error"])
            for m in self.messages()]
        return self.messages(where, **params)


def config_for(url, providers, smtp, **more):
    return {"NOTIFICATIONS_DATABASE_URL": url,
            "SMS_PROVIDER_URL": providers.url + "/sms", "SMS_PROVIDER_KEY": "sms-key",
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_FROM": "noreply@jastar.kz",
            "TELEGRAM_API_BASE": providers.url, "TELEGRAM_BOT_TOKEN": "123:TEST",
            "NOTIFY_DEFAULT_CHANNELS": "sms,email", "SMS_QUIET_HOURS": "off",
            "SEND_INTERVAL_SECONDS": 0.1, "SEND_RETRY_BASE_SECONDS": 0.2,
            "SEND_RETRY_MAX_SECONDS": 1, "SEND_MAX_ATTEMPTS": 4, "SEND_LEASE_SECONDS": 30,
            "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1,localhost", "WEBHOOKS_SECRET_KEY": "test-secret-key",
            "EVENT_RETRY_BASE_SECONDS": 0.05, "PROVIDER_TIMEOUT_SECONDS": 5, **more}


@pytest.fixture
def start_world(service_database, rabbit_config, amqp_uri, container_factory, providers, smtp):
    url = service_database("notifications")

    def start(**more):
        config = config_for(url, providers, smtp, **more)

        def start_registry():
            registry = container_factory(FakeRegistry, config)
            registry.start()
            return registry

        registry = start_registry()
        container = container_factory(NotificationsService, config)
        container.start()
        return World(container, url, amqp_uri, providers, smtp, registry, start_registry)

    REGISTRY_CALLS.clear()
    REGISTRY_BROKEN.clear()

    return start


@pytest.fixture
def world(start_world):
    return start_world()

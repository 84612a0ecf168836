"""nameko dependencies of the notifications service: the sending machinery
(settings, channels, webhook secret box) built once per container from config,
the registry as a directory of contacts and names, and a configurable timer."""
import logging
from datetime import datetime, timezone

import eventlet
import requests
from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from jastar_common.config import setting
from jastar_common.errors import NotFound

from .channels import RetryableError, build_channels
from .crypto import SecretBox
from .domain.localtime import parse_quiet_hours
from .domain.planning import parse_offsets
from .domain.services import Settings
from .sender import SendSettings

log = logging.getLogger(__name__)


def utcnow():
    return datetime.now(timezone.utc)


def _bool(value):
    return str(value).lower() in ("1", "true", "yes", "on")


def _channel_list(text):
    return tuple(c.strip() for c in text.split(",") if c.strip())


def read_settings():
    return Settings(
        default_channels=_channel_list(setting("NOTIFY_DEFAULT_CHANNELS", "log")),
        reminder_offsets=tuple(parse_offsets(setting("REMINDER_OFFSETS", "24h,2h"))),
        quiet_hours=parse_quiet_hours(setting("SMS_QUIET_HOURS", "22:00-08:00")),
        login_code_channel=setting("LOGIN_CODE_CHANNEL") or ("sms" if setting("SMS_PROVIDER_URL") else "log"),
    )


def read_send_settings():
    timeout = setting("PROVIDER_TIMEOUT_SECONDS", 10.0, float)
    return SendSettings(
        batch_size=setting("SEND_BATCH_SIZE", 50, int),
        concurrency=setting("SEND_CONCURRENCY", 10, int),
        # longer than one send can take, so a live process keeps its rows
        lease_seconds=setting("SEND_LEASE_SECONDS", max(60.0, 3 * timeout), float),
        max_attempts=setting("SEND_MAX_ATTEMPTS", 8, int),
        retry_base_seconds=setting("SEND_RETRY_BASE_SECONDS", 30.0, float),
        retry_max_seconds=setting("SEND_RETRY_MAX_SECONDS", 3600.0, float),
        login_code_ttl_seconds=setting("LOGIN_CODE_TTL_SECONDS", 300.0, float),
        webhook_max_attempts=setting("WEBHOOK_MAX_ATTEMPTS", 10, int),
        webhook_timeout_seconds=setting("WEBHOOK_TIMEOUT_SECONDS", timeout, float),
        webhook_allow_private=_bool(setting("WEBHOOKS_ALLOW_PRIVATE", "false")),
        retry_after_max_seconds=setting("WEBHOOK_RETRY_AFTER_MAX_SECONDS", 3600.0, float),
    )


class Outbound(DependencyProvider):
    """Settings, channels and the secret box, read from config at setup."""

    def setup(self):
        self.settings = read_settings()
        self.send_settings = read_send_settings()
        self.channels = build_channels(setting)
        self.box = SecretBox(setting("WEBHOOKS_SECRET_KEY"))
        self.http = requests.Session()
        self.registry_timeout = setting("REGISTRY_TIMEOUT_SECONDS", 5.0, float)

    def get_dependency(self, worker_ctx):
        return self


class RegistryDirectory:
    """Contacts and names from the registry, fetched at send time and kept for
    one sending pass only. Unreachable registry: the message is retried."""

    def __init__(self, registry, timeout):
        self.registry = registry
        self.timeout = timeout
        self.cache = {}

    def member(self, member_id):
        return self._lookup(("member", member_id), lambda: self.registry.get_member(member_id))

    def entity(self, kind, obj_id):
        return self._lookup((kind, obj_id), lambda: self.registry.get(kind, obj_id))

    def _lookup(self, key, call):
        if key not in self.cache:
            try:
                with eventlet.Timeout(self.timeout):
                    self.cache[key] = call()
            except NotFound:
                self.cache[key] = None
            except eventlet.Timeout:
                raise RetryableError("the registry did not answer in time") from None
            except Exception as exc:
                raise RetryableError(f"registry lookup failed: {exc.__class__.__name__}") from None
        return self.cache[key]


class ConfiguredTimer(Timer):
    """A timer whose interval comes from config when the container starts
    (the decorator runs at import, before config is known)."""

    def __init__(self, key, default, **kwargs):
        self.key, self.default = key, default
        super().__init__(interval=default, **kwargs)

    def setup(self):
        self.interval = setting(self.key, self.default, float)
        super().setup()


configured_timer = ConfiguredTimer.decorator

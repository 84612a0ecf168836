"""Notifications' settings: one frozen object, built when the service starts
(jastar_common.settings.Settings(read_settings)), never at import. The
sender timer's interval is read by the timer itself (configured_timer)."""
import logging
from dataclasses import dataclass

from jastar_common.config import setting

from .domain import webhooks
from .domain.localtime import parse_quiet_hours
from .domain.planning import parse_offsets
from .domain.services import Settings
from .sending import SendSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotificationsSettings:
    intake: Settings  # what events become: channels, reminders, quiet hours
    sending: SendSettings
    registry_timeout: float = 5.0  # a contact or name look-up at send time
    resolve_seconds: float = 3.0  # a webhook host's DNS answer


def _channel_list(text):
    return tuple(c.strip() for c in text.split(",") if c.strip())


def read_settings():
    if setting("WEBHOOKS_ALLOW_PRIVATE"):
        # the old all-or-nothing switch: its private targets now fail unless listed
        log.warning("WEBHOOKS_ALLOW_PRIVATE is no longer read: list the hosts that may be "
                    "loopback or private in WEBHOOK_ALLOWED_HOSTS")
    return NotificationsSettings(
        intake=read_intake_settings(), sending=read_send_settings(),
        registry_timeout=setting("REGISTRY_TIMEOUT_SECONDS", 5.0, float),
        resolve_seconds=setting("WEBHOOK_RESOLVE_SECONDS", 3.0, float))


def read_intake_settings():
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
        webhook_allowed_hosts=webhooks.allowed_hosts(setting("WEBHOOK_ALLOWED_HOSTS", "")),
        retry_after_max_seconds=setting("WEBHOOK_RETRY_AFTER_MAX_SECONDS", 3600.0, float),
    )

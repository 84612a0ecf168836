"""What the message and webhook senders share: their settings and backoff."""
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class SendSettings:
    batch_size: int = 50
    concurrency: int = 10
    lease_seconds: float = 60.0
    max_attempts: int = 8
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    login_code_ttl_seconds: float = 300.0
    webhook_max_attempts: int = 10
    webhook_timeout_seconds: float = 10.0
    webhook_allowed_hosts: frozenset = frozenset()  # may be loopback or private
    retry_after_max_seconds: float = 3600.0


def backoff(settings, attempts):
    """Exponential with jitter, so failures together do not retry together."""
    delay = min(settings.retry_max_seconds, settings.retry_base_seconds * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.5, 1.0)

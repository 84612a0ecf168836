"""The gateway's entities: the ways in it keeps. Secrets are stored only as
keyed hashes (`digest`); the member's profile stays in the registry."""
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

STAFF_ROLES = ("staff", "admin")
MAX_CODE_ATTEMPTS = 5


def digest(pepper, value):
    """A keyed hash of a secret: what is stored instead of it."""
    return hmac.new(pepper.encode(), value.encode(), hashlib.sha256).hexdigest()


def same(stored_hash, pepper, value):
    return hmac.compare_digest(stored_hash, digest(pepper, value))


@dataclass(eq=False)
class StaffAccount:
    """Centre staff or an admin, signing in by phone."""
    id: str
    phone: str
    full_name: str
    role: str  # staff | admin
    centre_ids: list
    created_at: datetime
    active: bool = True

    def deactivate(self):
        self.active = False


@dataclass(eq=False)
class ApiKey:
    """An integrator's key, "jh_<id>.<secret>": shown once, kept as a hash."""
    id: str
    name: str
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def revoked(self):
        return self.revoked_at is not None

    def opens_with(self, secret, pepper):
        return not self.revoked and same(self.key_hash, pepper, secret)

    def revoke(self, now):
        self.revoked_at = now


@dataclass(eq=False)
class LoginCode:
    """A one-time sign-in code for a phone: every try counts, one success uses it."""
    id: str
    phone: str
    code_hash: str
    expires_at: datetime
    created_at: datetime
    attempts: int = 0
    used_at: datetime | None = None

    def try_code(self, code, pepper, now, max_attempts=MAX_CODE_ATTEMPTS):
        """True once for the right code; a wrong one, or one too many, is False."""
        if self.attempts >= max_attempts:
            return False
        self.attempts += 1
        good = same(self.code_hash, pepper, f"{self.phone}:{code}")
        if good:
            self.used_at = now
        return good


@dataclass(eq=False)
class CalendarFeed:
    """A member's private feed: the token in its URL is the only key to it."""
    member_id: str  # one feed per member
    token_hash: str
    created_at: datetime

    def replace(self, token_hash, now):
        """A new token: the URL with the old one stops working."""
        self.token_hash, self.created_at = token_hash, now

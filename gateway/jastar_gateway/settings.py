"""The gateway's settings: one frozen object, built when the container sets up
(jastar_common.settings), handed to workers as `self.settings` and to the
HTTP layer through the same provider (settings_of)."""
from dataclasses import dataclass
from pathlib import Path

from jastar_common.settings import Settings, from_setting

DEV_SECRET = "dev-only-jwt-secret-never-use-in-production"
WEB_DEFAULT = str(Path(__file__).resolve().parents[2] / "web")


@dataclass(frozen=True)
class GatewaySettings:
    environment: str = from_setting("JASTAR_ENV", "development")
    jwt_secret_given: str = from_setting("JWT_SECRET", None)
    jwt_ttl_seconds: int = from_setting("JWT_TTL_SECONDS", 3600, int)
    admin_api_key: str = from_setting("ADMIN_API_KEY", None)  # the bootstrap admin's key, if any
    rpc_timeout_seconds: float = from_setting("RPC_TIMEOUT_SECONDS", 10.0, float)
    # a report over a year of a large network reads many facts (bench/README.md)
    report_timeout_seconds: float = from_setting("REPORT_TIMEOUT_SECONDS", 30.0, float)
    ready_timeout_seconds: float = from_setting("READY_TIMEOUT_SECONDS", 2.0, float)
    cors_origins: str = from_setting("CORS_ORIGINS", "")  # comma-separated, or *
    max_body_bytes: int = from_setting("MAX_BODY_BYTES", 64 * 1024, int)
    drain_body_bytes: int = from_setting("DRAIN_BODY_BYTES", 16 * 1024 * 1024, int)
    rate_limit_per_second: float = from_setting("RATE_LIMIT_PER_SECOND", 20.0, float)
    rate_limit_burst: int = from_setting("RATE_LIMIT_BURST", 40, int)
    login_code_ttl_seconds: int = from_setting("LOGIN_CODE_TTL_SECONDS", 300, int)
    login_codes_per_hour: int = from_setting("LOGIN_CODES_PER_HOUR", 5, int)
    login_code_echo: str = from_setting("LOGIN_CODE_ECHO", "false")
    calendar_feed_cache_seconds: int = from_setting("CALENDAR_FEED_CACHE_SECONDS", 300, int)
    catalogue_cache_seconds: float = from_setting("CATALOGUE_CACHE_SECONDS", 5.0, float)
    availability_cache_seconds: float = from_setting("AVAILABILITY_CACHE_SECONDS", 5.0, float)
    web_root: str = from_setting("WEB_ROOT", WEB_DEFAULT)

    @property
    def production(self):
        return self.environment == "production"

    @property
    def jwt_secret(self):
        """The key of the JWTs (and the pepper of stored hashes); a fixed one only outside production."""
        if self.jwt_secret_given:
            return self.jwt_secret_given
        if self.production:
            raise RuntimeError("JWT_SECRET is not set")
        return DEV_SECRET

    @property
    def echo_login_codes(self):
        """Development and tests only: there is no SMS provider, the answer carries the code."""
        return self.login_code_echo == "true" and not self.production

    @property
    def allowed_origins(self):
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]


def settings_of(container):
    """The container's settings object (for the HTTP layer, which is no worker)."""
    return next(d for d in container.dependencies if isinstance(d, Settings)).settings

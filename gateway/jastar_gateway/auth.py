"""Who is calling the gateway: a member or staff JWT (Authorization: Bearer),
an integrator's API key or the bootstrap admin key (X-Api-Key), or nobody.

JWTs: HS256 only (fixed here, never taken from the token), and exp, iat, sub
and aud are required. Anything presented that does not verify is a 401:
a broken credential is never treated as no credential."""
import hmac
from datetime import timedelta

import jwt

from jastar_common.caller import Caller

from .domain.access import ANONYMOUS as NOBODY, BOOTSTRAP_ADMIN, TOKEN_ROLES, Unauthenticated
from .settings import DEV_SECRET  # noqa: F401  (tests sign tokens as a development gateway would)

ALGORITHM = "HS256"
AUDIENCE = "jastar-hub"
ISSUER = "jastar-gateway"
ANONYMOUS = Caller(NOBODY)
TIMES = ("verify_exp", "verify_iat", "verify_nbf")  # checked at the service's clock instead


def issue_token(settings, subject, role, now, centre_ids=(), ttl=None):
    """A signed JWT issued at `now` (the worker's clock), and its lifetime in seconds."""
    ttl = ttl or timedelta(seconds=settings.jwt_ttl_seconds)
    claims = {"sub": subject, "role": role, "aud": AUDIENCE, "iss": ISSUER, "iat": now, "exp": now + ttl}
    if centre_ids:
        claims["centre_ids"] = list(centre_ids)
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM), int(ttl.total_seconds())


def caller_from_token(settings, token, now):
    """The token's caller, if it verifies and is valid at `now`: its times
    (iat, exp, and nbf if any) are judged by the service's clock, not the
    JWT library's wall clock."""
    try:
        claims = jwt.decode(token, settings.jwt_secret, algorithms=[ALGORITHM], audience=AUDIENCE,
                            issuer=ISSUER, options={"require": ["exp", "iat", "sub", "aud"],
                                                    **dict.fromkeys(TIMES, False)})
    except jwt.PyJWTError as exc:
        raise Unauthenticated(f"invalid token: {exc.__class__.__name__}") from None
    _check_times(claims, now.timestamp())
    role = claims.get("role")
    if role not in TOKEN_ROLES:
        raise Unauthenticated("invalid token: unknown role")
    return Caller(role, claims["sub"], tuple(claims.get("centre_ids") or ()))


def _check_times(claims, now):
    times = {name: claims.get(name) for name in ("iat", "nbf", "exp")}
    if any(type(value) not in (int, float) for value in times.values() if value is not None):
        raise Unauthenticated("invalid token: DecodeError")
    if times["iat"] > now or (times["nbf"] is not None and times["nbf"] > now):
        raise Unauthenticated("invalid token: ImmatureSignatureError")
    if times["exp"] <= now:
        raise Unauthenticated("invalid token: ExpiredSignatureError")


def caller_from_api_key(settings, key, check_integrator_key):
    admin_key = settings.admin_api_key
    if admin_key and hmac.compare_digest(key.encode(), admin_key.encode()):
        return Caller("admin", BOOTSTRAP_ADMIN)
    key_id = check_integrator_key(key)
    if key_id is None:
        raise Unauthenticated("invalid API key")
    return Caller("integrator", key_id)


def identify(settings, headers, check_integrator_key, now):
    """The Caller for a request's headers (ANONYMOUS when it presents nothing)."""
    authorization = headers.get("Authorization", "")
    api_key = headers.get("X-Api-Key", "")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("use Authorization: Bearer <token>")
        return caller_from_token(settings, token.strip(), now)
    if api_key:
        return caller_from_api_key(settings, api_key, check_integrator_key)
    return ANONYMOUS


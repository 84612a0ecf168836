"""The gateway's credentials, without services: JWTs it issues verify and
round-trip; every way of tampering with one is a 401 (Unauthenticated),
never a silent anonymous (route roles: test_access.py)."""
import base64
import json
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from jastar_common.caller import Caller
from jastar_common.clock import utcnow
from jastar_common.settings import read
from jastar_gateway import auth
from jastar_gateway.settings import GatewaySettings

SECRET = "unit-test-secret-" + "0123456789abcdef" * 4


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", SECRET)
    monkeypatch.delenv("JASTAR_ENV", raising=False)


def settings():
    """The gateway's settings as its setup would build them from this environment."""
    return read(GatewaySettings)


def claims(**changes):
    now = datetime.now(timezone.utc)
    base = {"sub": "member-1", "role": "member", "aud": auth.AUDIENCE, "iss": auth.ISSUER,
            "iat": now, "exp": now + timedelta(minutes=5)}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def signed(payload, key=SECRET, algorithm="HS256"):
    return jwt.encode(payload, key, algorithm=algorithm)


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data, default=int).encode()).rstrip(b"=").decode()


def unsigned(payload):
    """alg "none": a header and payload, no signature."""
    payload = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in payload.items()}
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}."


# --- round trips --------------------------------------------------------------

def test_a_member_token_round_trips():
    token, ttl = auth.issue_token(settings(), "member-1", "member", utcnow())
    assert ttl == 3600
    assert auth.caller_from_token(settings(), token, utcnow()) == Caller("member", "member-1", ())


def test_a_staff_token_carries_its_centres():
    token, _ = auth.issue_token(settings(), "staff-1", "staff", utcnow(), ["karasai-yrc"],
                                ttl=timedelta(minutes=2))
    assert auth.caller_from_token(settings(), token, utcnow()) == Caller("staff", "staff-1", ("karasai-yrc",))
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256"
    body = jwt.decode(token, options={"verify_signature": False})
    assert body["aud"] == "jastar-hub" and body["iss"] == "jastar-gateway"
    assert body["exp"] - body["iat"] == 120


def test_an_admin_token_round_trips():
    token, _ = auth.issue_token(settings(), "admin-1", "admin", utcnow())
    assert auth.caller_from_token(settings(), token, utcnow()) == Caller("admin", "admin-1", ())


def test_a_token_is_issued_at_the_time_it_is_given():
    issued = (utcnow() - timedelta(minutes=10)).replace(microsecond=0)  # the worker's clock
    token, _ = auth.issue_token(settings(), "member-1", "member", issued)
    body = jwt.decode(token, options={"verify_signature": False})
    assert body["iat"] == int(issued.timestamp()) and body["exp"] == int(issued.timestamp()) + 3600


def test_the_ttl_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("JWT_TTL_SECONDS", "90")
    _, ttl = auth.issue_token(settings(), "member-1", "member", utcnow())
    assert ttl == 90


def test_production_refuses_to_run_without_a_secret(monkeypatch):
    monkeypatch.delenv("JWT_SECRET")
    monkeypatch.setenv("JASTAR_ENV", "production")
    with pytest.raises(RuntimeError):
        auth.issue_token(settings(), "member-1", "member", utcnow())


# --- tampering: each is a 401 ----------------------------------------------------

def _expired():
    past = datetime.now(timezone.utc) - timedelta(hours=2)
    return signed(claims(iat=past, exp=past + timedelta(minutes=5)))


def _flipped_payload():
    token, _ = auth.issue_token(settings(), "member-1", "member", utcnow())
    header, payload, signature = token.split(".")
    forged = b64({**jwt.decode(token, options={"verify_signature": False}), "sub": "member-2"})
    return f"{header}.{forged}.{signature}"


TAMPERED = {
    "alg none": lambda: unsigned(claims()),
    "alg none, admin": lambda: unsigned(claims(role="admin")),
    "wrong key": lambda: signed(claims(), key="not-the-gateway-secret-" + "x" * 64),
    "HS512 with the right key": lambda: signed(claims(), algorithm="HS512"),
    "expired": _expired,
    "wrong audience": lambda: signed(claims(aud="someone-else")),
    "wrong issuer": lambda: signed(claims(iss="evil-issuer")),
    "no audience": lambda: signed(claims(aud=None)),
    "no sub": lambda: signed(claims(sub=None)),
    "no exp": lambda: signed(claims(exp=None)),
    "exp not a number": lambda: signed(claims(exp="tomorrow")),
    "no iat": lambda: signed(claims(iat=None)),
    "role root": lambda: signed(claims(role="root")),
    "role integrator": lambda: signed(claims(role="integrator")),
    "role system": lambda: signed(claims(role="system")),
    "no role": lambda: signed(claims(role=None)),
    "payload changed after signing": _flipped_payload,
    "garbage": lambda: "not-a-jwt",
    "three garbage parts": lambda: "abc.def.ghi",
    "empty": lambda: "",
}


def test_a_token_expires_at_the_services_clock_not_the_wall_clock():
    issued = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)  # a day the wall clock is not at
    token, ttl = auth.issue_token(settings(), "member-1", "member", issued)
    assert auth.caller_from_token(settings(), token, issued + timedelta(seconds=ttl - 1)).id == "member-1"
    with pytest.raises(auth.Unauthenticated, match="ExpiredSignatureError"):
        auth.caller_from_token(settings(), token, issued + timedelta(seconds=ttl))


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_a_tampered_token_is_unauthenticated(case):
    with pytest.raises(auth.Unauthenticated):
        auth.caller_from_token(settings(), TAMPERED[case](), utcnow())


# --- identify: which credential, and broken ones are never anonymous ---------------

def no_integrators(key):
    return None


def test_nothing_presented_is_anonymous():
    assert auth.identify(settings(), {}, no_integrators, utcnow()) is auth.ANONYMOUS


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc", "garbage"])
def test_a_malformed_authorization_header_is_unauthenticated(header):
    with pytest.raises(auth.Unauthenticated):
        auth.identify(settings(), {"Authorization": header}, no_integrators, utcnow())


def test_a_bearer_token_identifies_its_subject():
    token, _ = auth.issue_token(settings(), "member-9", "member", utcnow())
    headers = {"Authorization": f"Bearer {token}"}
    assert auth.identify(settings(), headers, no_integrators, utcnow()).id == "member-9"


def test_the_admin_key_is_the_bootstrap_admin(monkeypatch):
    monkeypatch.setenv("ADMIN_API_KEY", "the-admin-key")
    assert auth.identify(settings(), {"X-Api-Key": "the-admin-key"}, no_integrators, utcnow()) == \
        Caller("admin", "bootstrap-admin")


def test_an_integrator_key_is_checked_by_the_callback(monkeypatch):
    monkeypatch.setenv("ADMIN_API_KEY", "the-admin-key")
    seen = []

    def check(key):
        seen.append(key)
        return "key-1" if key == "jh_key-1.secret" else None

    assert auth.identify(settings(), {"X-Api-Key": "jh_key-1.secret"}, check, utcnow()) == Caller("integrator", "key-1")
    with pytest.raises(auth.Unauthenticated):
        auth.identify(settings(), {"X-Api-Key": "jh_key-1.wrong"}, check, utcnow())
    with pytest.raises(auth.Unauthenticated):
        auth.identify(settings(), {"X-Api-Key": "the-admin-key-but-longer"}, check, utcnow())
    assert seen == ["jh_key-1.secret", "jh_key-1.wrong", "the-admin-key-but-longer"]


def test_no_admin_key_configured_means_no_bootstrap_admin(monkeypatch):
    monkeypatch.delenv("ADMIN_API_KEY", raising=False)
    with pytest.raises(auth.Unauthenticated):
        auth.identify(settings(), {"X-Api-Key": "anything"}, no_integrators, utcnow())


def test_a_tampered_token_wins_over_a_valid_api_key(monkeypatch):
    """A broken credential is never ignored in favour of another one."""
    monkeypatch.setenv("ADMIN_API_KEY", "the-admin-key")
    with pytest.raises(auth.Unauthenticated):
        auth.identify(settings(), {"Authorization": "Bearer garbage", "X-Api-Key": "the-admin-key"},
                      no_integrators, utcnow())


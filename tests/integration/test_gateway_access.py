"""Who may do what, through the one public API, with every service a real process.

The access-control matrix: every route of the gateway (jastar_gateway.http.ROUTES,
the same table OpenAPI is built from) x every kind of caller, on objects that
belong to member A / the Karasai centre / another integrator. A 2xx for a
caller the route's roles leave out, or on someone else's object, is an
UNEXPECTED 2xx. Also: tampered tokens and bad API keys are 401 problems, and
no response ever carries a member's full IIN (only its masked form).
"""
import itertools
import json
import random
import re
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock, timedelta, timezone

import jwt
import pytest
import requests

from jastar_common.calendar import ALMATY
from jastar_devkit.helpers import ahead
from jastar_gateway import auth
from jastar_gateway.http import ROUTES
from jastar_gateway.service import GatewayService  # noqa: F401  (declaring the routes fills ROUTES)
from jastar_registry.domain.validators import make_iin

from .conftest import ADMIN_KEY

KARASAI = "karasai-yrc"
OTHER_CENTRE = "konaev-coworking"
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_phones = itertools.count(random.randrange(1_000_000, 8_000_000, 1000))


def fresh_phone():
    digits = f"{next(_phones):07d}"
    return f"+7 701 {digits[:3]} {digits[3:5]} {digits[5:]}"


def fresh_slug(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# --- talking to the gateway ---------------------------------------------------------------

class Gateway:
    def __init__(self, url):
        self.url = url
        self.seen = []  # (label, status, body text) of every response, for the IIN scan

    def request(self, method, path, headers=None, json_body=None, params=None, label=None):
        response = requests.request(method, self.url + path, headers=headers or {}, json=json_body,
                                    params=params, timeout=30)
        self.seen.append((label or f"{method} {path}", response.status_code, response.text))
        return response

    def ok(self, method, path, headers=None, json_body=None, params=None, expect=(200, 201, 202)):
        response = self.request(method, path, headers, json_body, params)
        assert response.status_code in expect, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def retry(self, method, path, headers=None, json_body=None, params=None, expect=(200, 201, 202),
              seconds=30):
        """For what waits on an event: the booking service's copy of a new member or session."""
        deadline = time.monotonic() + seconds
        while True:
            response = self.request(method, path, headers, json_body, params)
            if response.status_code in expect or time.monotonic() > deadline:
                assert response.status_code in expect, \
                    f"{method} {path}: {response.status_code} {response.text}"
                return response
            time.sleep(0.3)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


ADMIN = {"X-Api-Key": ADMIN_KEY}


def sign_in(gw, phone, role="member"):
    code = gw.ok("POST", "/v1/auth/otp", json_body={"phone": phone, "role": role})["code"]
    return gw.ok("POST", "/v1/auth/token", json_body={"phone": phone, "code": code, "role": role})[
        "access_token"]


def birth_date_aged(years):
    today = date.today()
    return date(today.year - years, 1, 1) if (today.month, today.day) != (1, 1) else \
        date(today.year - years - 1, 6, 1)


# --- the world the matrix runs in ------------------------------------------------------------

@dataclass
class Member:
    id: str
    phone: str
    full_name: str
    token: str
    iin: str | None = None


@dataclass
class World:
    gw: Gateway
    secret: str
    a: Member
    b: Member
    headers: dict  # role name -> request headers
    ids: dict  # path parameter -> the id the matrix uses
    booking_a: str  # member A's confirmed consultation at Karasai
    pending_a: str  # member A's space booking at Karasai, waiting for approval
    entry_a: str  # member A's waitlist entry (Karasai)
    slots: list  # free consultation slots ("jobs", Karasai)
    owner_webhook: str  # belongs to another integrator
    extra: dict = field(default_factory=dict)


def register(gw, full_name, iin=None, birth=None, headers=None):
    phone = fresh_phone()
    birth = birth or birth_date_aged(20)
    body = {"full_name": full_name, "birth_date": birth.isoformat(), "phone": phone, "language": "kk",
            "district_id": "karasai", "consent": True}
    if iin:
        body["iin"] = iin
    member = gw.ok("POST", "/v1/members", headers, json_body=body, expect=(201,))
    return Member(member["id"], member["phone"], full_name, sign_in(gw, phone), iin)


def add_staff(gw, centre_ids):
    phone = fresh_phone()
    account = gw.ok("POST", "/v1/staff", ADMIN, {"phone": phone, "full_name": "Desk Person", "role": "staff",
                                                 "centre_ids": centre_ids}, expect=(201,))
    return account, phone


def next_weekday_at(weekday, hour):
    today = datetime.now(ALMATY).date()
    day = today + timedelta(days=7 + (weekday - today.weekday()) % 7)
    return datetime.combine(day, clock(hour), tzinfo=ALMATY)


@pytest.fixture(scope="module")
def world(system):
    subprocess.run(["jastar-registry-seed"], env=system.env("registry"), check=True, capture_output=True)
    gw = Gateway(system.url)
    birth = birth_date_aged(20)
    a = register(gw, "Айгүл Access-A", iin=make_iin(birth, "female", random.randrange(0, 5000)), birth=birth)
    b = register(gw, "Бауыржан Access-B")

    karasai_staff, karasai_phone = add_staff(gw, [KARASAI])
    other_staff, other_phone = add_staff(gw, [OTHER_CENTRE])
    throwaway_staff, _ = add_staff(gw, [KARASAI])
    integrator_key = gw.ok("POST", "/v1/api-keys", ADMIN, {"name": "matrix integrator"}, expect=(201,))["key"]
    owner_key = gw.ok("POST", "/v1/api-keys", ADMIN, {"name": "webhook owner"}, expect=(201,))["key"]
    throwaway_key = gw.ok("POST", "/v1/api-keys", ADMIN, {"name": "to revoke"}, expect=(201,))
    owner_webhook = gw.ok("POST", "/v1/webhooks", {"X-Api-Key": owner_key},
                          {"url": "https://1.1.1.1/jastar-access-test", "event_types": ["jastar.test.never"]},
                          expect=(201,))["id"]

    headers = {
        "anonymous": {},
        "member_a": bearer(a.token),
        "member_b": bearer(b.token),
        "staff_karasai": bearer(sign_in(gw, karasai_phone, "staff")),
        "staff_other": bearer(sign_in(gw, other_phone, "staff")),
        "integrator": {"X-Api-Key": integrator_key},
        "admin": ADMIN,
    }

    # member A's consultation at Karasai (the booking service learns members and schedules by events)
    slots = []
    deadline = time.monotonic() + 30
    while len(slots) < 4 and time.monotonic() < deadline:
        found = gw.ok("GET", "/v1/availability", params={"service_id": "jobs"})["items"]
        slots = [s["starts_at"] for s in ahead(found)]
        time.sleep(0.3)
    assert len(slots) >= 4, "the seeded career consultant has free slots"
    booking_a = gw.retry("POST", "/v1/bookings", headers["member_a"],
                         {"kind": "consultation", "service_id": "jobs", "starts_at": slots[0]},
                         expect=(201,)).json()["booking"]["id"]

    # member A's space booking waiting for approval (the sewing workshop needs it)
    hours = gw.retry("GET", "/v1/availability", params={"space_id": "karasai-sewing"}).json()["items"]
    hour = ahead(hours)[0]
    starts = datetime.fromisoformat(hour["starts_at"])
    pending = gw.ok("POST", "/v1/bookings", headers["member_a"],
                    {"kind": "space", "space_id": "karasai-sewing", "starts_at": starts.isoformat(),
                     "ends_at": (starts + timedelta(hours=1)).isoformat()}, expect=(201,))["booking"]
    assert pending["state"] == "pending"

    # member A waits for a one-seat session member B took first
    starts = next_weekday_at(2, 11)
    session = gw.ok("POST", "/v1/admin/session", ADMIN, {
        "id": fresh_slug("access"), "programme_id": "business-basics", "capacity": 1,
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat()},
        expect=(201,))["id"]
    gw.retry("POST", "/v1/bookings", headers["member_b"], {"kind": "seat", "session_id": session},
             expect=(201,))
    entry_a = gw.retry("POST", "/v1/bookings", headers["member_a"], {"kind": "seat", "session_id": session},
                       expect=(202,)).json()["waitlist"]["id"]

    space = gw.ok("POST", "/v1/admin/space", ADMIN, {
        "id": fresh_slug("access-space"), "centre_id": KARASAI, "kind": "hall", "name_kk": "Сынақ залы",
        "name_ru": "Тестовый зал", "capacity": 5}, expect=(201,))["id"]

    ids = {"booking_id": booking_a, "entry_id": entry_a, "member_id": a.id, "centre_id": KARASAI,
           "programme_id": "business-basics", "kind": "space", "obj_id": space,
           "webhook_id": owner_webhook, "delivery_id": str(uuid.uuid4()),
           "account_id": throwaway_staff["id"], "key_id": throwaway_key["id"],
           "token": feed_token(gw, headers["member_b"]), "name": "swagger-ui.css"}
    secret = system.base_env.get("JWT_SECRET") or auth.DEV_SECRET
    return World(gw, secret, a, b, headers, ids, booking_a, pending["id"], entry_a, slots, owner_webhook,
                 extra={"session": session})


def feed_token(gw, headers):
    """A new calendar feed of the member these headers sign in (replaces the one they had)."""
    url = gw.ok("POST", "/v1/me/calendar-feed", headers, expect=(201,))["url"]
    return re.fullmatch(r".*/v1/calendar/([^/]+)\.ics", url).group(1)


# --- tampered credentials ----------------------------------------------------------------------

def claims_for(subject, **changes):
    now = datetime.now(timezone.utc)
    claims = {"sub": subject, "role": "member", "aud": auth.AUDIENCE, "iss": auth.ISSUER,
              "iat": now, "exp": now + timedelta(minutes=10)}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def alg_none(claims):
    def part(data):
        raw = json.dumps(data, default=lambda v: int(v.timestamp())).encode()
        return jwt.utils.base64url_encode(raw).decode()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def tampered_tokens(world):
    sub, key = world.a.id, world.secret
    past = datetime.now(timezone.utc) - timedelta(hours=3)
    return {
        "alg none": alg_none(claims_for(sub)),
        "wrong key": jwt.encode(claims_for(sub), "not-the-gateway-secret-" + "x" * 40, algorithm="HS256"),
        "expired": jwt.encode(claims_for(sub, iat=past, exp=past + timedelta(minutes=5)), key, algorithm="HS256"),
        "wrong audience": jwt.encode(claims_for(sub, aud="another-app"), key, algorithm="HS256"),
        "missing sub": jwt.encode(claims_for(None), key, algorithm="HS256"),
        "role root": jwt.encode(claims_for(sub, role="root"), key, algorithm="HS256"),
        "garbage": "garbage.garbage.garbage",
    }


def test_a_token_signed_like_the_gateway_works(world):
    """The control for the tampering cases below: the same claims, done right, get in."""
    token = jwt.encode(claims_for(world.a.id), world.secret, algorithm="HS256")
    response = world.gw.request("GET", "/v1/me", bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["id"] == world.a.id


def test_tampered_tokens_are_401_problems_on_a_member_route(world):
    wrong = {}
    for name, token in tampered_tokens(world).items():
        response = world.gw.request("GET", "/v1/me", bearer(token), label=f"tampered {name}")
        if response.status_code != 401 or response.headers.get("Content-Type") != "application/problem+json":
            wrong[name] = (response.status_code, response.headers.get("Content-Type"), response.text[:200])
        elif not response.headers.get("WWW-Authenticate", "").startswith("Bearer"):
            wrong[name] = ("no WWW-Authenticate", response.headers.get("WWW-Authenticate"))
    assert wrong == {}


def test_tampered_tokens_get_no_2xx_anywhere(world):
    tokens = tampered_tokens(world)
    answers = {}
    for doc in ROUTES:
        path = fill_path(doc.url, world.ids)
        for name, token in tokens.items():
            response = world.gw.request(doc.method, path, bearer(token), json_body=body_for(doc, world),
                                        params=QUERIES.get((doc.method, doc.url), lambda w: None)(world),
                                        label=f"tampered {name}")
            answers[(doc.method, doc.url, name)] = response.status_code
    print(f"\ntampered tokens x routes: {len(answers)} requests")
    assert [k for k, status in answers.items() if 200 <= status < 300] == []
    # a credential that does not verify is refused even where none is needed
    assert {k: s for k, s in answers.items() if s != 401} == {}


@pytest.mark.parametrize("key", ["garbage", "jh_nope.nope", ADMIN_KEY + "x", ADMIN_KEY[:-1], "jh_.",
                                 "Bearer " + ADMIN_KEY])
def test_an_invalid_api_key_is_401(world, key):
    response = world.gw.request("GET", "/v1/webhooks", {"X-Api-Key": key})
    assert response.status_code == 401, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    public = world.gw.request("GET", "/v1/centers", {"X-Api-Key": key})
    assert public.status_code == 401, "a bad key is refused even on a public route"


def test_a_revoked_or_tampered_integrator_key_is_401(world):
    gw = world.gw
    made = gw.ok("POST", "/v1/api-keys", ADMIN, {"name": "soon revoked"}, expect=(201,))
    assert gw.request("GET", "/v1/webhooks", {"X-Api-Key": made["key"]}).status_code == 200
    key_id, _, secret = made["key"].partition(".")
    forged = f"{key_id}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    assert gw.request("GET", "/v1/webhooks", {"X-Api-Key": forged}).status_code == 401
    gw.ok("DELETE", f"/v1/api-keys/{made['id']}", ADMIN, expect=(204,))
    assert gw.request("GET", "/v1/webhooks", {"X-Api-Key": made["key"]}).status_code == 401


def test_a_members_full_iin_is_shown_masked_only(world):
    gw, a = world.gw, world.a
    me = gw.ok("GET", "/v1/me", world.headers["member_a"])
    assert me["iin"] == "*" * 8 + a.iin[-4:]
    for role in ("staff_karasai", "admin"):
        assert gw.ok("GET", f"/v1/members/{a.id}", world.headers[role])["iin"] == me["iin"]
    found = gw.ok("GET", "/v1/members", world.headers["staff_karasai"], params={"iin": a.iin})
    assert found["id"] == a.id and found["iin"] == me["iin"]
    # errors about the IIN do not echo it either: registering it twice, changing it to itself
    again = gw.request("POST", "/v1/members", json_body={
        "full_name": "Someone Else", "birth_date": birth_date_aged(20).isoformat(), "phone": fresh_phone(),
        "language": "kk", "consent": True, "iin": a.iin})
    assert again.status_code == 409, again.text
    gw.request("PATCH", "/v1/me", world.headers["member_a"], json_body={"iin": a.iin})
    gw.request("PATCH", "/v1/me", world.headers["member_a"], json_body={"birth_date": "1999-02-03"})
    leaks = [(label, status) for label, status, text in gw.seen if a.iin in text]
    assert leaks == []


def test_staff_read_the_members_who_booked_at_their_centres_and_find_walk_ins_by_phone(world):
    gw, a, b = world.gw, world.a, world.b
    karasai, other = world.headers["staff_karasai"], world.headers["staff_other"]
    assert gw.ok("GET", f"/v1/members/{a.id}", karasai)["id"] == a.id  # A booked at Karasai
    refused = gw.request("GET", f"/v1/members/{a.id}", other)
    assert refused.status_code == 404 and a.full_name not in refused.text
    # a walk-in at the other centre: found by the exact phone, not by IIN
    assert gw.ok("GET", "/v1/members", other, params={"phone": a.phone})["id"] == a.id
    assert gw.request("GET", "/v1/members", other, params={"iin": a.iin}).status_code == 404
    assert gw.ok("GET", "/v1/members", karasai, params={"iin": a.iin})["id"] == a.id
    # a member who never booked anywhere: the phone look-up only, and admins
    walk_in = register(gw, "Walk-in Member")
    for headers in (karasai, other):
        assert gw.request("GET", f"/v1/members/{walk_in.id}", headers).status_code == 404
        assert gw.ok("GET", "/v1/members", headers, params={"phone": walk_in.phone})["id"] == walk_in.id
    assert gw.ok("GET", f"/v1/members/{walk_in.id}", ADMIN)["id"] == walk_in.id
    assert gw.ok("GET", f"/v1/members/{b.id}", karasai)["id"] == b.id  # B took a Karasai seat


# --- beyond the matrix: changes that move an object, credentials that outlive their account ---------

def test_staff_of_another_centre_cannot_move_a_karasai_space_into_their_centre(world):
    """BUG (registry): update() checks only the object as it would be after the change, so
    staff of the Konaev centre may PATCH a Karasai space with centre_id=konaev-coworking and
    take it over. Both the current and the new centre must be theirs."""
    gw = world.gw
    space = gw.ok("POST", "/v1/admin/space", ADMIN, {
        "id": fresh_slug("karasai-owned"), "centre_id": KARASAI, "kind": "hall", "name_kk": "Қарасай залы",
        "name_ru": "Зал Карасая", "capacity": 4}, expect=(201,))["id"]
    moved = gw.request("PATCH", f"/v1/admin/space/{space}", world.headers["staff_other"],
                       json_body={"centre_id": OTHER_CENTRE})
    after = gw.ok("GET", f"/v1/centers/{KARASAI}")
    assert moved.status_code in (403, 404), f"{moved.status_code} {moved.text[:300]}"
    assert space in [s["id"] for s in after["spaces"]], "the space still belongs to Karasai"


def test_a_deactivated_staff_accounts_token_stops_working(world):
    """BUG (gateway): tokens are checked only by signature and expiry, so a staff account
    deactivated by DELETE /v1/staff/<id> keeps the desk (day lists, member look-ups) until
    its JWT expires (JWT_TTL_SECONDS, an hour by default)."""
    gw = world.gw
    account, phone = add_staff(gw, [KARASAI])
    desk = bearer(sign_in(gw, phone, "staff"))
    day = f"/v1/centers/{KARASAI}/day"
    assert gw.request("GET", day, desk, params={"date": date.today().isoformat()}).status_code == 200
    gw.ok("DELETE", f"/v1/staff/{account['id']}", ADMIN, expect=(204,))
    after = gw.request("GET", day, desk, params={"date": date.today().isoformat()})
    assert after.status_code == 401, f"{after.status_code} {after.text[:200]}"


# --- the matrix ----------------------------------------------------------------------------------

ROLES = {  # role name -> the caller kind the routes' roles speak of
    "anonymous": "anonymous", "member_a": "member", "member_b": "member", "staff_karasai": "staff",
    "staff_other": "staff", "integrator": "integrator", "admin": "admin",
}

# Someone else's object: which callers must not reach the object a path id names,
# even when their kind is among the route's roles.
NOT_THEIRS_BY_PARAM = {
    "booking_id": {"member_b", "staff_other"},  # member A's booking at Karasai
    "entry_id": {"member_b", "staff_other"},  # member A's waitlist place at Karasai
    "webhook_id": {"integrator"},  # another integrator's subscription
    "delivery_id": {"integrator"},
}
NOT_THEIRS_BY_ROUTE = {
    ("GET", "/v1/centers/<string:centre_id>/day"): {"staff_other"},
    ("POST", "/v1/admin/<string:kind>"): {"staff_other"},  # a space at Karasai
    ("PATCH", "/v1/admin/<string:kind>/<string:obj_id>"): {"staff_other"},
    ("POST", "/v1/admin/<string:kind>/<string:obj_id>/close"): {"staff_other"},
    ("POST", "/v1/bookings"): {"member_b", "staff_other"},  # a Karasai slot for member A
    ("GET", "/v1/members/<string:member_id>"): {"staff_other"},  # A booked only at Karasai
    ("GET", "/v1/waitlist"): {"staff_other"},  # the line for a Karasai session
    # (GET /v1/members/<id>/bookings and /waitlist: staff of another centre get a page of
    # what is at their centres, none of A's; foreign_strings checks that)
}
# The reports, asked for Karasai: its staff and admins only
REPORTS = [(d.method, d.url) for d in ROUTES if getattr(d.query, "__name__", None) == "ReportQuery"]
NOT_THEIRS_BY_ROUTE.update({key: {"staff_other"} for key in REPORTS})
# Bookings that need approval are the objects of approve and reject.
PENDING_ROUTES = {("POST", "/v1/bookings/<string:booking_id>/approve"),
                  ("POST", "/v1/bookings/<string:booking_id>/reject")}
# Changing state: run after every read, so a refusal is never hidden by a state already gone.
DESTRUCTIVE = re.compile(r"/(cancel|reject|decline|close|reschedule|no-show|check-in|approve|accept)$")

BODIES = {
    ("POST", "/v1/auth/otp"): lambda w: {"phone": fresh_phone()},
    ("POST", "/v1/auth/token"): lambda w: {"phone": fresh_phone(), "code": "000000"},
    ("POST", "/v1/members"): lambda w: {"full_name": "Matrix Member", "birth_date": birth_date_aged(22).isoformat(),
                                        "phone": fresh_phone(), "language": "ru", "consent": True},
    ("PATCH", "/v1/me"): lambda w: {"telegram": "@matrix"},
    ("PUT", "/v1/me/notification-preferences"): lambda w: {"channels": ["log"]},
    ("POST", "/v1/bookings"): lambda w: {"kind": "consultation", "service_id": "jobs",
                                         "starts_at": w.slots[2], "member_id": w.a.id},
    ("POST", "/v1/bookings/<string:booking_id>/cancel"): lambda w: {"reason": "access matrix"},
    ("POST", "/v1/bookings/<string:booking_id>/reschedule"): lambda w: {"starts_at": w.slots[3]},
    ("POST", "/v1/bookings/<string:booking_id>/reject"): lambda w: {"reason": "access matrix"},
    ("POST", "/v1/admin/<string:kind>"): lambda w: {
        "id": fresh_slug("matrix"), "centre_id": KARASAI, "kind": "hall", "name_kk": "Матрица",
        "name_ru": "Матрица", "capacity": 3},
    ("PATCH", "/v1/admin/<string:kind>/<string:obj_id>"): lambda w: {"name_ru": "Тестовый зал 2"},
    ("POST", "/v1/staff"): lambda w: {"phone": fresh_phone(), "full_name": "Matrix Staff", "role": "staff",
                                      "centre_ids": [KARASAI]},
    ("POST", "/v1/api-keys"): lambda w: {"name": "matrix"},
    ("POST", "/v1/webhooks"): lambda w: {"url": "https://1.1.1.1/jastar-matrix",
                                         "event_types": ["jastar.test.never"]},
}
QUERIES = {
    ("GET", "/v1/members"): lambda w: {"phone": w.a.phone},
    ("GET", "/v1/centers/<string:centre_id>/day"): lambda w: {"date": date.today().isoformat()},
    ("GET", "/v1/availability"): lambda w: {"service_id": "jobs"},
    ("GET", "/v1/waitlist"): lambda w: {"resource_id": w.extra["session"]},
    ("GET", "/v1/schedules"): lambda w: {"centre_id": KARASAI},
    **{key: lambda w: {"from": (date.today() - timedelta(days=30)).isoformat(), "to": date.today().isoformat(),
                       "centre_id": KARASAI} for key in REPORTS},
}
# Ids made afresh for a route's every case: a calendar feed URL is replaced by the
# member's next POST /v1/me/calendar-feed (member B's: nothing of A's is in it)
FRESH_IDS = {
    ("GET", "/v1/calendar/<string:token>.ics"): lambda w: {"token": feed_token(w.gw, w.headers["member_b"])},
}


def body_for(doc, world):
    make = BODIES.get((doc.method, doc.url))
    if make is None and doc.body is not None and doc.body.__name__ not in ("Cancellation",):
        raise AssertionError(f"give the matrix a body for {doc.method} {doc.url}")
    return make(world) if make else None


def fill_path(url, ids):
    return PARAM.sub(lambda m: ids[m.group(1)], url)


@dataclass
class Case:
    doc: object
    role: str

    @property
    def key(self):
        return (self.doc.method, self.doc.url)

    @property
    def role_refused(self):
        roles = self.doc.roles
        if roles == ("anonymous",):
            return False  # public
        return ROLES[self.role] not in roles

    @property
    def not_theirs(self):
        params = PARAM.findall(self.doc.url)
        refused = set(NOT_THEIRS_BY_ROUTE.get(self.key, ()))
        for param in params:
            refused |= NOT_THEIRS_BY_PARAM.get(param, set())
        return self.role in refused

    @property
    def may_reach(self):
        return not (self.role_refused or self.not_theirs)

    @property
    def phase(self):
        """Refusals first (nothing should change), then reads, then changes, then erasure."""
        if self.key == ("DELETE", "/v1/me"):
            return 3
        if not self.may_reach:
            return 0
        return 2 if self.doc.method == "DELETE" or DESTRUCTIVE.search(self.doc.url) else 1


def foreign_strings(world, role):
    """What a 2xx to this caller must never contain: other people's data."""
    a_data = [world.a.id, world.a.phone, world.a.full_name]
    a_bookings = [world.booking_a, world.pending_a, world.entry_a]
    return {
        "anonymous": a_data + a_bookings,
        "member_b": a_data + a_bookings,
        "integrator": a_data + a_bookings + [world.owner_webhook],
        "staff_other": a_bookings,
    }.get(role, [])


@dataclass
class Result:
    case: Case
    status: int
    text: str

    def label(self):
        return f"{self.case.doc.method} {self.case.doc.url} as {self.case.role} -> {self.status}"


@pytest.fixture(scope="module")
def matrix(world):
    cases = [Case(doc, role) for doc in ROUTES for role in ROLES]
    cases.sort(key=lambda c: c.phase)  # stable: route order and role order kept within a phase
    results = []
    for case in cases:
        ids = dict(world.ids)
        if case.key in PENDING_ROUTES:
            ids["booking_id"] = world.pending_a
        if case.key in FRESH_IDS:
            ids.update(FRESH_IDS[case.key](world))
        query = QUERIES.get(case.key)
        response = world.gw.request(case.doc.method, fill_path(case.doc.url, ids), world.headers[case.role],
                                    json_body=body_for(case.doc, world), params=query(world) if query else None,
                                    label=f"matrix {case.doc.method} {case.doc.url} as {case.role}")
        results.append(Result(case, response.status_code, response.text))
    table = {}
    for result in results:
        table.setdefault(result.case.key, {})[result.case.role] = result.status
    print("\n" + f"{'route':62}" + " ".join(f"{role[:13]:>13}" for role in ROLES))
    for (method, url), row in table.items():
        print(f"{method + ' ' + url:62.62}" + " ".join(f"{row[role]:>13}" for role in ROLES))
    print(f"access matrix: {len(ROUTES)} routes x {len(ROLES)} callers = {len(results)} requests "
          f"({sum(r.case.may_reach for r in results)} may reach, {sum(not r.case.may_reach for r in results)} "
          f"must be refused)")
    return results


def test_the_matrix_covers_every_route_and_caller(matrix):
    assert len(ROUTES) >= 40
    assert {(r.case.key, r.case.role) for r in matrix} == {
        ((d.method, d.url), role) for d in ROUTES for role in ROLES}


def test_no_unexpected_2xx(world, matrix):
    unexpected = []
    for result in matrix:
        if not 200 <= result.status < 300:
            continue
        if not result.case.may_reach:
            why = "role not allowed" if result.case.role_refused else "someone else's object"
            unexpected.append(f"{result.label()}: {why}")
            continue
        leaked = [s for s in foreign_strings(world, result.case.role) if s and s in result.text]
        if leaked:
            unexpected.append(f"{result.label()}: carries someone else's data {leaked}")
    print("\n".join(["", f"unexpected 2xx: {len(unexpected)}", *unexpected]))
    assert unexpected == []


def test_refusals_say_401_to_strangers_and_403_or_404_to_the_known(matrix):
    """Anonymous on a closed route: 401. A known caller without the role: 403. On
    someone else's object: 403 or 404 (404 so ids cannot be probed), or 400 when
    the body is refused first."""
    wrong = []
    for result in matrix:
        case = result.case
        if case.may_reach:
            continue
        if case.role_refused:
            expected = {401} if case.role == "anonymous" else {403}
        else:
            expected = {400, 403, 404}
        if result.status not in expected:
            wrong.append(f"{result.label()} (expected {sorted(expected)}): {result.text[:160]}")
    print("\n".join(["", f"wrong refusals: {len(wrong)}", *wrong]))
    assert wrong == []


def test_no_server_errors_in_the_matrix(matrix):
    errors = [f"{r.label()}: {r.text[:200]}" for r in matrix if r.status >= 500]
    assert errors == []


def test_no_response_ever_carried_the_full_iin(world, matrix):
    leaks = [(label, status) for label, status, text in world.gw.seen if world.a.iin in text]
    print(f"\nresponses scanned for the full IIN: {len(world.gw.seen)}")
    assert leaks == []

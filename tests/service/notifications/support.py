"""Real local servers standing in for the outside world: an SMTP server, one
HTTP server for the SMS provider, the Telegram Bot API and integrators'
webhook receivers (which check the signature), and a fake registry service."""
import base64
import email
import hashlib
import hmac
import itertools
import json
import socket
import subprocess
import sys
import time
from collections import defaultdict
from email import policy
from pathlib import Path

import eventlet
import eventlet.wsgi
from datetime import datetime, timedelta, timezone

from kombu import Connection
from nameko.rpc import rpc
from sqlalchemy import text

from jastar_common.caller import Caller
from jastar_common.database import make_engine
from jastar_common.envelope import Envelope
from jastar_common.errors import NotFound
from jastar_common.metrics import INBOX_DUPLICATES
from jastar_common.topology import declare_topology
from jastar_devkit.helpers import free_port, wait_until

from ..support import publish_event

wait_for = wait_until  # the notification tests' name for it


class SmtpServer:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        script = Path(__file__).with_name("smtp_server.py")
        self.process = subprocess.Popen([sys.executable, str(script), str(self.port), str(self.directory)])
        try:
            wait_until(self._listening, 60, what="SMTP server did not start")
        except AssertionError:
            self.process.kill()
            raise

    def _listening(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def messages(self):
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in sorted(self.directory.glob("*.eml"), key=lambda p: int(p.stem))]

    def stop(self):
        self.process.kill()
        self.process.wait()


class Providers:
    """The SMS provider (dedups by idempotency key, as real ones do), the
    Telegram Bot API, and webhook receivers at /hook/<name>."""

    def __init__(self):
        self.sms_requests = []           # every request, duplicates included
        self.sms_delivered = {}          # idempotency key -> the one SMS sent
        self.sms_fail = []               # status codes to answer next, in order
        self.sms_refused_numbers = set()
        self.sms_down = False            # answers 503 while True
        self.telegram = []
        self.hooks = defaultdict(list)   # name -> received (headers, body, valid)
        self.hook_secrets = {}
        self.hook_answers = defaultdict(list)  # name -> [(status, headers)] to answer next
        self._ids = itertools.count(1)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = eventlet.spawn(eventlet.wsgi.server, eventlet.listen(("127.0.0.1", self.port)),
                                      self.app, log_output=False)

    def stop(self):
        self._server.kill()

    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        headers["content-type"] = environ.get("CONTENT_TYPE")  # WSGI keeps it out of HTTP_*
        if path == "/sms":
            status, payload, extra = self._sms(headers, json.loads(body))
        elif path.endswith("/sendMessage"):
            self.telegram.append(json.loads(body))
            status, payload, extra = 200, {"ok": True, "result": {"message_id": next(self._ids)}}, []
        elif path.startswith("/hook/"):
            status, payload, extra = self._hook(path[6:], headers, body)
        else:
            status, payload, extra = 404, {}, []
        start_response(f"{status} X", [("Content-Type", "application/json"), *extra])
        return [json.dumps(payload).encode()]

    def _sms(self, headers, request):
        self.sms_requests.append(request)
        if headers.get("x-api-key") != "sms-key":
            return 401, {"error": "bad key"}, []
        if self.sms_down:
            return 503, {"error": "down"}, []
        if self.sms_fail:
            return self.sms_fail.pop(0), {"error": "told to fail"}, []
        if request["to"] in self.sms_refused_numbers:
            return 400, {"error": "invalid number"}, []
        key = request["idempotency_key"]
        if key not in self.sms_delivered:  # a repeat gets the first answer back
            self.sms_delivered[key] = {**request, "message_id": f"sms-{next(self._ids)}"}
        return 200, {"message_id": self.sms_delivered[key]["message_id"]}, []

    def _hook(self, name, headers, body):
        secret = self.hook_secrets.get(name, "")
        key = base64.b64decode(secret.removeprefix("whsec_"))
        signed = f"{headers.get('webhook-id')}.{headers.get('webhook-timestamp')}.".encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        given = [s.split(",", 1)[1] for s in headers.get("webhook-signature", "").split() if "," in s]
        valid = any(hmac.compare_digest(expected, g) for g in given)
        self.hooks[name].append({"headers": headers, "body": json.loads(body), "valid": valid,
                                 "at": time.monotonic()})
        if self.hook_answers[name]:
            status, extra = self.hook_answers[name].pop(0)
            return status, {}, extra
        return (204 if valid else 401), {}, []


MEMBERS = {}
ENTITIES = {
    ("centre", "karasai-yrc"): {"id": "karasai-yrc", "name_kk": "Қарасай жастар ресурстық орталығы",
                                "name_ru": "Молодёжный ресурсный центр Карасай",
                                "address": "Каскелең, Абылай хан 1"},
    ("service", "psychologist"): {"id": "psychologist", "name_kk": "Психолог кеңесі",
                                  "name_ru": "Консультация психолога"},
}


REGISTRY_CALLS = []  # (method, argument) of every call the fake registry answered
REGISTRY_BROKEN = []  # names of methods answering with an unexpected error


class FakeRegistry:
    """Answers the calls notifications makes, from MEMBERS and ENTITIES."""
    name = "registry"

    @rpc(expected_exceptions=(NotFound,))
    def get_members(self, member_ids):
        self._called("get_members", list(member_ids))
        return [MEMBERS[m] for m in member_ids if m in MEMBERS]

    @rpc(expected_exceptions=(NotFound,))
    def get_member(self, member_id):
        self._called("get_member", member_id)
        if member_id not in MEMBERS:
            raise NotFound("no such member", entity="member", id=member_id)
        return MEMBERS[member_id]

    @rpc(expected_exceptions=(NotFound,))
    def get(self, kind, obj_id):
        self._called("get", (kind, obj_id))
        if (kind, obj_id) not in ENTITIES:
            raise NotFound(f"no such {kind}", entity=kind, id=obj_id)
        return ENTITIES[(kind, obj_id)]

    @staticmethod
    def _called(method, argument):
        REGISTRY_CALLS.append((method, argument))
        if method in REGISTRY_BROKEN:
            raise RuntimeError("the registry's database is down")


def member(member_id, language="ru", phone="+7 701 234 56 78", email_=None, telegram=None, status="active"):
    MEMBERS[member_id] = {"id": member_id, "full_name": f"Member {member_id}", "phone": phone,
                          "email": email_, "telegram": telegram, "language": language, "status": status}
    return MEMBERS[member_id]


def queued_before_start(amqp_uri, envelopes):
    """Publish events before their consumer starts (the queue declared first)."""
    with Connection(amqp_uri) as conn:
        declare_topology(conn)
    for envelope in envelopes:
        publish_event(amqp_uri, envelope)


def inbox_duplicates(consumer="notifications.booking_changes"):
    """How many deliveries to `consumer` the inbox skipped so far, in this process."""
    return INBOX_DUPLICATES.labels("notifications", consumer)._value.get()


def query(url, sql, **params):
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return [dict(row) for row in conn.execute(text(sql), params).mappings()]
    finally:
        engine.dispose()


def booking_event(event_type, member_id="m-1", booking_id="b-1", starts_at=None, **more):
    starts_at = starts_at or datetime(2026, 12, 1, 5, 0, tzinfo=timezone.utc)
    data = {"booking_id": booking_id, "member_id": member_id, "kind": "consultation",
            "state": "confirmed", "centre_id": "karasai-yrc", "resource_id": "spec-1",
            "service_id": "psychologist", "specialist_id": "spec-1", "space_id": None,
            "session_id": None, "programme_id": None, "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=1)).isoformat(), **more}
    return Envelope(type=event_type, source="booking", data=data)


INTEGRATOR = Caller("integrator", "acme")
OTHER_INTEGRATOR = Caller("integrator", "globex")

"""What tests, benches and scripts do to a running system: free ports,
waiting for what arrives asynchronously, members signed up and signed in
(with the login code the API echoes when LOGIN_CODE_ECHO is on), and events
published on the events exchange."""
import socket
import time
import uuid
from datetime import datetime, timedelta, timezone

import requests

HOST = "127.0.0.1"
# booking keeps 60 minutes' notice: tests take times at least this far ahead,
# so that a time at the very edge is not refused by the time they book it
BOOKING_LEAD = timedelta(minutes=75)


def free_port():
    """A TCP port nobody listens on now (the OS's choice)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until(check, seconds=60, what="condition not met in time", interval=0.1, errors=()):
    """The first truthy value of `check()`, or AssertionError(what) after
    `seconds`. The deadline bounds a hang; it is not a speed target. `what`
    may be a callable (say, a log's tail, read when the time is up);
    exceptions in `errors` count as "not yet" (something still starting)."""
    deadline = time.monotonic() + seconds
    last = None
    while True:
        try:
            value = check()
        except errors as exc:
            value, last = None, exc
        if value or time.monotonic() > deadline:
            if not value:
                message = what() if callable(what) else what
                raise AssertionError(f"{message} (last error: {last!r})" if last else message)
            return value
        time.sleep(interval)


def new_phone(n=None, operator="701"):
    """A Kazakh mobile number: member n's, or a random one."""
    n = uuid.uuid4().int % 10_000_000 if n is None else n
    return f"+7 {operator} {n // 10000 % 1000:03d} {n // 100 % 100:02d} {n % 100:02d}"


def sign_in(base, phone, role=None, seconds=60):
    """The token answer ({"access_token": ...}) for `phone`, signed in with the
    code the API echoes. A 503 (a service still starting) is tried again."""
    body = {"phone": phone, **({"role": role} if role else {})}

    def send_code():
        answer = requests.post(base + "/v1/auth/otp", json=body, timeout=30)
        return answer if answer.status_code != 503 else None
    sent = wait_until(send_code, seconds, what=f"no sign-in code for {phone}")
    assert sent.status_code == 202, sent.text
    token = requests.post(base + "/v1/auth/token", json={**body, "code": sent.json()["code"]},
                          timeout=30)
    assert token.status_code == 200, token.text
    return token.json()


def sign_up(base, phone=None, **fields):
    """A member registered through the API and signed in: (the member as
    created, the token answer). `fields` override the registration's."""
    phone = phone or new_phone()
    made = requests.post(base + "/v1/members", timeout=30, json={
        "full_name": "Қатысушы", "birth_date": "2001-03-08", "language": "kk", "consent": True,
        **fields, "phone": phone})
    assert made.status_code == 201, made.text
    return made.json(), sign_in(base, phone)


def ahead(slots, lead=BOOKING_LEAD):
    """The free slots of an availability answer that start `lead` or more from now."""
    earliest = datetime.now(timezone.utc) + lead
    return [s for s in slots if s.get("free", True) and datetime.fromisoformat(s["starts_at"]) >= earliest]


def bearer(token):
    """The Authorization header of a token answer (or of the token itself)."""
    token = token["access_token"] if isinstance(token, dict) else token
    return {"Authorization": f"Bearer {token}"}


def publish(amqp_uri, envelopes, declare=False):
    """Publish event envelopes on the events exchange, persistent, as the
    outbox relay does; `declare`: the topology first (no service may have yet)."""
    from kombu import Connection

    from jastar_common.topology import EVENTS_EXCHANGE_NAME, declare_topology

    with Connection(amqp_uri) as conn:
        if declare:
            declare_topology(conn)
        producer = conn.Producer()
        for envelope in envelopes:
            producer.publish(envelope.to_dict(), serializer="json", exchange=EVENTS_EXCHANGE_NAME,
                             routing_key=envelope.type, message_id=envelope.id, delivery_mode=2)

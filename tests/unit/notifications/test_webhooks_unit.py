"""Webhook signing against the Standard Webhooks reference vector, the
CloudEvents body, pattern matching, URL safety (and DNS that fails or does
not answer), Retry-After, and taking
events: nothing written for an event no one wants, once for one they do."""
import base64
import hashlib
import hmac
import json
import socket
import time
from datetime import datetime, timezone

import eventlet
import pytest

from jastar_common.envelope import Envelope
from jastar_common.errors import InvalidInput
from jastar_notifications.domain.webhooks import (
    CONSUMER, HostUnresolved, allowed_hosts, check_target, check_url, cloud_event, new_secret, retry_after_seconds,
    sign, take_event,
)
from jastar_notifications.dependencies import resolver_within
from jastar_notifications.domain.model import WebhookSubscription

from .fakes import FakeUnitOfWork


def test_signature_matches_the_standard_webhooks_reference_vector():
    # the example in the Standard Webhooks spec and its reference libraries
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", '{"test": 2432232314}') \
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_is_the_hmac_of_id_timestamp_body_under_the_decoded_secret():
    secret = new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) >= 24
    body = json.dumps({"a": "ә"}, ensure_ascii=False).encode()
    expected = base64.b64encode(hmac.new(base64.b64decode(secret[6:]), b"id1.99." + body,
                                         hashlib.sha256).digest()).decode()
    assert sign(secret, "id1", "99", body) == "v1," + expected
    assert sign(secret, "id2", "99", body) != sign(secret, "id1", "99", body)


def test_cloud_event_body_carries_the_webhook_id():
    envelope = Envelope(type="booking.confirmed", source="booking", data={"booking_id": "b-1"},
                        time=datetime(2026, 12, 1, 5, 0, tzinfo=timezone.utc))
    body = json.loads(cloud_event("w-1", envelope))
    assert body["specversion"] == "1.0" and body["id"] == "w-1"
    assert body["type"] == "booking.confirmed" and body["source"] == "/jastar-hub/booking"
    assert body["data"] == {"booking_id": "b-1"} and body["jastareventid"] == envelope.id
    assert body["time"].startswith("2026-12-01T05:00:00")


@pytest.mark.parametrize("patterns, event_type, wanted", [
    (["booking.*"], "booking.confirmed", True),
    (["booking.*"], "waitlist.offered", False),
    (["*"], "member.registered", True),
    (["member.registered", "waitlist.*"], "waitlist.offered", True),
    (["booking.confirmed"], "booking.cancelled", False),
])
def test_event_type_patterns(patterns, event_type, wanted):
    subscription = WebhookSubscription({"event_types": patterns, "active": True, "disabled_reason": None})
    assert subscription.wants(event_type) is wanted
    subscription.disable("410 Gone")
    assert subscription.wants(event_type) is False  # a disabled one wants nothing


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/",
    "https://192.168.0.10/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/",
    "http://172.16.5.5/", "http://internal.example/hook",
])
def test_private_and_loopback_addresses_are_refused(url):
    resolver = {"localhost": {"127.0.0.1"}, "internal.example": {"10.9.9.9"}}
    with pytest.raises(InvalidInput) as err:
        check_url(url, resolver=lambda host: resolver.get(host, {host.strip("[]")}))
    assert "url" in err.value.details["fields"]


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "example.com", "", "http:///x"])
def test_only_http_urls(url):
    with pytest.raises(InvalidInput):
        check_url(url, allowed=allowed_hosts("example.com,localhost"))


def test_public_addresses_pass_and_private_ones_when_their_host_is_listed():
    check_url("https://hooks.example.com/in", resolver=lambda host: {"93.184.216.34"})
    listed = allowed_hosts(" 127.0.0.1, LocalHost ,[::1],")
    assert listed == {"127.0.0.1", "localhost", "::1"}

    def never(host):
        raise AssertionError("a listed host is not looked up")
    for url in ("http://127.0.0.1:9999/hook", "http://localhost/hook", "http://[::1]:8/x"):
        check_url(url, allowed=listed, resolver=never)


@pytest.mark.parametrize("url", ["http://127.0.0.2/hook", "http://10.1.2.3/", "http://internal.example/"])
def test_a_private_host_not_on_the_list_is_still_refused(url):
    with pytest.raises(InvalidInput) as err:
        check_url(url, allowed=allowed_hosts("127.0.0.1,localhost"),
                  resolver=lambda host: {"10.9.9.9"} if host == "internal.example" else {host})
    assert "WEBHOOK_ALLOWED_HOSTS" in err.value.details["fields"]["url"][0]


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("7", now) == 7
    assert retry_after_seconds("Tue, 01 Dec 2026 10:00:30 GMT", now) == 30
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


def _subscription(subscription_id, event_types, active=True):
    return {"id": subscription_id, "owner": "acme", "event_types": event_types, "active": active}


def test_an_event_no_subscription_wants_writes_and_commits_nothing():
    uow = FakeUnitOfWork()
    uow.subscriptions.rows = {"s-1": _subscription("s-1", ["booking.*"]),
                               "s-2": _subscription("s-2", ["*"], active=False)}
    event = Envelope(type="centre.updated", source="registry", data={"centre_id": "karasai-yrc"})
    assert take_event(uow, event, datetime(2026, 11, 28, tzinfo=timezone.utc)) == 0
    assert uow.inbox == set() and uow.deliveries.rows == {} and uow.commits == 0


def test_an_event_a_subscription_wants_is_written_once_with_its_inbox_row():
    uow = FakeUnitOfWork()
    uow.subscriptions.rows = {"s-1": _subscription("s-1", ["booking.*"]),
                               "s-2": _subscription("s-2", ["member.*"])}
    event = Envelope(type="booking.confirmed", source="booking", data={"booking_id": "b-1"})
    now = datetime(2026, 11, 28, tzinfo=timezone.utc)
    assert take_event(uow, event, now) == 1
    assert take_event(uow, event, now) == 0  # redelivered: the inbox has it
    assert uow.inbox == {(CONSUMER, event.id)} and uow.commits == 1
    [delivery] = uow.deliveries.rows.values()
    assert (delivery["subscription_id"], delivery["event_id"], delivery["status"]) == (
        "s-1", event.id, "queued")


@pytest.mark.parametrize("failure, said", [(socket.gaierror(-2, "Name or service not known"), "host does not resolve"),
                                           (TimeoutError("no DNS answer"), "host did not resolve in time")])
def test_a_host_without_an_address_is_refused_when_registered_and_retried_when_delivering(failure, said):
    def resolver(host):
        raise failure

    with pytest.raises(InvalidInput) as err:
        check_url("https://hooks.example.com/in", resolver=resolver)
    assert err.value.details["fields"] == {"url": [said]}
    with pytest.raises(HostUnresolved, match=said):  # the sender's check: a reason to try again
        check_target("https://hooks.example.com/in", resolver=resolver)


def test_the_senders_resolver_gives_up_after_its_deadline(monkeypatch):
    from jastar_notifications.domain import webhooks
    monkeypatch.setattr(webhooks, "resolve", lambda host: eventlet.sleep(30))
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        resolver_within(0.2)("hooks.example.com")
    assert time.monotonic() - started < 5
    # a deadline of the caller's own is the caller's: not turned into "no DNS answer"
    with pytest.raises(eventlet.Timeout), eventlet.Timeout(0.1):
        resolver_within(10)("hooks.example.com")
    monkeypatch.setattr(webhooks, "resolve", lambda host: {"93.184.216.34"})
    assert resolver_within(0.2)("hooks.example.com") == {"93.184.216.34"}

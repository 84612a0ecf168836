"""Webhooks for integrators, after the Standard Webhooks spec
(https://www.standardwebhooks.com): signed POSTs whose body is a CloudEvents
1.0 structured JSON event with id == webhook-id.

Subscriptions belong to their integrator (caller.id); admin and system may see
and manage all of them. The secret is shown once, at creation."""
import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import uuid
from contextlib import nullcontext
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from jastar_common.errors import Conflict, InvalidInput

from . import access
from .model import QUEUED, WebhookDelivery, WebhookSubscription

SECRET_PREFIX = "whsec_"
# CloudEvents' structured mode: the body is the whole event, data inside it
CONTENT_TYPE = "application/cloudevents+json"
CONSUMER = "notifications.webhooks"


# --- signing ------------------------------------------------------------------

def new_secret():
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret, webhook_id, timestamp, body):
    """webhook-signature for one delivery: "v1," + base64(HMAC-SHA256(key,
    id.timestamp.body)), the key being the base64 part of the whsec_ secret."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{webhook_id}.{timestamp}.".encode() + (body.encode() if isinstance(body, str) else body)
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def cloud_event(webhook_id, envelope):
    """The JSON body: CloudEvents 1.0, structured mode."""
    return json.dumps({
        "specversion": "1.0",
        "id": webhook_id,
        "source": f"/jastar-hub/{envelope.source}",
        "type": envelope.type,
        "time": envelope.time.isoformat(),
        "datacontenttype": "application/json",
        "jastareventid": envelope.id,  # the same event reaches every subscription
        "data": envelope.data,
    }, ensure_ascii=False, separators=(",", ":"))


# --- URL safety -------------------------------------------------------------------

def resolve(host):
    return {info[4][0] for info in socket.getaddrinfo(host, None)}


class HostUnresolved(Exception):
    """No address for a webhook's host, or none in time: a URL being registered
    is refused for it; a delivery tries again later (DNS can be down a while)."""


def allowed_hosts(text):
    """WEBHOOK_ALLOWED_HOSTS ("127.0.0.1,localhost") as a set of host names,
    lower case; an IPv6 address may be written with or without brackets."""
    return frozenset(host.strip().strip("[]").lower() for host in (text or "").split(",")
                     if host.strip())


def check_target(url, allowed=frozenset(), resolver=resolve):
    """http(s) only; the host must resolve to public addresses unless it is in
    `allowed` (WEBHOOK_ALLOWED_HOSTS), so a webhook can be aimed at our own
    network only by the operator's explicit say, one host at a time.
    InvalidInput for a URL never to be posted to; HostUnresolved for a host
    without an address now. The resolver raises TimeoutError for no answer."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("not an http(s) URL", fields={"url": ["must be an http or https URL"]})
    if parts.hostname.lower() in allowed:
        return
    try:
        addresses = resolver(parts.hostname)
    except TimeoutError:
        raise HostUnresolved("host did not resolve in time") from None
    except OSError:
        raise HostUnresolved("host does not resolve") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise InvalidInput("private address", fields={
                "url": [f"{parts.hostname} is a loopback, private or link-local address "
                        "(not in WEBHOOK_ALLOWED_HOSTS)"]})


def check_url(url, allowed=frozenset(), resolver=resolve):
    """check_target for a URL being registered: a host that does not resolve is refused too."""
    try:
        check_target(url, allowed, resolver)
    except HostUnresolved as exc:
        raise InvalidInput(str(exc), fields={"url": [str(exc)]}) from None


def retry_after_seconds(value, now):
    """Retry-After as seconds, from delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    except (TypeError, ValueError):
        return None


# --- use cases ----------------------------------------------------------------------

def create_subscription(uow, box, now, caller, url, event_types, description=None,
                        allowed=frozenset(), resolver=resolve):
    owner = access.webhook_owner(caller)
    check_url(url, allowed, resolver)
    secret = new_secret()
    row = {"id": str(uuid.uuid4()), "owner": owner, "url": url, "event_types": list(event_types),
           "secret": box.encrypt(secret), "description": description, "active": True,
           "disabled_reason": None, "created_at": now}
    with uow:
        uow.subscriptions.add(row)
        uow.commit()
    return {**row, "secret": secret}  # the only time it is shown


def list_subscriptions(uow, caller):
    owner = None if caller.is_privileged else access.webhook_owner(caller)
    with uow:
        return uow.subscriptions.owned(owner=owner)


def delete_subscription(uow, caller, subscription_id):
    access.webhook_owner(caller)
    with uow:
        access.check_webhook_owner(caller, uow.subscriptions.get(subscription_id), obj_id=subscription_id)
        uow.deliveries.delete_all(subscription_id)
        uow.subscriptions.delete(subscription_id)
        uow.commit()


def list_deliveries(uow, caller, subscription_id, limit=50, offset=0):
    access.webhook_owner(caller)
    with uow:
        access.check_webhook_owner(caller, uow.subscriptions.get(subscription_id), obj_id=subscription_id)
        return uow.deliveries.newest(subscription_id, limit, offset)


def replay_delivery(uow, caller, now, delivery_id):
    """Send a delivery again, with the same webhook-id (receivers dedup by it)."""
    access.webhook_owner(caller)
    with uow:
        delivery = uow.deliveries.get(delivery_id)
        subscription = delivery and uow.subscriptions.get(delivery["subscription_id"])
        access.check_webhook_owner(caller, subscription, "delivery", delivery_id)
        WebhookSubscription(subscription).check_active()
        uow.deliveries.update(delivery_id, **WebhookDelivery(delivery).replay(now))
        uow.commit()
        return delivery


def take_event(uow, envelope, now):
    """take_events for one event."""
    return take_events(uow, [envelope], now)


def take_events(uow, envelopes, now, traced=lambda envelope: nullcontext()):
    """One delivery row per active subscription that wants an event, for a
    batch of events in one transaction, each event once (inbox); nothing
    when none is wanted. `traced`: see services.take_events."""
    with uow:
        subscriptions = uow.subscriptions.owned(active_only=True)
        wanted = {envelope.id: [s for s in subscriptions if WebhookSubscription(s).wants(envelope.type)]
                  for envelope in envelopes}
        envelopes = [envelope for envelope in envelopes if wanted[envelope.id]]
        if not envelopes:
            # Every event on the system comes here and most are wanted by no
            # one: then write nothing, not even the inbox row, and commit
            # nothing (no fsync). Nothing was done, so a redelivery has nothing
            # to de-duplicate: it reads again and, if a subscription wants it
            # by then, goes through the inbox below once. A subscription made
            # just after this read misses this event, as if made a moment
            # later: it promises only the events that come after it exists.
            return 0
        fresh = uow.first_deliveries(CONSUMER, envelopes)
        if not fresh:
            return 0
        written = 0
        for envelope in fresh:
            with traced(envelope):
                for subscription in wanted[envelope.id]:
                    written += _deliver(uow, subscription, envelope, now)
        uow.commit()
        return written


def _deliver(uow, subscription, envelope, now):
    webhook_id = str(uuid.uuid4())
    return uow.deliveries.add({
        "id": webhook_id, "subscription_id": subscription["id"], "event_id": envelope.id,
        "event_type": envelope.type, "body": cloud_event(webhook_id, envelope),
        "status": QUEUED, "attempts": 0, "next_attempt_at": now, "lease_until": None,
        "last_status_code": None, "last_error": None, "response_ms": None,
        "created_at": now, "sent_at": None})

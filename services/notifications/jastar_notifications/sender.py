"""Sending what is due: reminders become messages, messages go out through
their channel, webhook deliveries are POSTed. Called by the service's timer.

Exactly once, even across crashes: a pass first *claims* rows in its own short
transaction (status 'sending', attempts + 1, a lease; FOR UPDATE SKIP LOCKED so
another process takes other rows), then sends, then records the outcome. If
the process dies between the provider accepting and the row saying 'sent',
the row is taken again when its lease ends and sent again *with the same
idempotency key* (the message id): the SMS provider answers with the first
message instead of sending a second, an e-mail repeats its Message-ID, a
webhook repeats its webhook-id (receivers dedup by it, per the spec). Only
Telegram, which has no such key, can show a duplicate in that window. The
lease (SEND_LEASE_SECONDS) must be longer than one send can take (provider
timeout), so a live process never loses its rows to another."""
import logging
import random
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import eventlet
import requests

from jastar_common.metrics import NOTIFICATIONS
from jastar_common.tracing import SpanKind, continued, current_traceparent

from .channels import Outgoing, PermanentError, RetryableError
from .domain import services, webhooks
from .domain.localtime import format_when
from .domain.quiet import send_after
from .templates import render

log = logging.getLogger(__name__)


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


def phone_digits(phone):
    digits = re.sub(r"\D", "", phone or "")
    return "+" + digits if digits else None


def _time(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _name(obj, language):
    if not obj:
        return ""
    return obj.get(f"name_{language}") or obj.get("name_ru") or obj.get("name") or ""


def _what(data, directory):
    for kind in ("service", "space", "programme", "session"):
        if data.get(f"{kind}_id"):
            return directory.entity(kind, data[f"{kind}_id"])
    if data.get("resource_id"):  # waitlists: a session or a whole programme
        return directory.entity("session", data["resource_id"]) or directory.entity(
            "programme", data["resource_id"])
    return None


def build_context(data, member, language, directory):
    what = _what(data, directory)
    if what and not _name(what, language) and what.get("programme_id"):
        what = directory.entity("programme", what["programme_id"])  # a session is named by its course
    centre = directory.entity("centre", data["centre_id"]) if data.get("centre_id") else None
    times = {key: format_when(_time(data[field]), language)
             for key, field in (("when", "starts_at"), ("previous_when", "previous_starts_at"),
                                ("deadline", "offer_expires_at")) if data.get(field)}
    return {"name": (member or {}).get("full_name", ""), "centre": _name(centre, language),
            "address": (centre or {}).get("address", ""), "what": _name(what, language),
            "reason": data.get("reason") or "", "lead": data.get("lead") or "", **times}


class Dispatcher:
    def __init__(self, uow_factory, channels, directory, settings, send_settings, box,
                 http=None, clock=None, resolver=None):
        self.uow_factory = uow_factory
        self.channels = channels
        self.directory = directory
        self.settings = settings  # domain Settings: quiet hours, channels
        self.send = send_settings
        self.box = box
        self.http = http or requests.Session()
        self.clock = clock
        self.resolver = resolver or webhooks.resolve  # the service gives one with a deadline
        self.quiet = {}  # members' quiet hours, read with each batch

    def run_once(self, max_seconds=5.0):
        """Work until nothing is due or max_seconds have gone (the timer comes back)."""
        started = time.monotonic()
        while True:
            busy = services.materialise_due_reminders(
                self.uow_factory(), self.settings, self.clock(), self.send.batch_size)
            busy += self.send_messages() + self.post_webhooks()
            if busy == 0 or time.monotonic() - started > max_seconds:
                return

    def send_due_messages(self, max_seconds=5.0):
        """Messages only, until none is due or max_seconds have gone."""
        started = time.monotonic()
        while self.send_messages() >= self.send.batch_size and time.monotonic() - started < max_seconds:
            pass

    # --- messages ---------------------------------------------------------------

    def send_messages(self):
        now = self.clock()
        with self.uow_factory() as uow:
            claimed = uow.store.claim_messages(now, self.send.batch_size,
                                               now + timedelta(seconds=self.send.lease_seconds))
            chats = uow.store.telegram_chats(
                {m["member_id"] for m in claimed if m["channel"] == "telegram" and m["member_id"]})
            # members' quiet hours as they are now (they may have changed since the row was written)
            self.quiet = uow.store.quiet_hours_of({m["member_id"] for m in claimed if m["member_id"]})
            uow.commit()
        # the contacts of the whole batch in one registry call, not one per message
        self.directory.prefetch_members(
            m["member_id"] for m in claimed if self._needs_member(m, now) and m["member_id"])
        # each message is prepared (names from the registry) and sent in its
        # own greenthread: a slow look-up holds up its message only
        pool = eventlet.GreenPool(self.send.concurrency)
        for message, changes in pool.imap(lambda m: self._send_one(m, now, chats), claimed):
            self._record(message, changes)
        return len(claimed)

    def _send_one(self, message, now, chats):
        # in the trace, and under the correlation id, of the event that made the message
        with continued(message.get("correlation_id"), message.get("traceparent"),
                       f"notifications.send {message['channel']}", service="notifications"):
            return self._deliver(self._prepare(message, now, chats))

    def _send_after(self, message, at):
        """The one quiet-hours rule (domain/quiet.py) for this message from `at`."""
        return send_after(at, message_type=message["message_type"], channel=message["channel"],
                          data=message["data"], sms_quiet=self.settings.quiet_hours,
                          member_quiet=self.quiet.get(message["member_id"]))

    def _held_for_quiet_hours(self, message, now):
        return self._send_after(message, now) > now

    def _needs_member(self, message, now):
        return message["message_type"] != "login_code" and not self._held_for_quiet_hours(message, now)

    def _prepare(self, message, now, chats):
        """(message, Outgoing) to send, or (message, changes) to record as is."""
        try:
            if message["message_type"] == "login_code":
                return message, self._login_code(message, now)
            if self._held_for_quiet_hours(message, now):
                # due before the quiet window but reached in it: wait for its end
                return message, {"status": "queued", "attempts": message["attempts"] - 1,
                                 "lease_until": None, "next_attempt_at": self._send_after(message, now)}
            return message, self._member_message(message, chats)
        except PermanentError as exc:
            return message, self._failed(message, exc, permanent=True)
        except RetryableError as exc:
            return message, self._failed(message, exc)

    def _login_code(self, message, now):
        if message["created_at"] + timedelta(seconds=self.send.login_code_ttl_seconds) < now:
            return {"status": "dead", "last_error": "expired before it could be sent",
                    "data": {"language": message["data"].get("language")}, "lease_until": None}
        language = message["data"].get("language") or "ru"
        rendered = render("login_code", language, {"code": message["data"]["code"]})
        return Outgoing(message["id"], "login_code", phone_digits(message["recipient"]),
                        rendered.subject, rendered.body, sensitive=True)

    def _member_message(self, message, chats):
        member = self.directory.member(message["member_id"])
        if member is None or member.get("status") == "erased":
            return {"status": "skipped", "last_error": "member erased or unknown", "lease_until": None}
        to = self._address(message, member, chats)
        if not to:
            return {"status": "skipped", "last_error": f"no {message['channel']} contact on file",
                    "lease_until": None}
        language = member.get("language") or "ru"
        rendered = render(message["message_type"], language,
                          build_context(message["data"], member, language, self.directory))
        return Outgoing(message["id"], message["message_type"], to, rendered.subject, rendered.body)

    def _address(self, message, member, chats):
        channel = message["channel"]
        if channel == "sms":
            return phone_digits(member.get("phone"))
        if channel == "email":
            return member.get("email")
        if channel == "telegram":  # a chat linked in the preferences, else the handle on file
            return chats.get(message["member_id"]) or member.get("telegram")
        return f"member:{message['member_id']}"

    def _deliver(self, job):
        message, outgoing = job
        if not isinstance(outgoing, Outgoing):
            return message, outgoing
        try:
            provider_id = self.channels[message["channel"]].send(outgoing)
        except PermanentError as exc:
            return message, self._failed(message, exc, permanent=True)
        except Exception as exc:  # RetryableError, or a fault we did not foresee
            return message, self._failed(message, exc)
        changes = {"status": "sent", "provider_message_id": provider_id, "sent_at": self.clock(),
                   "last_error": None, "lease_until": None}
        if message["message_type"] == "login_code":
            changes["data"] = {"language": message["data"].get("language")}  # the code goes
        return message, changes

    def _failed(self, message, exc, permanent=False):
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
        dead = permanent or message["attempts"] >= self.send.max_attempts
        if dead:
            log.warning("message dead", extra={"message_id": message["id"], "error": error})
            changes = {"status": "dead", "last_error": error, "lease_until": None}
            if message["message_type"] == "login_code":
                changes["data"] = {"language": message["data"].get("language")}
            return changes
        due = self.clock() + timedelta(seconds=backoff(self.send, message["attempts"]))
        due = self._send_after(message, due)
        return {"status": "failed", "last_error": error, "next_attempt_at": due, "lease_until": None}

    def _record(self, message, changes):
        with self.uow_factory() as uow:
            uow.store.update_message(message["id"], **changes)
            uow.commit()
        NOTIFICATIONS.labels(message["channel"], changes["status"]).inc()

    # --- webhooks ---------------------------------------------------------------

    def post_webhooks(self):
        now = self.clock()
        with self.uow_factory() as uow:
            claimed = uow.store.claim_deliveries(now, self.send.batch_size,
                                                 now + timedelta(seconds=self.send.lease_seconds))
            subscriptions = {sid: uow.store.get_subscription(sid)  # a batch is mostly for a few endpoints
                             for sid in {d["subscription_id"] for d in claimed}}
            uow.commit()
        pool = eventlet.GreenPool(self.send.concurrency)
        jobs = [(d, subscriptions[d["subscription_id"]]) for d in claimed]
        for delivery, subscription, changes in pool.imap(self._post, jobs):
            self._record_delivery(delivery, subscription, changes)
        return len(claimed)

    def _post(self, job):
        delivery, subscription = job
        with continued(delivery.get("correlation_id"), delivery.get("traceparent"),
                       f"webhook POST {delivery['event_type']}", SpanKind.CLIENT, "notifications"):
            return self._post_traced(delivery, subscription)

    def _post_traced(self, delivery, subscription):
        if subscription is None or not subscription["active"]:
            return delivery, subscription, {"status": "dead", "last_error": "subscription disabled",
                                            "lease_until": None}
        try:  # again at send time: a name may resolve elsewhere now
            webhooks.check_target(subscription["url"], self.send.webhook_allowed_hosts, self.resolver)
        except webhooks.HostUnresolved as exc:  # DNS may be back by the next attempt
            return delivery, subscription, self._webhook_retry(delivery, None, str(exc))
        except Exception as exc:
            return delivery, subscription, {"status": "dead", "last_error": str(exc),
                                            "lease_until": None}
        timestamp = str(int(time.time()))
        body = delivery["body"].encode()
        headers = {"content-type": webhooks.CONTENT_TYPE, "webhook-id": delivery["id"],
                   "webhook-timestamp": timestamp,
                   "webhook-signature": webhooks.sign(self.box.decrypt(subscription["secret"]),
                                                      delivery["id"], timestamp, body)}
        if current_traceparent():  # the receiver may join the trace (W3C trace context)
            headers["traceparent"] = current_traceparent()
        started = time.monotonic()
        try:
            response = self.http.post(subscription["url"], data=body, headers=headers,
                                      timeout=self.send.webhook_timeout_seconds, allow_redirects=False)
        except requests.RequestException as exc:
            return delivery, subscription, self._webhook_retry(delivery, None, exc.__class__.__name__)
        took = {"response_ms": int((time.monotonic() - started) * 1000),
                "last_status_code": response.status_code}
        return delivery, subscription, {**took, **self._webhook_outcome(delivery, response)}

    def _webhook_outcome(self, delivery, response):
        code = response.status_code
        if 200 <= code < 300:
            return {"status": "sent", "sent_at": self.clock(), "last_error": None, "lease_until": None}
        if code == 410:
            return {"status": "dead", "last_error": "410 Gone: subscription disabled",
                    "lease_until": None, "disable": True}
        wait = None
        if code in (429, 503):
            wait = webhooks.retry_after_seconds(response.headers.get("Retry-After"), self.clock())
        return self._webhook_retry(delivery, wait, f"HTTP {code}")

    def _webhook_retry(self, delivery, wait, error):
        if delivery["attempts"] >= self.send.webhook_max_attempts:
            return {"status": "dead", "last_error": error, "lease_until": None}
        if wait is None:
            wait = backoff(self.send, delivery["attempts"])
        wait = min(wait, self.send.retry_after_max_seconds)
        return {"status": "failed", "last_error": error, "lease_until": None,
                "next_attempt_at": self.clock() + timedelta(seconds=wait)}

    def _record_delivery(self, delivery, subscription, changes):
        disable = changes.pop("disable", False)
        with self.uow_factory() as uow:
            uow.store.update_delivery(delivery["id"], **changes)
            if disable:
                reason = f"the endpoint answered 410 Gone at {self.clock().isoformat()}"
                uow.store.update_subscription(subscription["id"], active=False, disabled_reason=reason)
                uow.store.stop_deliveries(subscription["id"], "subscription disabled (410 Gone)")
            uow.commit()

"""Sending messages to members: due reminders become messages, and due
messages go out through their channel. Called by the service's timer, and
at once when a commit wrote a message due now (see service.py).

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
import re
import time
from datetime import datetime, timedelta

import eventlet

from jastar_common.metrics import NOTIFICATIONS
from jastar_common.tracing import continued

from .channels import Outgoing, PermanentError, RetryableError
from .domain import services
from .domain.localtime import format_when
from .domain.model import Message
from .domain.quiet import send_after
from .sending import backoff
from .templates import render

log = logging.getLogger(__name__)


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


class MessageSender:
    """`settings`: the domain's (quiet hours, channels); `send`: SendSettings."""

    def __init__(self, uow_factory, channels, directory, settings, send, clock):
        self.uow_factory = uow_factory
        self.channels = channels
        self.directory = directory
        self.settings = settings
        self.send = send
        self.clock = clock
        self.quiet = {}  # members' quiet hours, read with each batch

    def send_due(self, max_seconds=5.0):
        """Due reminders to messages, and messages out, until nothing is due
        or max_seconds have gone (the timer comes back)."""
        started = time.monotonic()
        while True:
            busy = services.materialise_due_reminders(
                self.uow_factory(), self.settings, self.clock(), self.send.batch_size)
            busy += self.send_messages()
            if busy == 0 or time.monotonic() - started > max_seconds:
                return

    def send_new(self, max_seconds=5.0):
        """Messages only (no reminders), until none is due or max_seconds have gone."""
        started = time.monotonic()
        while self.send_messages() >= self.send.batch_size and time.monotonic() - started < max_seconds:
            pass

    def send_messages(self):
        now = self.clock()
        with self.uow_factory() as uow:
            claimed = uow.messages.claim(now, self.send.batch_size,
                                         now + timedelta(seconds=self.send.lease_seconds))
            chats = uow.preferences.telegram_chats(
                {m["member_id"] for m in claimed if m["channel"] == "telegram" and m["member_id"]})
            # members' quiet hours as they are now (they may have changed since the row was written)
            self.quiet = uow.preferences.quiet_hours_of({m["member_id"] for m in claimed if m["member_id"]})
            uow.commit()
        # the contacts of the whole batch in one registry call, not one per message
        self.directory.prefetch_members(
            m["member_id"] for m in claimed if self._needs_member(m, now) and m["member_id"])
        # each message is prepared (names from the registry) and sent in its
        # own greenthread: a slow look-up holds up its message only
        pool = eventlet.GreenPool(self.send.concurrency)
        self._record(list(pool.imap(lambda m: self._send_one(m, now, chats), claimed)))
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
                return message, Message(message).hold(self._send_after(message, now))
            return message, self._member_message(message, chats)
        except PermanentError as exc:
            return message, self._failed(message, exc, permanent=True)
        except RetryableError as exc:
            return message, self._failed(message, exc)

    def _login_code(self, message, now):
        if message["created_at"] + timedelta(seconds=self.send.login_code_ttl_seconds) < now:
            return Message(message).dead("expired before it could be sent")
        language = message["data"].get("language") or "ru"
        rendered = render("login_code", language, {"code": message["data"]["code"]})
        return Outgoing(message["id"], "login_code", phone_digits(message["recipient"]),
                        rendered.subject, rendered.body, sensitive=True)

    def _member_message(self, message, chats):
        member = self.directory.member(message["member_id"])
        if member is None or member.get("status") == "erased":
            return Message(message).skip("member erased or unknown")
        to = self._address(message, member, chats)
        if not to:
            return Message(message).skip(f"no {message['channel']} contact on file")
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
        return message, Message(message).sent(self.clock(), provider_message_id=provider_id)

    def _failed(self, message, exc, permanent=False):
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
        dead = permanent or message["attempts"] >= self.send.max_attempts
        if dead:
            log.warning("message dead", extra={"message_id": message["id"], "error": error})
            return Message(message).dead(error)
        due = self.clock() + timedelta(seconds=backoff(self.send, message["attempts"]))
        return Message(message).failed(error, self._send_after(message, due))

    def _record(self, outcomes):
        """The pass's outcomes in one transaction: one commit, not one per
        message. A crash before it sends them again, under the same keys."""
        if not outcomes:
            return
        with self.uow_factory() as uow:
            for message, changes in outcomes:
                uow.messages.update(message["id"], **changes)
            uow.commit()
        for message, changes in outcomes:
            NOTIFICATIONS.labels(message["channel"], changes["status"]).inc()

    # --- webhooks ---------------------------------------------------------------

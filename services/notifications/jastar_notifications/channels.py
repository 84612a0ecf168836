"""Channels behind one interface: `send(outgoing) -> provider message id`,
raising RetryableError (provider down, timeout, 429/5xx) or PermanentError
(refused for good: bad number, no chat id).

Every outgoing message carries its own id as the idempotency key: the SMS
provider gets it as a request field and header, e-mail as the Message-ID.
Telegram's Bot API has nothing of the kind (see TelegramChannel)."""
import logging
import re
import smtplib
import socket
from dataclasses import dataclass
from email.message import EmailMessage

import requests

log = logging.getLogger(__name__)


class ChannelError(Exception):
    pass


class RetryableError(ChannelError):
    pass


class PermanentError(ChannelError):
    pass


@dataclass(frozen=True)
class Outgoing:
    id: str  # the message id: idempotency key at the provider
    message_type: str
    to: str
    subject: str
    body: str
    sensitive: bool = False  # a login code: its text is never logged


def _http_error(channel, response):
    detail = f"{channel} provider answered {response.status_code}: {response.text[:200]}"
    if response.status_code == 429 or response.status_code >= 500:
        return RetryableError(detail)
    return PermanentError(detail)


class LogChannel:
    """Development default: the delivery log row is the whole record."""
    name = "log"

    def send(self, outgoing):
        log.info("message recorded (log channel)", extra={
            "message_id": outgoing.id, "message_type": outgoing.message_type,
            "text": None if outgoing.sensitive else outgoing.body})
        return f"log-{outgoing.id}"


class SmsHttpChannel:
    """POST {"to", "text", "idempotency_key", "sender"} to the provider with the
    key in X-Api-Key; the provider answers {"message_id": ...}. A repeat with
    the same idempotency key must not send a second SMS (the provider dedups)."""
    name = "sms"

    def __init__(self, url, key, sender="JastarHub", timeout=10.0, session=None):
        self.url, self.key, self.sender, self.timeout = url, key, sender, timeout
        self.http = session or requests.Session()

    def send(self, outgoing):
        try:
            response = self.http.post(self.url, timeout=self.timeout, json={
                "to": outgoing.to, "text": outgoing.body, "sender": self.sender,
                "idempotency_key": outgoing.id,
            }, headers={"X-Api-Key": self.key or "", "Idempotency-Key": outgoing.id})
        except requests.RequestException as exc:
            raise RetryableError(f"sms provider unreachable: {exc.__class__.__name__}") from None
        if not response.ok:
            raise _http_error("sms", response)
        try:
            return str(response.json()["message_id"])
        except (ValueError, KeyError, TypeError):
            return outgoing.id


class SmtpChannel:
    """Plain SMTP (STARTTLS and login when configured). smtplib's sockets are
    green under eventlet's monkey-patching, so a slow server blocks nobody."""
    name = "email"

    def __init__(self, host, port=25, sender="noreply@jastar.kz", timeout=10.0,
                 user=None, password=None, starttls=False, domain="jastar.kz"):
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout
        self.user, self.password, self.starttls, self.domain = user, password, starttls, domain

    def send(self, outgoing):
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = outgoing.to
        email["Subject"] = outgoing.subject
        # the message's own id: a receiving system that dedups by Message-ID
        # drops a copy re-sent after a crash
        message_id = f"<{outgoing.id}@{self.domain}>"
        email["Message-ID"] = message_id
        email.set_content(outgoing.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentError(f"recipient refused: {codes}") from None
            raise RetryableError(f"recipient deferred: {codes}") from None
        except smtplib.SMTPResponseException as exc:
            error = PermanentError if exc.smtp_code >= 500 else RetryableError
            raise error(f"smtp {exc.smtp_code}: {exc.smtp_error!r}") from None
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            raise RetryableError(f"smtp server unreachable: {exc.__class__.__name__}") from None
        return message_id


class TelegramChannel:
    """Bot API sendMessage. A bot can only write to someone who has started a
    chat with it, and needs that chat's id: a bare @handle is not enough, so a
    member with no stored chat id gets a permanent failure saying so.
    The Bot API has no idempotency key: if the process dies after Telegram
    accepted a message and before the row says sent, the message goes again
    once its lease ends (the one window where a duplicate is possible)."""
    name = "telegram"

    def __init__(self, api_base, token, timeout=10.0, session=None):
        self.api_base, self.token, self.timeout = api_base.rstrip("/"), token, timeout
        self.http = session or requests.Session()

    def send(self, outgoing):
        if not re.fullmatch(r"-?\d+", outgoing.to or ""):
            raise PermanentError(
                "no Telegram chat id for this member: the bot can only message users who "
                f"started it, and {outgoing.to or 'no handle'} has not been linked")
        try:
            response = self.http.post(f"{self.api_base}/bot{self.token}/sendMessage",
                                      json={"chat_id": outgoing.to, "text": outgoing.body},
                                      timeout=self.timeout)
        except requests.RequestException as exc:
            raise RetryableError(f"telegram unreachable: {exc.__class__.__name__}") from None
        if not response.ok:
            raise _http_error("telegram", response)
        try:
            return str(response.json()["result"]["message_id"])
        except (ValueError, KeyError, TypeError):
            raise RetryableError("telegram answered without a message id") from None


def build_channels(setting):
    """The channels this process sends through. One with no provider
    configured falls back to the log channel, so development needs none."""
    timeout = setting("PROVIDER_TIMEOUT_SECONDS", 10.0, float)
    channels = {"log": LogChannel()}
    url = setting("SMS_PROVIDER_URL")
    channels["sms"] = SmsHttpChannel(url, setting("SMS_PROVIDER_KEY"), setting("SMS_SENDER", "JastarHub"),
                                     timeout) if url else LogChannel()
    host = setting("SMTP_HOST")
    channels["email"] = SmtpChannel(
        host, setting("SMTP_PORT", 25, int), setting("SMTP_FROM", "noreply@jastar.kz"), timeout,
        setting("SMTP_USER"), setting("SMTP_PASSWORD"),
        setting("SMTP_STARTTLS", "false").lower() == "true") if host else LogChannel()
    token = setting("TELEGRAM_BOT_TOKEN")
    channels["telegram"] = TelegramChannel(
        setting("TELEGRAM_API_BASE", "https://api.telegram.org"), token, timeout) if token else LogChannel()
    return channels

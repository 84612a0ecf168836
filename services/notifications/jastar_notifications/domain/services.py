"""Notifications use cases. Each takes a unit of work (its repositories:
`uow.messages`, `uow.reminders`, `uow.marks`, `uow.preferences`; see
repository.py) and plain values; nothing here knows nameko or SQLAlchemy.
States change through the entities of model.py.

Consuming and sending are separate: an event only writes `messages` and
`reminders` rows, in the same transaction as its inbox row, so a redelivered
event writes nothing new. The senders (message_sender.py, webhook_sender.py)
send what is due."""
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field

from jastar_common.errors import InvalidInput, NotFound

from . import access
from .model import QUEUED, SCHEDULED, Message, Reminder
from .quiet import send_after
from .planning import parse_offsets, plan_event

CHANNELS = ("sms", "email", "telegram", "log")


@dataclass(frozen=True)
class Settings:
    default_channels: tuple = ("log",)
    reminder_offsets: tuple = tuple(parse_offsets("24h,2h"))
    quiet_hours: tuple | None = None  # (start, end) local times, for SMS
    login_code_channel: str = "log"


@dataclass
class Outcome:
    handled: bool
    messages: list = field(default_factory=list)

    def due_by(self, now):
        """Whether a message written is due now (a confirmation, an offer):
        then it is sent at once rather than on the sender's next round."""
        return any(message["next_attempt_at"] <= now for message in self.messages)


def new_message(settings, now, *, channel, message_type, dedup_key, data,
                member_id=None, booking_id=None, recipient=None, member_quiet=None):
    # quiet hours (the service's for SMS, the member's own) hold back all but urgent kinds
    due = send_after(now, message_type=message_type, channel=channel, data=data,
                     sms_quiet=settings.quiet_hours, member_quiet=member_quiet)
    return {
        "id": str(uuid.uuid4()), "dedup_key": dedup_key, "member_id": member_id,
        "booking_id": booking_id, "message_type": message_type, "channel": channel,
        "recipient": recipient, "data": data, "status": QUEUED, "attempts": 0,
        "next_attempt_at": due, "lease_until": None, "provider_message_id": None,
        "last_error": None, "created_at": now, "sent_at": None,
    }


def channels_for(uow, member_id, settings):
    """(the channels a member wants, their quiet hours or None)."""
    prefs = uow.preferences.get(member_id)
    if not prefs:
        return tuple(settings.default_channels), None
    return tuple(prefs["channels"]), prefs.get("quiet_hours")


def _as_is(_envelope):
    return nullcontext()


def take_event(uow, consumer, envelope, settings, now):
    """take_events for one event."""
    return take_events(uow, consumer, [envelope], settings, now)


def take_events(uow, consumer, envelopes, settings, now, traced=_as_is):
    """Handle booking, waitlist or member events, each once, in one
    transaction: the messages they mean and the reminders they schedule, move
    or cancel, in the order the events came. `traced(envelope)`: a block in
    which what is written carries that event's correlation id and trace."""
    with uow:
        fresh = uow.first_deliveries(consumer, envelopes)
        if not fresh:
            return Outcome(False)
        plans = [(envelope, plan_event(envelope.type, envelope.time, envelope.data,
                                       settings.reminder_offsets)) for envelope in fresh]
        # what the events will ask of the repositories, read at once
        uow.preferences.load({m.member_id for _, plan in plans for m in plan.messages})
        uow.marks.load({plan.booking_id for _, plan in plans})
        for envelope, plan in plans:
            with traced(envelope):
                _apply(uow, envelope.id, plan, settings, now)
        outcome = Outcome(True, uow.flush())
        uow.commit()
        return outcome


def _apply(uow, event_id, plan, settings, now):
    if plan.forget_member:
        uow.messages.cancel_all("member erased", member_id=plan.forget_member)
        uow.reminders.cancel_all(member_id=plan.forget_member)
        uow.preferences.delete(plan.forget_member)
    standing = _standing(uow, plan)
    for wanted in plan.messages:
        channels, quiet = channels_for(uow, wanted.member_id, settings)
        for channel in channels:
            uow.messages.add(new_message(
                settings, now, channel=channel, message_type=wanted.message_type,
                dedup_key=f"{event_id}:{wanted.message_type}:{channel}",
                data=wanted.data, member_id=wanted.member_id,
                booking_id=wanted.data.get("booking_id"), member_quiet=quiet))
    for reminder in standing:
        message = plan.messages[0]
        uow.reminders.add({
            "id": str(uuid.uuid4()), "booking_id": message.data["booking_id"],
            "member_id": message.member_id, "kind": reminder.kind,
            "starts_at": reminder.starts_at, "due_at": reminder.due_at, "state": SCHEDULED,
            "data": message.data, "created_at": now,
        })


def _standing(uow, plan):
    """Cancel what the event ends and return the reminders to schedule, unless
    a later event about the booking was handled first (events may be handled
    out of order: several workers, retries). An ended booking schedules
    nothing; an older confirmation or move does not undo a newer one."""
    if not plan.booking_id:
        return []
    mark = uow.marks.get(plan.booking_id)
    known = mark is not None
    mark = mark or {"booking_id": plan.booking_id, "ended": False, "scheduled_by": None}
    stale = mark["ended"] or (mark["scheduled_by"] is not None and mark["scheduled_by"] > plan.event_time)
    if not (plan.ends_booking or (plan.schedules and not stale)):
        return []
    # reminders are written only with a mark, in the same transaction: a
    # booking without one has nothing to cancel (most events: a new booking)
    if known:
        uow.reminders.cancel_all(booking_id=plan.booking_id)
        # a reminder already written but not yet sent (an SMS held back by
        # quiet hours, a retry) is stale too
        uow.messages.cancel_all("booking changed", booking_id=plan.booking_id, message_type="reminder")
    if plan.ends_booking:
        uow.marks.save({**mark, "ended": True})
        return []
    uow.marks.save({**mark, "scheduled_by": plan.event_time})
    return plan.reminders


def materialise_due_reminders(uow, settings, now, limit=100):
    """Turn due reminders into messages, in one transaction with the state
    change, so a reminder is written once however often this runs or crashes.
    A reminder whose booking has already started is dropped (state expired)."""
    with uow:
        due = uow.reminders.claim_due(now, limit)
        uow.preferences.load({reminder["member_id"] for reminder in due})
        for reminder in due:
            entity = Reminder(reminder)
            if entity.too_late(now):
                uow.reminders.update(reminder["id"], **entity.expire())
                continue
            data = {**reminder["data"], "lead": reminder["kind"]}
            channels, quiet = channels_for(uow, reminder["member_id"], settings)
            for channel in channels:
                uow.messages.add(new_message(
                    settings, now, channel=channel, message_type="reminder",
                    dedup_key=f"reminder:{reminder['id']}:{channel}", data=data,
                    member_id=reminder["member_id"], booking_id=reminder["booking_id"],
                    member_quiet=quiet))
            uow.reminders.update(reminder["id"], **entity.sent())
        uow.commit()
        return len(due)


def queue_login_code(uow, caller, settings, now, phone, code, language):
    """The gateway made the code and checks it; this only delivers it. The code
    lives in the row until the message is sent or dead, then is wiped."""
    access.check_sends_login_codes(caller)
    with uow:
        row = new_message(settings, now, channel=settings.login_code_channel,
                          message_type="login_code", dedup_key=f"login:{uuid.uuid4()}",
                          data={"code": code, "language": language}, recipient=phone)
        uow.messages.add(row)
        uow.commit()
        return row["id"]


# channel preferences

def get_preferences(uow, caller, settings, member_id):
    access.check_member_access(caller, member_id)
    with uow:
        prefs = uow.preferences.get(member_id)
    if prefs is None:
        return {"member_id": member_id, "channels": list(settings.default_channels),
                "telegram_chat_id": None, "quiet_hours": None, "default": True}
    return {**prefs, "default": False}


def set_preferences(uow, caller, now, member_id, channels, telegram_chat_id=None, quiet_hours=None):
    """`channels` is what the member wants; a channel left out is opted out of
    (an empty list: no messages at all). `quiet_hours` {"from", "to"} (Almaty
    "HH:MM", may cross midnight) or None: see quiet.py for what they hold."""
    access.check_member_access(caller, member_id)
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise InvalidInput("unknown channel", fields={"channels": [f"unknown: {', '.join(unknown)}"]})
    row = {"member_id": member_id, "channels": list(dict.fromkeys(channels)),
           "telegram_chat_id": telegram_chat_id, "quiet_hours": quiet_hours, "updated_at": now}
    with uow:
        uow.preferences.save(row)
        uow.commit()
    return {**row, "default": False}


def list_messages(uow, caller, member_id, limit=50, offset=0):
    """A member's delivery log."""
    access.check_member_access(caller, member_id)
    with uow:
        return uow.messages.newest(member_id=member_id, limit=limit, offset=offset)


def list_dead_messages(uow, caller, limit=50, offset=0):
    """For staff: messages that could not be delivered after every try."""
    access.check_handles_dead_messages(caller)
    with uow:
        return uow.messages.newest(status="dead", limit=limit, offset=offset)


def retry_dead_message(uow, caller, now, message_id):
    """Staff put a dead message back in the queue (after fixing a contact, say)."""
    access.check_handles_dead_messages(caller)
    with uow:
        message = uow.messages.get(message_id)
        if message is None:
            raise NotFound("no such message", entity="message", id=message_id)
        uow.messages.update(message_id, **Message(message).retry(now))
        uow.commit()
        return message

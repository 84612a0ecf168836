"""Notifications' domain: the things that have states, and how the states may
change. Plain Python, no framework.

Rows go in and out of the repositories as plain dicts (models.py); an entity
is a light wrapper over its row, so a sender's batch costs no more than the
dicts it already holds. Each change goes through the entity's table of
allowed transitions (jastar_common.transitions), updates the row and returns
the columns it changed, for the repository to write. A change made to many
rows in one statement (cancel a booking's messages, claim due rows) takes
its states from the same table (`starts`, `end`)."""
import fnmatch

from jastar_common import transitions
from jastar_common.errors import Conflict

QUEUED, SENDING = "queued", "sending"
PENDING = (QUEUED, "failed")  # waiting for their next attempt at next_attempt_at
SCHEDULED = "scheduled"

# a message or a webhook delivery on its way out: queued -> sending (claimed,
# with a lease) -> sent | failed (retry due) | dead. A row left sending past
# its lease is claimed again: its process died (see message_sender.py).
_OUTGOING = {
    **{("claim", state): SENDING for state in (*PENDING, SENDING)},
    ("send", SENDING): "sent",
    ("fail", SENDING): "failed",
    ("give_up", SENDING): "dead",  # last try failed, or a permanent error
}
MESSAGE_TRANSITIONS = {
    **_OUTGOING,
    ("skip", SENDING): "skipped",  # nothing to send to: no contact, member erased
    ("hold", SENDING): QUEUED,  # reached in quiet hours: waits for their end
    **{("cancel", state): "cancelled" for state in PENDING},  # booking changed, member erased
    ("retry", "dead"): QUEUED,  # staff put it back
}
DELIVERY_TRANSITIONS = {
    **_OUTGOING,
    **{("stop", state): "dead" for state in PENDING},  # its subscription was disabled
    # sent again, with the same webhook-id; never while being sent
    **{("replay", state): QUEUED for state in (*PENDING, "sent", "dead")},
}
# a reminder: scheduled -> sent (its messages written) | cancelled | expired
REMINDER_TRANSITIONS = {
    ("send", SCHEDULED): "sent",
    ("expire", SCHEDULED): "expired",  # the booking started before it could go
    ("cancel", SCHEDULED): "cancelled",
    ("schedule", "cancelled"): SCHEDULED,  # the booking moved back to that start
}


class _Stateful:
    """A row whose `field` changes only along `transitions`; refused: Conflict."""
    __slots__ = ("row",)
    transitions = {}
    field = "status"
    noun = ""
    refusals = {}  # action -> the Conflict's message, if not the generic one

    def __init__(self, row):
        self.row = row

    @property
    def state(self):
        return self.row[self.field]

    def may(self, action):
        return (action, self.state) in self.transitions

    def _take(self, action, **changes):
        refusal = self.refusals.get(action) or f"a {self.state} {self.noun} cannot {action}"
        changes[self.field] = transitions.next_state(self.transitions, action, self.state,
                                                     refusal, self.field)
        self.row.update(changes)
        return changes

    @classmethod
    def starts(cls, action):
        return transitions.starts(cls.transitions, action)

    @classmethod
    def end(cls, action):
        return transitions.end(cls.transitions, action)


class _Outgoing(_Stateful):
    """What the senders claim, send and record (messages, webhook deliveries)."""
    __slots__ = ()

    def _done(self):
        """What else a row drops once it is sent or dead."""
        return {}

    def claim(self, lease_until):
        return self._take("claim", lease_until=lease_until, attempts=self.row["attempts"] + 1)

    def sent(self, at, **more):
        return self._take("send", sent_at=at, last_error=None, lease_until=None, **more, **self._done())

    def failed(self, error, retry_at):
        return self._take("fail", last_error=error, next_attempt_at=retry_at, lease_until=None)

    def dead(self, error):
        return self._take("give_up", last_error=error, lease_until=None, **self._done())


class Message(_Outgoing):
    """One member (or, for a login code, one phone) x channel x message."""
    __slots__ = ()
    transitions = MESSAGE_TRANSITIONS
    noun = "message"
    refusals = {"retry": "only a dead message can be retried"}

    def _done(self):
        # a login code lives in its row until it is sent or dead, then is wiped
        if self.row["message_type"] == "login_code":
            return {"data": {"language": self.row["data"].get("language")}}
        return {}

    def skip(self, reason):
        return self._take("skip", last_error=reason, lease_until=None)

    def hold(self, until):
        """Not sent now (quiet hours): due again at `until`, the attempt not counted."""
        return self._take("hold", attempts=self.row["attempts"] - 1, lease_until=None,
                          next_attempt_at=until)

    def retry(self, now):
        """Queued again from the start; never a login code (it has expired)."""
        if self.row["message_type"] == "login_code":
            raise Conflict(self.refusals["retry"], status=self.state)
        return self._take("retry", attempts=0, next_attempt_at=now)


class WebhookDelivery(_Outgoing):
    """One event for one subscription."""
    __slots__ = ()
    transitions = DELIVERY_TRANSITIONS
    noun = "delivery"
    refusals = {"replay": "the delivery is being sent now"}

    def replay(self, now):
        return self._take("replay", attempts=0, next_attempt_at=now, last_error=None)


class WebhookSubscription:
    """An integrator's subscription to event types: active until its endpoint
    answers 410 Gone, then disabled for good (its pending deliveries die)."""
    __slots__ = ("row",)

    def __init__(self, row):
        self.row = row

    @property
    def active(self):
        return self.row["active"]

    def wants(self, event_type):
        """"booking.*" matches "booking.confirmed"; "*" matches everything."""
        return self.active and any(fnmatch.fnmatchcase(event_type, p) for p in self.row["event_types"])

    def check_active(self):
        if not self.active:
            raise Conflict("the subscription is disabled", reason=self.row["disabled_reason"])

    def disable(self, reason):
        changes = {"active": False, "disabled_reason": reason}
        self.row.update(changes)
        return changes


class Reminder(_Stateful):
    """A booking's reminder, due `kind` ("24h", "2h") before its start."""
    __slots__ = ()
    transitions = REMINDER_TRANSITIONS
    field = "state"
    noun = "reminder"

    def too_late(self, now):
        return self.row["starts_at"] <= now

    def sent(self):
        return self._take("send")

    def expire(self):
        return self._take("expire")

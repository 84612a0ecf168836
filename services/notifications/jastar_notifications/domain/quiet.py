"""When a message may go: the one rule for quiet hours.

Two windows hold messages back: the service's SMS quiet hours (SMS_QUIET_HOURS,
no texts at night) and a member's own quiet hours (any channel, from their
preferences). Both are Almaty wall-clock times and may cross midnight. A held
message is deferred to the end of the window, never dropped.

Urgent kinds go at once whatever the hour: a login code someone is waiting
for, a waitlist offer that runs out, and a booking someone else (the centre,
the system) cancelled, rejected or moved, which the member must know before
setting out. Everything else (reminders, confirmations, welcome, ...) waits."""
from datetime import time

from .localtime import defer_past_quiet_hours

URGENT = frozenset({"login_code", "waitlist_offered", "booking_rejected"})
URGENT_UNLESS_MEMBERS_OWN = frozenset({"booking_cancelled", "booking_rescheduled"})


def is_urgent(message_type, data=None):
    if message_type in URGENT:
        return True
    return message_type in URGENT_UNLESS_MEMBERS_OWN and (data or {}).get("by") != "member"


def member_window(quiet):
    """A member's {"from": "22:00", "to": "08:00"} (or None) as (start, end) times."""
    if not quiet:
        return None
    start, end = time.fromisoformat(quiet["from"]), time.fromisoformat(quiet["to"])
    return None if start == end else (start, end)  # an empty window holds nothing


def send_after(now, *, message_type, channel, data=None, sms_quiet=None, member_quiet=None):
    """The first moment at or after `now` this message may be sent."""
    if is_urgent(message_type, data):
        return now
    windows = [w for w in ((sms_quiet if channel == "sms" else None), member_window(member_quiet)) if w]
    due = now
    # the end of one window may fall in the other: defer until neither holds it
    for _ in range(len(windows) + 1):
        later = due
        for window in windows:
            later = defer_past_quiet_hours(later, window)
        if later == due:
            return due
        due = later
    return due

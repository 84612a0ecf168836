"""What an event means for members: which message to whom, and what happens to
their reminders. Pure decisions (no I/O), so they are tested directly."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MESSAGE_TYPES = (
    "booking_confirmed", "booking_rejected", "booking_cancelled", "booking_rescheduled",
    "booking_no_show", "reminder", "waitlist_offered", "waitlist_offer_expired",
    "welcome", "login_code",
)

# event type -> the message the member gets
MESSAGE_FOR_EVENT = {
    "booking.confirmed": "booking_confirmed",
    "booking.rejected": "booking_rejected",
    "booking.cancelled": "booking_cancelled",
    "booking.rescheduled": "booking_rescheduled",
    "booking.no_show": "booking_no_show",
    "waitlist.offered": "waitlist_offered",
    "waitlist.offer_expired": "waitlist_offer_expired",
    "member.registered": "welcome",
}

# after these the booking's pending reminders must not go
ENDS_REMINDERS = frozenset({
    "booking.rejected", "booking.cancelled", "booking.rescheduled", "booking.no_show",
    "booking.checked_in", "booking.completed",
})
ENDS_BOOKING = ENDS_REMINDERS - {"booking.rescheduled"}
SCHEDULES_REMINDERS = frozenset({"booking.confirmed", "booking.rescheduled"})

# the event fields a message keeps (ids and times: contact details are
# fetched from the registry when the message is sent)
KEPT_FIELDS = (
    "booking_id", "entry_id", "kind", "centre_id", "resource_id", "service_id",
    "specialist_id", "space_id", "session_id", "programme_id", "starts_at", "ends_at",
    "previous_starts_at", "previous_ends_at", "offer_expires_at", "reason", "by",
)


@dataclass(frozen=True)
class MessagePlan:
    member_id: str
    message_type: str
    data: dict


@dataclass(frozen=True)
class ReminderPlan:
    kind: str
    due_at: datetime
    starts_at: datetime


@dataclass
class Plan:
    messages: list = field(default_factory=list)
    cancel_reminders_of: str | None = None  # a booking id
    reminders: list = field(default_factory=list)
    forget_member: str | None = None  # member.erased
    booking_id: str | None = None
    ends_booking: bool = False
    schedules: bool = False  # confirmed or rescheduled: its reminders replace any before
    event_time: datetime | None = None


def parse_offsets(text):
    """"24h,2h" -> [("24h", 24 h), ("2h", 2 h)]; minutes as "30m"."""
    offsets = []
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        unit = {"h": "hours", "m": "minutes"}[part[-1]]
        offsets.append((part, timedelta(**{unit: float(part[:-1])})))
    return offsets


def _aware(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def plan_event(event_type, event_time, data, reminder_offsets):
    """The plan for one event. Reminders already due when the booking was
    confirmed (a booking made an hour ahead has no 24 h reminder) are left out."""
    plan = Plan()
    member_id = data.get("member_id")
    if event_type == "member.erased":
        plan.forget_member = member_id
        return plan
    message_type = MESSAGE_FOR_EVENT.get(event_type)
    if message_type and member_id:
        kept = {k: data[k] for k in KEPT_FIELDS if data.get(k) is not None}
        plan.messages.append(MessagePlan(member_id, message_type, kept))
    booking_id = data.get("booking_id")
    if event_type.startswith("booking.") and booking_id:
        plan.booking_id, plan.event_time = booking_id, event_time
        plan.ends_booking = event_type in ENDS_BOOKING
        plan.schedules = event_type in SCHEDULES_REMINDERS
        if event_type in ENDS_REMINDERS:
            plan.cancel_reminders_of = booking_id
        if event_type in SCHEDULES_REMINDERS and data.get("starts_at") and member_id:
            starts_at = _aware(data["starts_at"])
            for kind, lead in reminder_offsets:
                due = starts_at - lead
                if due > event_time:
                    plan.reminders.append(ReminderPlan(kind, due, starts_at))
    return plan

"""A member's quiet hours on the real service: a reminder due inside them is
written but held until they end, then sent; an urgent message is not held."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from jastar_common.database import make_engine
from jastar_common.envelope import Envelope

from .support import booking_event, member, wait_for
from .test_messages import SENT, _make_reminders_due, _scheduled, _soon

ALMATY = timezone(timedelta(hours=5))


def quiet_window_around_now():
    """From this minute to five minutes on (Almaty "HH:MM"): at least four
    left for the checks while it holds; the test ends it early itself, so
    it never waits for a window to begin or end."""
    start = datetime.now(ALMATY).replace(second=0, microsecond=0)
    end = start + timedelta(minutes=5)
    return {"from": start.strftime("%H:%M"), "to": end.strftime("%H:%M")}, end.astimezone(timezone.utc)


def _quiet_hours_over(world):
    """What the window's end brings, without waiting for it: the member's
    quiet hours no longer apply, and the held messages are due."""
    world.call("set_preferences", "m-1", {"channels": ["sms"], "quiet_hours": None})
    engine = make_engine(world.url, pool_size=1)
    with engine.begin() as conn:
        conn.execute(text("UPDATE messages SET next_attempt_at = :now WHERE status = 'queued'"),
                     {"now": datetime.now(timezone.utc) - timedelta(seconds=1)})
    engine.dispose()


def test_a_reminder_due_in_quiet_hours_is_held_then_sent_and_an_offer_is_not(start_world):
    world = start_world(REMINDER_OFFSETS="2h")
    member("m-1", "ru", "+7 701 000 00 01")
    quiet, ends = quiet_window_around_now()
    saved = world.call("set_preferences", "m-1", {"channels": ["sms"], "quiet_hours": quiet})
    assert saved["quiet_hours"] == quiet
    assert world.call("get_preferences", "m-1")["quiet_hours"] == quiet

    world.publish(booking_event("booking.confirmed", starts_at=_soon(600)))
    _scheduled(world)
    _make_reminders_due(world.url)
    # urgent: an offer that runs out goes at once, quiet hours or not
    world.publish(Envelope(type="waitlist.offered", source="booking", data={
        "entry_id": "w-1", "member_id": "m-1", "resource_id": "s-1", "centre_id": "karasai-yrc",
        "position": 1, "state": "offered",
        "offer_expires_at": (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()}))
    world.wait_messages(f"{SENT} AND message_type = 'waitlist_offered'", 1)

    [reminder] = world.wait_messages("message_type = 'reminder'", 1)
    assert reminder["status"] == "queued" and reminder["next_attempt_at"] == ends
    world.call("send_due")  # a sender pass now: the reminder is not due yet
    assert datetime.now(timezone.utc) < ends, "the window ended before the check: the test proves nothing"
    assert world.messages(f"{SENT} AND message_type IN ('reminder', 'booking_confirmed')") == []

    # once the window is over, both go, once
    _quiet_hours_over(world)
    world.call("send_due")
    assert wait_for(lambda: len(world.messages(SENT)) == 3, seconds=30), world.messages()
    assert {m["message_type"] for m in world.messages(SENT)} == {
        "reminder", "booking_confirmed", "waitlist_offered"}
    assert len(world.providers.sms_requests) == 3

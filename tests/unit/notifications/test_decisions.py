"""From an event to messages and reminders, with in-memory fakes: who gets
what, on which channels, once; reminders scheduled, moved and cancelled."""
from datetime import datetime, timedelta, timezone

from jastar_common.caller import SYSTEM
from jastar_common.envelope import Envelope
from jastar_notifications.domain import services
from jastar_notifications.domain.localtime import parse_quiet_hours
from jastar_notifications.domain.planning import parse_offsets, plan_event

from .fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 28, 6, 0, tzinfo=timezone.utc)  # 11:00 in Almaty
STARTS = datetime(2026, 12, 1, 5, 0, tzinfo=timezone.utc)  # 10:00 in Almaty
SETTINGS = services.Settings(default_channels=("sms", "email"),
                             reminder_offsets=tuple(parse_offsets("24h,2h")),
                             quiet_hours=parse_quiet_hours("22:00-08:00"))


def booking_event(event_type, starts_at=STARTS, **more):
    data = {"booking_id": "b-1", "member_id": "m-1", "kind": "consultation", "state": "confirmed",
            "centre_id": "karasai-yrc", "service_id": "psychologist", "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=1)).isoformat(), **more}
    return Envelope(type=event_type, source="booking", data=data, time=NOW)


def take(uow, envelope, now=NOW):
    return services.take_event(uow, "notifications.booking_changes", envelope, SETTINGS, now)


def scheduled(uow):
    return sorted((r["kind"], r["due_at"]) for r in uow.reminders.rows.values()
                  if r["state"] == "scheduled")


def test_confirmed_booking_writes_one_message_per_channel_and_two_reminders():
    uow = FakeUnitOfWork()
    outcome = take(uow, booking_event("booking.confirmed"))
    assert outcome.handled
    assert sorted((m["channel"], m["message_type"]) for m in uow.messages.rows.values()) == [
        ("email", "booking_confirmed"), ("sms", "booking_confirmed")]
    message = next(iter(uow.messages.rows.values()))
    assert message["data"]["service_id"] == "psychologist" and "phone" not in message["data"]
    assert scheduled(uow) == [("24h", STARTS - timedelta(hours=24)), ("2h", STARTS - timedelta(hours=2))]


def test_the_same_event_twice_writes_nothing_new():
    uow = FakeUnitOfWork()
    event = booking_event("booking.confirmed")
    take(uow, event)
    assert not take(uow, event).handled
    assert len(uow.messages.rows) == 2 and len(uow.reminders.rows) == 2


def test_member_preferences_choose_the_channels_and_an_empty_list_opts_out():
    uow = FakeUnitOfWork()
    services.set_preferences(uow, SYSTEM, NOW, "m-1", ["telegram"], "123456")
    take(uow, booking_event("booking.confirmed"))
    assert [m["channel"] for m in uow.messages.rows.values()] == ["telegram"]
    services.set_preferences(uow, SYSTEM, NOW, "m-1", [])
    take(uow, booking_event("booking.cancelled"))
    assert len(uow.messages.rows) == 1


def test_reminders_already_due_at_confirmation_are_left_out():
    uow = FakeUnitOfWork()
    take(uow, booking_event("booking.confirmed", starts_at=NOW + timedelta(hours=5)))
    assert [kind for kind, _ in scheduled(uow)] == ["2h"]


def test_cancelled_booking_loses_its_reminders():
    uow = FakeUnitOfWork()
    take(uow, booking_event("booking.confirmed"))
    take(uow, booking_event("booking.cancelled", reason="changed plans", by="member"))
    assert scheduled(uow) == []
    assert {m["message_type"] for m in uow.messages.rows.values()} == {
        "booking_confirmed", "booking_cancelled"}


def test_rescheduled_booking_moves_its_reminders_and_back_again():
    uow = FakeUnitOfWork()
    take(uow, booking_event("booking.confirmed"))
    later = STARTS + timedelta(days=2)
    take(uow, booking_event("booking.rescheduled", starts_at=later,
                            previous_starts_at=STARTS.isoformat()))
    assert scheduled(uow) == [("24h", later - timedelta(hours=24)), ("2h", later - timedelta(hours=2))]
    take(uow, booking_event("booking.rescheduled", starts_at=STARTS, previous_starts_at=later.isoformat()))
    assert scheduled(uow) == [("24h", STARTS - timedelta(hours=24)), ("2h", STARTS - timedelta(hours=2))]


def test_events_handled_out_of_order_do_not_bring_reminders_back():
    uow = FakeUnitOfWork()
    confirmed = booking_event("booking.confirmed")
    cancelled = Envelope(type="booking.cancelled", source="booking", data=confirmed.data,
                         time=NOW + timedelta(seconds=1))
    take(uow, cancelled)
    take(uow, confirmed)
    assert scheduled(uow) == []
    later = STARTS + timedelta(days=1)
    moved = Envelope(type="booking.rescheduled", source="booking", time=NOW + timedelta(seconds=5),
                     data={**confirmed.data, "booking_id": "b-2", "starts_at": later.isoformat()})
    take(uow, moved)
    take(uow, Envelope(type="booking.confirmed", source="booking", time=NOW,
                       data={**confirmed.data, "booking_id": "b-2"}))
    assert scheduled(uow) == [("24h", later - timedelta(hours=24)), ("2h", later - timedelta(hours=2))]


def test_due_reminders_become_messages_once_and_stale_ones_expire():
    uow = FakeUnitOfWork()
    take(uow, booking_event("booking.confirmed"))
    at = STARTS - timedelta(hours=23)
    assert services.materialise_due_reminders(uow, SETTINGS, at) == 1
    assert services.materialise_due_reminders(uow, SETTINGS, at) == 0
    reminders = [m for m in uow.messages.rows.values() if m["message_type"] == "reminder"]
    assert sorted(m["channel"] for m in reminders) == ["email", "sms"]
    assert reminders[0]["data"]["lead"] == "24h"
    services.materialise_due_reminders(uow, SETTINGS, STARTS + timedelta(minutes=1))
    assert {r["kind"]: r["state"] for r in uow.reminders.rows.values()} == {"24h": "sent", "2h": "expired"}


def test_sms_written_at_night_waits_for_the_morning_but_email_does_not():
    uow = FakeUnitOfWork()
    night = datetime(2026, 11, 28, 18, 30, tzinfo=timezone.utc)  # 23:30 in Almaty
    take(uow, booking_event("booking.confirmed"), now=night)
    due = {m["channel"]: m["next_attempt_at"] for m in uow.messages.rows.values()}
    assert due["email"] == night
    assert due["sms"] == datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)  # 08:00 Almaty


def test_login_codes_are_not_held_back_by_quiet_hours():
    uow = FakeUnitOfWork()
    night = datetime(2026, 11, 28, 18, 30, tzinfo=timezone.utc)
    settings = services.Settings(quiet_hours=SETTINGS.quiet_hours, login_code_channel="sms")
    message_id = services.queue_login_code(uow, SYSTEM, settings, night, "+7 701 234 56 78", "1234", "kk")
    assert uow.messages.rows[message_id]["next_attempt_at"] == night


def test_waitlist_offer_and_welcome_and_erasure():
    uow = FakeUnitOfWork()
    offer = Envelope(type="waitlist.offered", source="booking", time=NOW, data={
        "entry_id": "w-1", "member_id": "m-2", "resource_id": "s-1", "centre_id": "karasai-yrc",
        "position": 1, "state": "offered", "offer_expires_at": "2026-11-28T12:00:00+00:00"})
    take(uow, offer)
    welcome = Envelope(type="member.registered", source="registry", time=NOW,
                       data={"member_id": "m-2", "language": "kk", "status": "active"})
    services.take_event(uow, "notifications.member_changes", welcome, SETTINGS, NOW)
    types = sorted(m["message_type"] for m in uow.messages.rows.values())
    assert types == ["waitlist_offered"] * 2 + ["welcome"] * 2
    erased = Envelope(type="member.erased", source="registry", time=NOW, data={"member_id": "m-2"})
    services.take_event(uow, "notifications.member_changes", erased, SETTINGS, NOW)
    assert {m["status"] for m in uow.messages.rows.values()} == {"cancelled"}


def test_events_that_mean_nothing_to_a_member():
    plan = plan_event("booking.requested", NOW, {"booking_id": "b", "member_id": "m"}, ())
    assert plan.messages == [] and plan.reminders == [] and plan.cancel_reminders_of is None
    assert plan_event("booking.completed", NOW, {"booking_id": "b"}, ()).cancel_reminders_of == "b"

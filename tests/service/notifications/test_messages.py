"""Messages to members end to end: event in over RabbitMQ, contact fetched
from the (fake) registry, delivered to real local SMTP and HTTP servers."""
import json
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from jastar_common.database import make_engine
from jastar_notifications.models import reminders

from .support import (
    REGISTRY_CALLS, booking_event, inbox_duplicates, member, query, queued_before_start, wait_for,
)

SENT = "status = 'sent'"


def test_confirmation_goes_by_sms_and_email_in_the_members_language_and_almaty_time(world):
    member("m-kk", "kk", "+7 701 111 22 33", "aigerim@example.kz")
    member("m-ru", "ru", "+7 702 444 55 66", "olga@example.kz")
    world.publish(booking_event("booking.confirmed", "m-kk", "b-1"))
    world.publish(booking_event("booking.confirmed", "m-ru", "b-2"))
    sent = world.wait_messages(SENT, 4)
    assert all(m["attempts"] == 1 and m["provider_message_id"] for m in sent)

    sms = {r["to"]: r["text"] for r in world.providers.sms_requests}
    assert "2026 жылғы 1 желтоқсан, 10:00" in sms["+77011112233"]  # 05:00 UTC = 10:00 Almaty
    assert "Қарасай жастар ресурстық орталығы" in sms["+77011112233"]
    assert "1 декабря 2026 г., 10:00" in sms["+77024445566"] and "Консультация психолога" in sms["+77024445566"]
    assert wait_for(lambda: len(world.smtp.messages()) == 2)
    mail = {m["To"]: m for m in world.smtp.messages()}
    assert mail["aigerim@example.kz"]["Subject"] == "Жазылуыңыз расталды"
    assert "2026 жылғы 1 желтоқсан, 10:00" in mail["aigerim@example.kz"].get_content()
    assert mail["olga@example.kz"]["Subject"] == "Запись подтверждена"
    email_row = next(m for m in sent if m["channel"] == "email" and m["member_id"] == "m-ru")
    assert mail["olga@example.kz"]["Message-ID"] == f"<{email_row['id']}@jastar.kz>"


def test_the_same_event_twice_sends_one_message_per_channel(world):
    member("m-1", "ru", "+7 701 000 00 01", "m1@example.kz")
    event = booking_event("booking.confirmed")
    duplicates = inbox_duplicates()
    world.publish(event)
    world.publish(event)
    # both copies handled (in one batch or two): one inbox row, one a duplicate
    assert wait_for(lambda: inbox_duplicates() == duplicates + 1)
    world.wait_messages(SENT, 2)
    world.call("send_due")  # a sender pass of our own: whatever else were due, it would go now
    assert len(world.messages()) == 2
    assert len(world.providers.sms_requests) == 1 and len(world.smtp.messages()) == 1


def test_provider_errors_are_retried_and_everything_goes_once_it_is_back(world):
    member("m-1", "ru", "+7 701 000 00 01")
    world.providers.sms_fail = [500, 500]
    world.publish(booking_event("booking.confirmed"))
    first = world.wait_messages(f"{SENT} AND channel = 'sms'", 1)
    assert first[0]["attempts"] == 3 and first[0]["last_error"] is None

    world.providers.sms_down = True
    for n in range(5):
        world.publish(booking_event("booking.confirmed", booking_id=f"b-down-{n}"))
    assert wait_for(lambda: len(world.messages("channel = 'sms' AND status = 'failed'")) == 5)
    world.providers.sms_down = False
    sms = world.wait_messages(f"{SENT} AND channel = 'sms'", 6)
    assert all(m["attempts"] >= 2 for m in sms if m["booking_id"] != "b-1")
    assert len(world.providers.sms_delivered) == 6


def test_permanent_failures_are_dead_and_listed_for_staff(world):
    member("m-bad", "ru", "+7 700 000 00 00", telegram="@no_chat")
    world.providers.sms_refused_numbers.add("+77000000000")
    world.call("set_preferences", "m-bad", {"channels": ["sms", "telegram"]})
    member("m-tired", "kk", "+7 701 999 99 99")
    world.publish(booking_event("booking.confirmed", "m-bad", "b-1"))
    dead = world.wait_messages("status = 'dead'", 2)
    assert {m["channel"]: m["attempts"] for m in dead} == {"sms": 1, "telegram": 1}
    telegram = next(m for m in dead if m["channel"] == "telegram")
    assert "started it" in telegram["last_error"]

    world.providers.sms_fail = [503] * 10  # retryable, but more times than SEND_MAX_ATTEMPTS
    world.publish(booking_event("booking.confirmed", "m-tired", "b-2"))
    world.wait_messages("status = 'dead'", 3)  # sms dead after 4 tries
    listed = world.call("list_dead_messages")["items"]
    assert {(m["member_id"], m["channel"]) for m in listed} == {
        ("m-bad", "sms"), ("m-bad", "telegram"), ("m-tired", "sms")}
    assert next(m for m in listed if m["member_id"] == "m-tired")["attempts"] == 4
    skipped = world.messages("status = 'skipped'")
    assert [(m["member_id"], m["channel"]) for m in skipped] == [("m-tired", "email")]


def test_telegram_with_a_linked_chat_is_delivered(world):
    member("m-tg", "kk")
    world.call("set_preferences", "m-tg", {"channels": ["telegram"], "telegram_chat_id": "555123"})
    world.publish(booking_event("booking.cancelled", "m-tg"))
    world.wait_messages(SENT, 1)
    assert world.providers.telegram[0]["chat_id"] == "555123"
    assert "жазылуыңыз жойылды" in world.providers.telegram[0]["text"]


def test_a_batch_of_messages_asks_the_registry_once_for_all_its_members(start_world, amqp_uri):
    ids = [f"m-batch-{n}" for n in range(10)]
    for n, member_id in enumerate(ids):
        member(member_id, "ru", f"+7 701 100 00 {n:02d}")
    queued_before_start(amqp_uri, [booking_event("booking.confirmed", member_id, f"b-{n}")
                                   for n, member_id in enumerate(ids)])
    # the ten events in one batch, their ten messages sent at once by one sender pass
    world = start_world(SEND_INTERVAL_SECONDS=3600, NOTIFY_DEFAULT_CHANNELS="sms",
                        EVENT_BATCH_SIZE=10, EVENT_BATCH_WAIT_MS=2000)
    world.wait_messages(SENT, 10)
    assert Counter(method for method, _ in REGISTRY_CALLS) == {"get_members": 1, "get": 2}
    assert sorted(REGISTRY_CALLS[0][1]) == sorted(ids)
    assert {argument for method, argument in REGISTRY_CALLS if method == "get"} == {
        ("centre", "karasai-yrc"), ("service", "psychologist")}
    assert sorted(r["to"] for r in world.providers.sms_requests) == [
        f"+770110000{n:02d}" for n in range(10)]


def test_a_registry_that_does_not_answer_leaves_messages_queued_for_a_retry(start_world):
    world = start_world(REGISTRY_TIMEOUT_SECONDS=1, SEND_MAX_ATTEMPTS=1000,
                        NOTIFY_DEFAULT_CHANNELS="sms")
    member("m-1", "ru", "+7 701 000 00 01")
    member("m-2", "kk", "+7 701 000 00 02")
    world.registry.stop()
    world.publish(booking_event("booking.confirmed", "m-1", "b-1"))
    world.publish(booking_event("booking.confirmed", "m-2", "b-2"))
    unanswered = "RetryableError: the registry did not answer in time"
    assert wait_for(lambda: [m["last_error"] for m in world.messages()] == [unanswered] * 2, 30)
    # not lost, not given up: waiting for their next try (or in it)
    assert {m["status"] for m in world.messages()} <= {"failed", "sending"}
    assert world.providers.sms_requests == []

    world.registry = world.start_registry()
    world.wait_messages(SENT, 2)
    assert sorted(d["to"] for d in world.providers.sms_delivered.values()) == [
        "+77010000001", "+77010000002"]


def test_login_code_goes_by_sms_and_is_not_kept(world):
    result = world.call("send_login_code", "+7 705 123 45 67", "482913", "kk")
    sent = world.wait_messages(SENT, 1)
    assert sent[0]["id"] == result["message_id"]
    assert "482913" in world.providers.sms_requests[0]["text"]
    assert "482913" not in str(world.messages())


def _make_reminders_due(url):
    """Rows made due instead of waiting for them: every reminder's time is now."""
    engine = make_engine(url, pool_size=1)
    with engine.begin() as conn:
        conn.execute(update(reminders).values(due_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    engine.dispose()


def _scheduled(world):
    assert wait_for(lambda: query(world.url, "SELECT state FROM reminders") == [{"state": "scheduled"}])


def _soon(seconds):
    # REMINDER_OFFSETS is "2h" in these tests: a booking starting in 2 h + seconds
    return datetime.now(timezone.utc) + timedelta(hours=2, seconds=seconds)


def test_a_due_reminder_is_sent_once(start_world):
    world = start_world(REMINDER_OFFSETS="2h")
    member("m-1", "ru", "+7 701 000 00 01")
    world.publish(booking_event("booking.confirmed", starts_at=_soon(600)))
    _scheduled(world)
    _make_reminders_due(world.url)
    world.wait_messages(f"{SENT} AND message_type = 'reminder' AND channel = 'sms'", 1)
    world.call("send_due")  # another pass finds nothing more to send
    assert len(world.messages("message_type = 'reminder'")) == 2  # sms + email (skipped: none on file)
    texts = [r["text"] for r in world.providers.sms_requests]
    assert sum(t.startswith("Напоминаем") for t in texts) == 1


def test_a_booking_cancelled_before_its_reminder_gets_none(start_world):
    world = start_world(REMINDER_OFFSETS="2h")
    member("m-1", "ru", "+7 701 000 00 01")
    starts = _soon(600)  # not due before both events are handled; then made due below
    world.publish(booking_event("booking.confirmed", starts_at=starts))
    world.publish(booking_event("booking.cancelled", starts_at=starts))
    world.wait_messages(f"{SENT} AND channel = 'sms'", 2)  # the confirmation and the cancellation
    until_due = (starts - timedelta(hours=2) - datetime.now(timezone.utc)).total_seconds()
    assert until_due > 0, "the cancellation was handled after the reminder was due: the test proves nothing"
    _make_reminders_due(world.url)
    world.call("send_due")  # a sender pass with every reminder due: a live one would go now
    assert world.messages("message_type = 'reminder'") == []
    # handled in order: scheduled then cancelled; out of order: never scheduled
    assert {r["state"] for r in query(world.url, "SELECT state FROM reminders")} <= {"cancelled"}


def test_a_rescheduled_booking_gets_its_reminder_for_the_new_time(start_world):
    world = start_world(REMINDER_OFFSETS="2h")
    member("m-1", "ru", "+7 701 000 00 01")
    old, new = _soon(3600), _soon(1.5)
    world.publish(booking_event("booking.confirmed", starts_at=old))
    world.publish(booking_event("booking.rescheduled", starts_at=new,
                                previous_starts_at=old.isoformat()))
    reminder = world.wait_messages(f"{SENT} AND message_type = 'reminder' AND channel = 'sms'", 1)
    data = reminder[0]["data"]
    assert (json.loads(data) if isinstance(data, str) else data)["starts_at"] == new.isoformat()
    states = [r["state"] for r in query(world.url, "SELECT state FROM reminders ORDER BY due_at")]
    # the new time's went; the old one's, if it was scheduled at all (the move
    # may be handled before the confirmation), never will
    assert states[0] == "sent" and set(states[1:]) <= {"cancelled"}


def test_a_reminder_due_while_the_service_is_down_is_sent_once_after_it_starts(start_world):
    world = start_world(REMINDER_OFFSETS="2h")
    member("m-1", "ru", "+7 701 000 00 01")
    world.publish(booking_event("booking.confirmed", starts_at=_soon(600)))
    _scheduled(world)
    world.container.stop()
    # the reminder falls due with nobody running (moved, not waited for: on a
    # busy machine a stop can take longer than any short wait)
    _make_reminders_due(world.url)
    assert world.messages("message_type = 'reminder'") == []
    again = start_world(REMINDER_OFFSETS="2h")
    again.wait_messages(f"{SENT} AND message_type = 'reminder' AND channel = 'sms'", 1)
    again.call("send_due")  # another pass finds nothing more to send
    assert sum(r["text"].startswith("Напоминаем") for r in world.providers.sms_requests) == 1

"""Booking events taken in batches, on real RabbitMQ and PostgreSQL: a batch
is one transaction, a duplicate (in a batch or across batches) writes
nothing, a poison event goes to the dead letters while the rest of its batch
commits, a crash between commit and ack writes nothing twice, and a
confirmation is sent as soon as it is committed, not on the sender's timer."""
from datetime import datetime, timedelta, timezone

import eventlet

from jastar_common.batching import BatchSubscriber
from jastar_common.dead_letters import list_dead_letters
from jastar_common.topology import subscription

from .support import booking_event, inbox_duplicates, member, query, queued_before_start, wait_for

N = 8
QUEUE = subscription("notifications", "booking_changes").queue_name
# the whole queue in one batch: what arrives within 2 s, up to N
ONE_BATCH = {"EVENT_BATCH_SIZE": N, "EVENT_BATCH_WAIT_MS": 2000, "NOTIFY_DEFAULT_CHANNELS": "sms"}


def confirmations(count, first=0):
    for n in range(first, first + count):
        member(f"m-{n}", "ru", f"+7 701 000 00 {n:02d}")
    starts_at = (datetime.now(timezone.utc) + timedelta(days=3)).replace(microsecond=0)  # two reminders
    return [booking_event("booking.confirmed", f"m-{n}", f"b-{n}", starts_at)
            for n in range(first, first + count)]


def transactions(url, table):
    """The ids of the transactions that wrote the table's rows (never updated)."""
    return {row["x"] for row in query(url, f"SELECT DISTINCT xmin::text AS x FROM {table}")}


def test_a_batch_of_events_is_one_transaction_with_a_message_each(start_world, amqp_uri):
    events = confirmations(N)
    queued_before_start(amqp_uri, events)
    world = start_world(**ONE_BATCH)
    rows = world.wait_messages("message_type = 'booking_confirmed'", N)
    assert {r["booking_id"] for r in rows} == {f"b-{n}" for n in range(N)}
    assert len(world.messages()) == N
    # inbox rows, reminders and marks of all N events: written by one transaction
    assert len(query(world.url, "SELECT * FROM reminders")) == 2 * N
    written_by = transactions(world.url, "jastar_inbox")
    assert len(written_by) == 1
    assert transactions(world.url, "reminders") == written_by == transactions(world.url, "booking_marks")


def test_duplicates_in_a_batch_and_across_batches_write_nothing(start_world, amqp_uri):
    first, second, third = confirmations(3)
    duplicates = inbox_duplicates()
    queued_before_start(amqp_uri, [first, second, first])
    world = start_world(**{**ONE_BATCH, "EVENT_BATCH_SIZE": 3})  # full at 3: no 2 s wait
    assert wait_for(lambda: inbox_duplicates() == duplicates + 1)  # in the batch
    world.wait_messages("1=1", 2)
    world.publish(second)
    world.publish(third)
    world.publish(first)
    assert wait_for(lambda: inbox_duplicates() == duplicates + 3)  # across batches
    sent = world.wait_messages("status = 'sent'", 3)
    assert sorted(m["booking_id"] for m in sent) == ["b-0", "b-1", "b-2"]
    assert len(world.providers.sms_requests) == 3
    assert len(query(world.url, "SELECT * FROM jastar_inbox")) == 3


def test_a_poison_event_goes_to_the_dead_letters_and_the_rest_of_its_batch_commits(
        start_world, amqp_uri):
    events = confirmations(N)
    poison = booking_event("booking.confirmed", "m-0", "b-poison", starts_at=None)
    poison.data["starts_at"] = "not a time"
    events.insert(N // 2, poison)
    queued_before_start(amqp_uri, events)
    # a retried poison event comes back alone: its batch waits 0.2 s, not 2
    world = start_world(**{**ONE_BATCH, "EVENT_BATCH_SIZE": N + 1, "EVENT_BATCH_WAIT_MS": 200,
                           "EVENT_MAX_ATTEMPTS": 2})
    world.wait_messages("status = 'sent'", N)
    assert wait_for(lambda: len(list_dead_letters(QUEUE, uri=amqp_uri)) == 1)
    [dead] = list_dead_letters(QUEUE, uri=amqp_uri)
    assert dead["event"]["id"] == poison.id and dead["attempts"] == 2
    assert "not a time" in dead["error"]
    assert "b-poison" not in {m["booking_id"] for m in world.messages()}
    assert len(query(world.url, "SELECT * FROM jastar_inbox")) == N


def test_a_crash_between_commit_and_ack_delivers_again_and_writes_nothing_twice(
        start_world, amqp_uri, monkeypatch):
    committed = eventlet.event.Event()
    ack = BatchSubscriber._batch_done

    def crash_before_ack(self, taken, worker_ctx, result=None, exc_info=None):
        if committed.ready() or self.method_name != "on_booking_change":
            return ack(self, taken, worker_ctx, result, exc_info)
        committed.send()  # the handler committed; no ack goes
        return result, exc_info

    monkeypatch.setattr(BatchSubscriber, "_batch_done", crash_before_ack)
    events = confirmations(N)
    queued_before_start(amqp_uri, events)
    config = {**ONE_BATCH, "SEND_LEASE_SECONDS": 1}
    world = start_world(**config)
    committed.wait()
    world.container.kill()  # the broker takes the unacked batch back
    duplicates = inbox_duplicates()
    again = start_world(**config)
    assert wait_for(lambda: inbox_duplicates() == duplicates + N)  # the whole batch again
    sent = again.wait_messages("status = 'sent'", N)
    assert sorted(m["booking_id"] for m in sent) == sorted(f"b-{n}" for n in range(N))
    # one SMS per booking (a send the kill cut short went again under its key)
    assert len(again.providers.sms_delivered) == N


def test_a_confirmation_is_sent_when_it_is_committed_not_on_the_senders_timer(start_world):
    world = start_world(SEND_INTERVAL_SECONDS=3600, NOTIFY_DEFAULT_CHANNELS="sms")
    [event] = confirmations(1)
    world.publish(event)
    [message] = world.wait_messages("status = 'sent'", 1, seconds=15)
    assert message["booking_id"] == "b-0"
    assert query(world.url, "SELECT state FROM reminders") == [{"state": "scheduled"}] * 2

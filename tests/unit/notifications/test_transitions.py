"""The life of a message, a webhook delivery and a reminder: every transition
their tables allow, the refusals (the domain error), and the changes made to
many rows at once, which take their states from the same tables."""
from datetime import datetime, timedelta, timezone

import pytest

from jastar_common.caller import Caller
from jastar_common.errors import Conflict
from jastar_notifications.domain import services, webhooks
from jastar_notifications.domain.model import (
    DELIVERY_TRANSITIONS, MESSAGE_TRANSITIONS, REMINDER_TRANSITIONS, Message, Reminder, WebhookDelivery)

from .fakes import FakeDeliveries, FakeMessages, FakeReminders, FakeUnitOfWork

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
LEASE = NOW + timedelta(minutes=1)
STAFF = Caller("staff", "desk-1", ("karasai-yrc",))
MESSAGE_STATES = ("queued", "sending", "sent", "failed", "dead", "skipped", "cancelled")
DELIVERY_STATES = ("queued", "sending", "sent", "failed", "dead")
REMINDER_STATES = ("scheduled", "sent", "cancelled", "expired")


def message(status, message_type="reminder", attempts=1):
    return {"id": f"msg-{status}", "status": status, "attempts": attempts, "message_type": message_type,
            "member_id": "m-1", "booking_id": "b-1", "dedup_key": status, "data": {"language": "kk"},
            "next_attempt_at": NOW, "lease_until": None, "last_error": None, "created_at": NOW}


def delivery(status):
    return {"id": f"d-{status}", "status": status, "attempts": 1, "subscription_id": "s-1",
            "event_id": f"e-{status}", "next_attempt_at": NOW, "lease_until": None, "last_error": None,
            "created_at": NOW}


def reminder(state):
    return {"id": f"r-{state}", "state": state, "booking_id": "b-1", "member_id": "m-1", "kind": "2h",
            "starts_at": NOW + timedelta(hours=2 + REMINDER_STATES.index(state)), "due_at": NOW, "data": {}}


# one call per action an entity takes itself; the others are made to many rows at once
OUTGOING_ACTIONS = {
    "claim": lambda e: e.claim(LEASE),
    "send": lambda e: e.sent(NOW),
    "fail": lambda e: e.failed("HTTP 500", NOW + timedelta(minutes=5)),
    "give_up": lambda e: e.dead("HTTP 500"),
}
MESSAGE_ACTIONS = {**OUTGOING_ACTIONS, "skip": lambda m: m.skip("no sms contact on file"),
                   "hold": lambda m: m.hold(NOW + timedelta(hours=8)), "retry": lambda m: m.retry(NOW)}
DELIVERY_ACTIONS = {**OUTGOING_ACTIONS, "replay": lambda d: d.replay(NOW)}
REMINDER_ACTIONS = {"send": lambda r: r.sent(), "expire": lambda r: r.expire()}
ONE_AT_A_TIME = [
    (Message, MESSAGE_TRANSITIONS, MESSAGE_ACTIONS, MESSAGE_STATES, message),
    (WebhookDelivery, DELIVERY_TRANSITIONS, DELIVERY_ACTIONS, DELIVERY_STATES, delivery),
    (Reminder, REMINDER_TRANSITIONS, REMINDER_ACTIONS, REMINDER_STATES, reminder),
]
CASES = [(entity, action, state, to) for entity, table, actions, _, _ in ONE_AT_A_TIME
         for (action, state), to in sorted(table.items()) if action in actions]
REFUSED = [(entity, action, state) for entity, table, actions, states, _ in ONE_AT_A_TIME
           for action in actions for state in states if (action, state) not in table]


def _kind(entity):
    return next(kind for kind in ONE_AT_A_TIME if kind[0] is entity)


def test_every_state_a_table_names_is_a_known_one():
    for _, table, _, states, _ in ONE_AT_A_TIME:
        assert {state for _, state in table} | set(table.values()) <= set(states)


@pytest.mark.parametrize(("entity", "action", "state", "to"), CASES,
                         ids=[f"{e.__name__}-{a}-{s}" for e, a, s, _ in CASES])
def test_each_allowed_transition(entity, action, state, to):
    _, _, actions, _, make = _kind(entity)
    row = make(state)
    changes = actions[action](entity(row))
    assert changes[entity.field] == to and row[entity.field] == to
    assert {k: row[k] for k in changes} == changes  # the row has what is to be written


@pytest.mark.parametrize(("entity", "action", "state"), REFUSED,
                         ids=[f"{e.__name__}-{a}-{s}" for e, a, s in REFUSED])
def test_each_refused_transition_is_a_conflict_naming_the_state(entity, action, state):
    _, _, actions, _, make = _kind(entity)
    row = make(state)
    with pytest.raises(Conflict) as err:
        actions[action](entity(row))
    assert err.value.details == {entity.field: state}
    assert row[entity.field] == state  # unchanged


def test_what_a_send_drops_and_what_a_claim_counts():
    code = message("sending", "login_code")
    code["data"] = {"code": "123456", "language": "kk"}
    assert Message(code).sent(NOW, provider_message_id="p-1")["data"] == {"language": "kk"}
    assert code["provider_message_id"] == "p-1" and code["lease_until"] is None
    held = message("sending", attempts=3)
    Message(held).hold(NOW + timedelta(hours=8))
    assert held["attempts"] == 2 and held["next_attempt_at"] == NOW + timedelta(hours=8)
    claimed = message("failed", attempts=3)
    Message(claimed).claim(LEASE)
    assert (claimed["attempts"], claimed["lease_until"]) == (4, LEASE)


@pytest.mark.parametrize(("repository", "make", "states", "action", "move"), [
    (FakeMessages, message, MESSAGE_STATES, "cancel",
     lambda r: r.cancel_all("booking changed", booking_id="b-1")),
    (FakeDeliveries, delivery, DELIVERY_STATES, "stop", lambda r: r.stop_all("s-1", "disabled")),
    (FakeReminders, reminder, REMINDER_STATES, "cancel", lambda r: r.cancel_all(booking_id="b-1")),
])
def test_a_change_to_many_rows_moves_those_its_table_allows(repository, make, states, action, move):
    rows = repository()
    for state in states:
        rows.add(make(state))
    table = rows.model.transitions
    assert move(rows) == len([s for s in states if (action, s) in table])
    for state in states:
        assert rows.get(make(state)["id"])[rows.model.field] == table.get((action, state), state)


def test_a_cancelled_reminder_is_scheduled_again_and_no_other():
    reminders = FakeReminders()
    for state in REMINDER_STATES:
        reminders.add(reminder(state))
    for state in REMINDER_STATES:  # the same booking, kind and start
        reminders.add({**reminder("scheduled"), "id": f"again-{state}",
                       "starts_at": reminder(state)["starts_at"]})
    assert {r["id"]: r["state"] for r in reminders.rows.values()} == {
        "r-scheduled": "scheduled", "r-sent": "sent", "r-cancelled": "scheduled", "r-expired": "expired"}


def test_only_a_dead_message_is_retried_and_never_a_login_code():
    uow = FakeUnitOfWork()
    code = {**message("dead", "login_code"), "id": "code", "dedup_key": "code"}
    for row in (message("dead"), message("sent"), code):
        uow.messages.add(row)
    retried = services.retry_dead_message(uow, STAFF, NOW, "msg-dead")
    assert (retried["status"], retried["attempts"]) == ("queued", 0)
    assert uow.messages.rows["msg-dead"]["status"] == "queued"
    for message_id, status in (("msg-sent", "sent"), ("code", "dead")):
        with pytest.raises(Conflict, match="only a dead message can be retried") as err:
            services.retry_dead_message(uow, STAFF, NOW, message_id)
        assert err.value.details == {"status": status}
        assert uow.messages.rows[message_id]["status"] == status


def test_a_delivery_being_sent_is_not_replayed():
    uow = FakeUnitOfWork()
    uow.subscriptions.add({"id": "s-1", "owner": "partner-1", "active": True})
    uow.deliveries.add(delivery("sending"))
    uow.deliveries.add(delivery("dead"))
    system = Caller("system", "system")
    with pytest.raises(Conflict, match="being sent now"):
        webhooks.replay_delivery(uow, system, NOW, "d-sending")
    assert webhooks.replay_delivery(uow, system, NOW, "d-dead")["status"] == "queued"
    assert uow.deliveries.rows["d-dead"]["status"] == "queued" and uow.commits == 1

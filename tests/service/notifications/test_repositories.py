"""Notifications' repositories on PostgreSQL: new rows are written behind
(one statement per table, before any other statement, at commit), claims
share due rows between processes and take back a lapsed lease, and changes
to many rows move only what the transition tables allow."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from jastar_common.database import make_engine, make_session_factory
from jastar_notifications.domain.services import Settings, new_message
from jastar_notifications.repository import NotificationsUnitOfWork

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
LEASE = NOW + timedelta(minutes=1)


@pytest.fixture
def units(service_database):
    engine = make_engine(service_database("notifications"), pool_size=2)
    factory = make_session_factory(engine)
    statements = []

    def note(conn, cursor, sql, *rest):
        if sql.split()[0] in ("INSERT", "SELECT", "UPDATE", "DELETE"):
            statements.append(sql.split()[0])

    event.listen(engine, "before_cursor_execute", note)
    yield (lambda: NotificationsUnitOfWork(factory, "notifications")), statements
    engine.dispose()


def message(member_id, status="queued", **more):
    row = new_message(Settings(), NOW - timedelta(minutes=1), channel="sms", message_type="reminder",
                      dedup_key=str(uuid.uuid4()), data={}, member_id=member_id, booking_id="b-1")
    return {**row, "status": status, **more}


def reminder(kind, state="scheduled"):
    return {"id": str(uuid.uuid4()), "booking_id": "b-1", "member_id": "m-1", "kind": kind,
            "starts_at": NOW + timedelta(days=1), "due_at": NOW, "state": state, "data": {},
            "created_at": NOW}


def test_new_rows_wait_for_the_next_statement_and_go_one_statement_per_table(units):
    unit_of_work, statements = units
    with unit_of_work() as uow:
        for n in range(3):
            uow.messages.add(message(f"m-{n}"))
            uow.reminders.add(reminder(f"{n}h"))
        uow.marks.save({"booking_id": "b-1", "ended": False, "scheduled_by": NOW})
        assert statements == []  # kept
        assert uow.messages.count() == 3  # a read writes them first, in order
        assert statements == ["INSERT", "INSERT", "INSERT", "SELECT"]
        uow.messages.add(message("m-4"))
        assert [row["member_id"] for row in uow.flush()] == ["m-0", "m-1", "m-2", "m-4"]
        uow.reminders.add(reminder("9h"))
        uow.commit()  # writes what is kept
    with unit_of_work() as uow:
        assert uow.reminders.count() == 4 and uow.marks.get("b-1")["scheduled_by"] == NOW


def test_claims_share_due_rows_and_take_back_a_lapsed_lease(units):
    unit_of_work, _ = units
    with unit_of_work() as uow:
        lapsed = NOW - timedelta(seconds=1)
        for row in (message("m-due"), message("m-failed", "failed"),
                    message("m-later", next_attempt_at=LEASE),
                    message("m-lapsed", "sending", lease_until=lapsed, attempts=1),
                    message("m-leased", "sending", lease_until=LEASE, attempts=1)):
            uow.messages.add(row)
        uow.commit()
    with unit_of_work() as first, unit_of_work() as second:
        mine = first.messages.claim(NOW, 2, LEASE)
        theirs = second.messages.claim(NOW, 10, LEASE)  # the first's rows are locked: left out
        claimed = {row["member_id"]: row for row in mine + theirs}
        assert len(mine) == 2 and set(claimed) == {"m-due", "m-failed", "m-lapsed"}
        first.commit()
        second.commit()
    with unit_of_work() as uow:
        stored = {row["member_id"]: row for row in uow.messages.find()}
    for member_id, row in claimed.items():  # as returned, so stored
        assert (row["status"], row["lease_until"]) == ("sending", LEASE)
        assert {k: stored[member_id][k] for k in ("status", "attempts", "lease_until")} == {
            k: row[k] for k in ("status", "attempts", "lease_until")}
    assert claimed["m-lapsed"]["attempts"] == 2 and claimed["m-due"]["attempts"] == 1


def test_cancelling_moves_only_what_may_be_cancelled_and_a_cancelled_reminder_comes_back(units):
    unit_of_work, _ = units
    with unit_of_work() as uow:
        for status in ("queued", "failed", "sending", "sent", "dead"):
            uow.messages.add(message(f"m-{status}", status))
        uow.reminders.add(reminder("24h"))
        uow.reminders.add(reminder("2h", "sent"))
        assert uow.messages.cancel_all("booking changed", booking_id="b-1") == 2
        assert uow.reminders.cancel_all(booking_id="b-1") == 1
        uow.reminders.add(reminder("24h"))  # the booking moved back: scheduled again
        uow.reminders.add(reminder("2h"))  # sent already: stays so
        uow.commit()
    with unit_of_work() as uow:
        statuses = {row["member_id"]: row["status"] for row in uow.messages.find()}
        states = {row["kind"]: row["state"] for row in uow.reminders.find()}
    assert statuses == {"m-queued": "cancelled", "m-failed": "cancelled", "m-sending": "sending",
                        "m-sent": "sent", "m-dead": "dead"}
    assert states == {"24h": "scheduled", "2h": "sent"}

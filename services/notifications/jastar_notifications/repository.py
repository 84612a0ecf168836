"""The notifications store over a SQLAlchemy session, and the unit of work.

Rows go in and out as plain dicts. Claims take rows with FOR UPDATE SKIP
LOCKED on PostgreSQL, so several notifications processes share the due work
and no two take the same row (SQLite has one writer at a time anyway: every
transaction there starts with BEGIN IMMEDIATE).

New messages, reminders and booking marks are kept until `flush`, then
written with one statement per table: a batch of events costs a few
statements, not a few per event. Any other statement flushes first, so the
store reads and changes rows in the order the use case asked; commit flushes."""
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from jastar_common.batching import BatchInbox, insert_new
from jastar_common.logging import current_correlation_id
from jastar_common.sql import insert_once
from jastar_common.tracing import current_traceparent
from jastar_common.uow import SqlUnitOfWork

from .models import booking_marks, messages, preferences, reminders, webhook_deliveries, webhook_subscriptions

PENDING = ("queued", "failed")


def _dicts(result):
    return [dict(row) for row in result.mappings()]


def _due(table, now):
    # a row left 'sending' by a process that died is taken again once its
    # lease is over (see message_sender.py for why that cannot send it twice)
    return or_(
        (table.c.status.in_(PENDING)) & (table.c.next_attempt_at <= now),
        (table.c.status == "sending") & (table.c.lease_until <= now),
    )


def _schedule_reminders(session, rows):
    """INSERT, or bring back a cancelled reminder with the same booking, kind
    and start: a booking moved back to a time it had before gets that
    reminder again (one never sent only). One row per key in `rows`: each
    scheduling event flushes first, as it cancels the booking's reminders."""
    dialect = session.get_bind().dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(reminders).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["booking_id", "kind", "starts_at"],
        set_={"state": "scheduled", "data": statement.excluded.data},
        where=reminders.c.state == "cancelled")


def _traced(row):
    """The row, with the correlation id and trace of the work adding it."""
    return {"correlation_id": current_correlation_id(), "traceparent": current_traceparent(), **row}


class NotificationsStore:
    def __init__(self, session):
        self.session = session
        self._new_messages, self._new_reminders = [], []
        self._marks, self._stored_marks, self._changed_marks = {}, set(), set()
        self._preferences = {}  # member id -> row or None, for the members load() read
        self._written = []  # the messages written since the last flush()

    def _execute(self, statement):
        self._write()
        return self.session.execute(statement)

    def _scalars(self, statement):
        self._write()
        return self.session.scalars(statement)

    def _scalar(self, statement):
        self._write()
        return self.session.scalar(statement)

    def _insert_once(self, table, row):
        # False when a unique key says it is there already
        self._write()
        return insert_once(self.session, table, row)

    def _one(self, table, key, value):
        row = self._execute(select(table).where(table.c[key] == value)).mappings().first()
        return dict(row) if row else None

    def load(self, member_ids=(), booking_ids=()):
        """Read the preferences and booking marks a batch will ask for, one
        query each; get_preferences and get_mark then answer from memory."""
        members = sorted({m for m in member_ids if m} - set(self._preferences))
        if members:
            found = _dicts(self._execute(select(preferences).where(preferences.c.member_id.in_(members))))
            self._preferences.update(dict.fromkeys(members))
            self._preferences.update({row["member_id"]: row for row in found})
        bookings = sorted({b for b in booking_ids if b} - set(self._marks))
        if bookings:
            found = _dicts(self._execute(select(booking_marks)
                                         .where(booking_marks.c.booking_id.in_(bookings))))
            self._marks.update(dict.fromkeys(bookings))
            self._marks.update({row["booking_id"]: row for row in found})
            self._stored_marks.update(row["booking_id"] for row in found)

    def flush(self):
        """Write the messages, reminders and marks kept so far; returns the
        messages written since the last flush (one whose dedup key was there
        already was not)."""
        self._write()
        written, self._written = self._written, []
        return written

    def _write(self):
        if self._new_messages:
            rows, self._new_messages = self._new_messages, []
            ids = set(insert_new(self.session, messages, rows, messages.c.id))
            self._written.extend(row for row in rows if row["id"] in ids)
        if self._new_reminders:
            rows, self._new_reminders = self._new_reminders, []
            self.session.execute(_schedule_reminders(self.session, rows))
        if self._changed_marks:
            changed, self._changed_marks = sorted(self._changed_marks), set()
            stored = [b for b in changed if b in self._stored_marks]
            if stored:
                self.session.execute(delete(booking_marks).where(booking_marks.c.booking_id.in_(stored)))
            # a mark another transaction wrote meanwhile fails this one on its key
            # (the event is then retried): marks are written by one event at a time
            self.session.execute(insert(booking_marks).values([self._marks[b] for b in changed]))
            self._stored_marks.update(changed)

    def _claim(self, table, now, limit, lease_until):
        ids = list(self._scalars(
            select(table.c.id).where(_due(table, now)).order_by(table.c.next_attempt_at)
            .limit(limit).with_for_update(skip_locked=True)))
        if not ids:
            return []
        self._execute(update(table).where(table.c.id.in_(ids)).values(
            status="sending", lease_until=lease_until, attempts=table.c.attempts + 1))
        return _dicts(self._execute(select(table).where(table.c.id.in_(ids))))

    # messages

    def add_message(self, row):
        """Kept until flush (see the module doc); the dedup key keeps one per key."""
        self._new_messages.append(_traced(row))

    def get_message(self, message_id):
        return self._one(messages, "id", message_id)

    def update_message(self, message_id, **changes):
        self._execute(update(messages).where(messages.c.id == message_id).values(**changes))

    def cancel_messages(self, reason, member_id=None, booking_id=None, message_type=None):
        query = update(messages).where(messages.c.status.in_(PENDING))
        if member_id:
            query = query.where(messages.c.member_id == member_id)
        if booking_id:
            query = query.where(messages.c.booking_id == booking_id)
        if message_type:
            query = query.where(messages.c.message_type == message_type)
        return self._execute(query.values(status="cancelled", last_error=reason)).rowcount

    def claim_messages(self, now, limit, lease_until):
        return self._claim(messages, now, limit, lease_until)

    def list_messages(self, member_id=None, status=None, limit=50, offset=0):
        """A page of messages, newest first, and how many match."""
        where = []
        if member_id:
            where.append(messages.c.member_id == member_id)
        if status:
            where.append(messages.c.status == status)
        query = select(messages).where(*where).order_by(messages.c.created_at.desc(), messages.c.id)
        total = self._scalar(select(func.count()).select_from(messages).where(*where))
        return _dicts(self._execute(query.limit(limit).offset(offset))), total

    # reminders

    def schedule_reminder(self, row):
        """Kept until flush: then inserted or, if the booking had this reminder
        for this start before and it was cancelled, scheduled again."""
        self._new_reminders.append(row)

    def cancel_reminders(self, booking_id=None, member_id=None):
        query = update(reminders).where(reminders.c.state == "scheduled")
        if booking_id:
            query = query.where(reminders.c.booking_id == booking_id)
        if member_id:
            query = query.where(reminders.c.member_id == member_id)
        return self._execute(query.values(state="cancelled")).rowcount

    def claim_due_reminders(self, now, limit):
        return _dicts(self._execute(
            select(reminders).where(reminders.c.state == "scheduled", reminders.c.due_at <= now)
            .order_by(reminders.c.due_at).limit(limit).with_for_update(skip_locked=True)))

    def set_reminder_state(self, reminder_id, state):
        self._execute(update(reminders).where(reminders.c.id == reminder_id).values(state=state))

    def list_reminders(self, booking_id):
        return _dicts(self._execute(
            select(reminders).where(reminders.c.booking_id == booking_id).order_by(reminders.c.due_at)))

    def get_mark(self, booking_id):
        self.load(booking_ids=[booking_id])
        mark = self._marks[booking_id]
        return dict(mark) if mark else None

    def save_mark(self, row):
        self._marks[row["booking_id"]] = dict(row)
        self._changed_marks.add(row["booking_id"])

    # channel preferences

    def get_preferences(self, member_id):
        if member_id in self._preferences:
            return self._preferences[member_id]
        return self._one(preferences, "member_id", member_id)

    def save_preferences(self, row):
        self._execute(delete(preferences).where(preferences.c.member_id == row["member_id"]))
        self.session.execute(insert(preferences).values(**row))
        self._preferences.pop(row["member_id"], None)

    def telegram_chats(self, member_ids):
        """{member id: linked Telegram chat id} for those of these members who linked one."""
        if not member_ids:
            return {}
        return dict(self._execute(
            select(preferences.c.member_id, preferences.c.telegram_chat_id)
            .where(preferences.c.member_id.in_(list(member_ids)),
                   preferences.c.telegram_chat_id.is_not(None))).all())

    def quiet_hours_of(self, member_ids):
        """{member id: quiet hours} for those of these members who set them."""
        if not member_ids:
            return {}
        rows = self._execute(
            select(preferences.c.member_id, preferences.c.quiet_hours)
            .where(preferences.c.member_id.in_(list(member_ids)))).all()
        return {member_id: quiet for member_id, quiet in rows if quiet}

    def delete_preferences(self, member_id):
        self._execute(delete(preferences).where(preferences.c.member_id == member_id))
        self._preferences[member_id] = None

    # webhook subscriptions and deliveries

    def add_subscription(self, row):
        self._execute(insert(webhook_subscriptions).values(**row))

    def get_subscription(self, subscription_id):
        return self._one(webhook_subscriptions, "id", subscription_id)

    def list_subscriptions(self, owner=None, active_only=False):
        query = select(webhook_subscriptions).order_by(webhook_subscriptions.c.created_at, webhook_subscriptions.c.id)
        if owner is not None:
            query = query.where(webhook_subscriptions.c.owner == owner)
        if active_only:
            query = query.where(webhook_subscriptions.c.active.is_(True))
        return _dicts(self._execute(query))

    def update_subscription(self, subscription_id, **changes):
        self._execute(update(webhook_subscriptions)
                             .where(webhook_subscriptions.c.id == subscription_id).values(**changes))

    def delete_subscription(self, subscription_id):
        self._execute(delete(webhook_deliveries)
                             .where(webhook_deliveries.c.subscription_id == subscription_id))
        self._execute(delete(webhook_subscriptions)
                             .where(webhook_subscriptions.c.id == subscription_id))

    def add_delivery(self, row):
        return self._insert_once(webhook_deliveries, _traced(row))

    def get_delivery(self, delivery_id):
        return self._one(webhook_deliveries, "id", delivery_id)

    def update_delivery(self, delivery_id, **changes):
        self._execute(update(webhook_deliveries)
                             .where(webhook_deliveries.c.id == delivery_id).values(**changes))

    def list_deliveries(self, subscription_id, limit=50, offset=0):
        """A page of a subscription's deliveries, newest first, and how many there are."""
        mine = webhook_deliveries.c.subscription_id == subscription_id
        total = self._scalar(select(func.count()).select_from(webhook_deliveries).where(mine))
        return _dicts(self._execute(
            select(webhook_deliveries).where(mine)
            .order_by(webhook_deliveries.c.created_at.desc(), webhook_deliveries.c.id)
            .limit(limit).offset(offset))), total

    def claim_deliveries(self, now, limit, lease_until):
        return self._claim(webhook_deliveries, now, limit, lease_until)

    def stop_deliveries(self, subscription_id, reason):
        """Pending deliveries of a disabled subscription are dead, not retried."""
        self._execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.subscription_id == subscription_id,
                   webhook_deliveries.c.status.in_(PENDING))
            .values(status="dead", last_error=reason))


class NotificationsUnitOfWork(BatchInbox, SqlUnitOfWork):
    event_types = frozenset()  # notifications emits no events of its own

    def _open(self, session):
        self.store = NotificationsStore(session)

    def commit(self):
        self.store.flush()
        super().commit()

"""Notifications' repositories, one per table on the shared base (rows go in
and out as plain dicts), and the unit of work.

New messages, reminders and booking marks are kept until the unit of work
flushes, then written with one statement per table: a batch of events costs
a few statements, not a few per event. Any other statement, by any of these
repositories, flushes first (they share one `WriteBehind` for a session), so
rows are read and changed in the order the use case asked; commit flushes.

Claims take rows with FOR UPDATE SKIP LOCKED on PostgreSQL, so several
notifications processes share the due work and no two take the same row
(SQLite has one writer at a time anyway: every transaction there starts with
BEGIN IMMEDIATE)."""
from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from jastar_common.batching import BatchInbox, insert_new
from jastar_common.logging import current_correlation_id
from jastar_common.repository import Repository
from jastar_common.sql import insert_once
from jastar_common.tracing import current_traceparent
from jastar_common.uow import SqlUnitOfWork

from .domain import model
from .models import booking_marks, messages, preferences, reminders, webhook_deliveries, webhook_subscriptions


class WriteBehind:
    """The session the repositories of one unit of work share: each
    statement first writes what the `writers` (repositories that keep new
    rows) hold, in their order; they write on the real `session`."""

    def __init__(self, session):
        self.session = session
        self.writers = []

    def flush(self):
        for writer in self.writers:
            writer.write_kept()

    def execute(self, statement, *args, **kwargs):
        self.flush()
        return self.session.execute(statement, *args, **kwargs)

    def scalar(self, statement, *args, **kwargs):
        self.flush()
        return self.session.scalar(statement, *args, **kwargs)

    def scalars(self, statement, *args, **kwargs):
        self.flush()
        return self.session.scalars(statement, *args, **kwargs)

    def get_bind(self):
        return self.session.get_bind()


def _traced(row):
    """The row, with the correlation id and trace of the work adding it."""
    return {"correlation_id": current_correlation_id(), "traceparent": current_traceparent(), **row}


def _equal(*pairs):
    """column == value for each (column, value) pair given a value."""
    return [column == value for column, value in pairs if value]


class _Rows(Repository):
    """A table of rows; `model` (an entity class) says how their state may change."""
    model = None

    def update(self, obj_id, **changes):
        self.session.execute(update(self.entity).where(self.c[self.key] == obj_id).values(**changes))

    def take_all(self, action, *where, **changes):
        """`action` on every row matching `where` that it may start from, in
        one statement (the entity's table gives the states); how many moved."""
        state = self.c[self.model.field]
        return self.session.execute(
            update(self.entity).where(state.in_(self.model.starts(action)), *where)
            .values(**{self.model.field: self.model.end(action)}, **changes)).rowcount


class _Kept(_Rows):
    """New rows kept until the next statement or flush, then written
    together by `_write(rows)` on the real session."""

    def __init__(self, session):
        super().__init__(session)
        self._kept = []

    def add(self, row):
        self._kept.append(row)

    def write_kept(self):
        if self._kept:
            rows, self._kept = self._kept, []
            self._write(rows)


class _Outgoing(_Rows):
    """Messages and webhook deliveries: claimed by the senders."""

    def claim(self, now, limit, lease_until):
        """Up to `limit` due rows, oldest due first, marked sending under a
        lease until `lease_until` (their attempts counted), in two statements.
        A row left sending by a process that died is taken again once its
        lease is over (see message_sender.py for why that cannot send it twice)."""
        c = self.c
        due = or_(c.status.in_(model.PENDING) & (c.next_attempt_at <= now),
                  (c.status == model.SENDING) & (c.lease_until <= now))
        rows = self.find(due, order_by=(c.next_attempt_at,), limit=limit, skip_locked=True)
        if rows:
            self.session.execute(update(self.entity).where(c.id.in_([row["id"] for row in rows])).values(
                status=self.model.end("claim"), lease_until=lease_until, attempts=c.attempts + 1))
        for row in rows:  # the same change on the rows read (locked: none else changes them)
            self.model(row).claim(lease_until)
        return rows


class MessageRepository(_Kept, _Outgoing):
    """The delivery log: one row per member x channel x message."""
    entity = messages
    model = model.Message

    def __init__(self, session):
        super().__init__(session)
        self._written = []  # the messages written since the last take_written()

    def add(self, row):
        """Kept until the next statement or flush; the dedup key keeps one per key."""
        super().add(_traced(row))

    def _write(self, rows):
        ids = set(insert_new(self.session.session, messages, rows, messages.c.id))
        self._written.extend(row for row in rows if row["id"] in ids)

    def take_written(self):
        """The messages written since the last call (one whose dedup key was
        there already was not)."""
        written, self._written = self._written, []
        return written

    def cancel_all(self, reason, member_id=None, booking_id=None, message_type=None):
        return self.take_all("cancel", *_equal((self.c.member_id, member_id), (self.c.booking_id, booking_id),
                                               (self.c.message_type, message_type)), last_error=reason)

    def newest(self, member_id=None, status=None, limit=50, offset=0):
        """A page of messages, newest first, and how many match."""
        return self.page(*_equal((self.c.member_id, member_id), (self.c.status, status)),
                         order_by=(self.c.created_at.desc(),), limit=limit, offset=offset)


class ReminderRepository(_Kept):
    """Added reminders are kept until the next statement or flush: then
    inserted or, if the booking had this reminder for this start before and
    it was cancelled, scheduled again."""
    entity = reminders
    model = model.Reminder

    def _write(self, rows):
        # one row per key in `rows`: each scheduling event flushes first, as
        # it cancels the booking's reminders
        dialect = self.session.get_bind().dialect.name
        statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(reminders).values(rows)
        state = self.model.field
        self.session.session.execute(statement.on_conflict_do_update(
            index_elements=["booking_id", "kind", "starts_at"],
            set_={state: self.model.end("schedule"), "data": statement.excluded.data},
            where=self.c[state].in_(self.model.starts("schedule"))))

    def cancel_all(self, booking_id=None, member_id=None):
        return self.take_all("cancel", *_equal((self.c.booking_id, booking_id),
                                               (self.c.member_id, member_id)))

    def claim_due(self, now, limit):
        """Scheduled reminders due by `now`, locked (others take other rows)."""
        return self.find(self.c.state.in_(self.model.starts("send")), self.c.due_at <= now,
                         order_by=(self.c.due_at,), limit=limit, skip_locked=True)


class _Loaded(Repository):
    """Rows a batch will ask for, read at once by `load`; `get` then answers
    from memory (None: there is no row)."""

    def __init__(self, session):
        super().__init__(session)
        self._known = {}

    def load(self, keys):
        """Reads those of `keys` not read yet, in one query; returns the rows found."""
        wanted = sorted({k for k in keys if k} - set(self._known))
        if not wanted:
            return []
        found = self.find(self.c[self.key].in_(wanted))
        self._known.update(dict.fromkeys(wanted))
        self._known.update({row[self.key]: row for row in found})
        return found


class BookingMarkRepository(_Loaded):
    """What notifications last heard of each booking (models.booking_marks)."""
    entity = booking_marks
    key = "booking_id"

    def __init__(self, session):
        super().__init__(session)
        self._stored, self._changed = set(), set()

    def load(self, keys):
        self._stored.update(row["booking_id"] for row in super().load(keys))

    def get(self, booking_id):
        self.load([booking_id])
        mark = self._known[booking_id]
        return dict(mark) if mark else None

    def save(self, row):
        """Kept until the next statement or flush."""
        self._known[row["booking_id"]] = dict(row)
        self._changed.add(row["booking_id"])

    def write_kept(self):
        if not self._changed:
            return
        changed, self._changed = sorted(self._changed), set()
        session = self.session.session
        stored = [b for b in changed if b in self._stored]
        if stored:
            session.execute(delete(booking_marks).where(self.c.booking_id.in_(stored)))
        # a mark another transaction wrote meanwhile fails this one on its key
        # (the event is then retried): marks are written by one event at a time
        session.execute(insert(booking_marks).values([self._known[b] for b in changed]))
        self._stored.update(changed)


class PreferenceRepository(_Loaded):
    """Members' channel preferences; no row: the default channels apply."""
    entity = preferences
    key = "member_id"

    def get(self, member_id):
        if member_id in self._known:
            return self._known[member_id]
        return super().get(member_id)

    def save(self, row):
        self.delete(row["member_id"])
        self.session.session.execute(insert(preferences).values(**row))
        self._known.pop(row["member_id"], None)

    def delete(self, member_id):
        self.session.execute(delete(preferences).where(self.c.member_id == member_id))
        self._known[member_id] = None

    def telegram_chats(self, member_ids):
        """{member id: linked Telegram chat id} for those of these members who linked one."""
        if not member_ids:
            return {}
        return dict(self.session.execute(
            self._columns(self.c.telegram_chat_id, member_ids)
            .where(self.c.telegram_chat_id.is_not(None))).all())

    def quiet_hours_of(self, member_ids):
        """{member id: quiet hours} for those of these members who set them."""
        if not member_ids:
            return {}
        rows = self.session.execute(self._columns(self.c.quiet_hours, member_ids)).all()
        return {member_id: quiet for member_id, quiet in rows if quiet}

    def _columns(self, column, member_ids):
        return select(self.c.member_id, column).where(self.c.member_id.in_(list(member_ids)))


class SubscriptionRepository(_Rows):
    entity = webhook_subscriptions

    def owned(self, owner=None, active_only=False):
        """Oldest first: all, or an owner's; only the active ones if asked."""
        where = [self.c.owner == owner] if owner is not None else []
        if active_only:
            where.append(self.c.active.is_(True))
        return self.find(*where, order_by=(self.c.created_at,))

    def delete(self, subscription_id):
        self.session.execute(delete(self.entity).where(self.c.id == subscription_id))


class DeliveryRepository(_Outgoing):
    entity = webhook_deliveries
    model = model.WebhookDelivery

    def add(self, row):
        """False when the subscription has this event already."""
        return insert_once(self.session, self.entity, _traced(row))

    def newest(self, subscription_id, limit=50, offset=0):
        """A page of a subscription's deliveries, newest first, and how many there are."""
        return self.page(self.c.subscription_id == subscription_id,
                         order_by=(self.c.created_at.desc(),), limit=limit, offset=offset)

    def stop_all(self, subscription_id, reason):
        """Pending deliveries of a disabled subscription are dead, not retried."""
        return self.take_all("stop", self.c.subscription_id == subscription_id, last_error=reason)

    def delete_all(self, subscription_id):
        self.session.execute(delete(self.entity).where(self.c.subscription_id == subscription_id))


class NotificationsUnitOfWork(BatchInbox, SqlUnitOfWork):
    event_types = frozenset()  # notifications emits no events of its own

    def _open(self, session):
        self._writes = writes = WriteBehind(session)
        self.messages = MessageRepository(writes)
        self.reminders = ReminderRepository(writes)
        self.marks = BookingMarkRepository(writes)
        self.preferences = PreferenceRepository(writes)
        self.subscriptions = SubscriptionRepository(writes)
        self.deliveries = DeliveryRepository(writes)
        writes.writers = [self.messages, self.reminders, self.marks]  # the order they write in

    def flush(self):
        """Write what the repositories keep; returns the messages written
        since the last flush (see MessageRepository.take_written)."""
        self._writes.flush()
        return self.messages.take_written()

    def commit(self):
        self._writes.flush()
        super().commit()

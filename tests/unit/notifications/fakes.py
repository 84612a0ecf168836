"""Notifications' repositories in memory, on the one fake unit of work
(tests/unit/fakes.py), so the use cases and senders run with no database:
the same methods as repository.py's, and states change through the same
entities and transition tables (domain/model.py)."""
import copy

from jastar_notifications.domain.model import PENDING, SENDING, Message, Reminder, WebhookDelivery

from .. import fakes


def _matches(row, where):
    """Every column given a value (not None or empty) has it."""
    return all(not value or row[column] == value for column, value in where.items())


class _FakeRows:
    key = "id"
    model = None

    def __init__(self):
        self.rows = {}  # key -> row

    def get(self, key):
        row = self.rows.get(key)
        return dict(row) if row is not None else None

    def add(self, row):
        self.rows[row[self.key]] = dict(row)

    def update(self, key, **changes):
        self.rows[key].update(changes)

    def _take_all(self, action, where, **changes):
        moved = [row for row in self.rows.values()
                 if row[self.model.field] in self.model.starts(action) and _matches(row, where)]
        for row in moved:
            row.update({self.model.field: self.model.end(action), **changes})
        return len(moved)

    def _newest(self, where, limit, offset):
        found = sorted((row for row in self.rows.values() if _matches(row, where)), key=lambda r: r["id"])
        found.sort(key=lambda r: r["created_at"], reverse=True)
        return [dict(row) for row in found[offset:offset + limit]], len(found)


class _FakeOutgoing(_FakeRows):
    def claim(self, now, limit, lease_until):
        due = sorted((row for row in self.rows.values()
                      if (row["status"] in PENDING and row["next_attempt_at"] <= now)
                      or (row["status"] == SENDING and row["lease_until"] <= now)),
                     key=lambda row: row["next_attempt_at"])[:limit]
        for row in due:
            self.model(row).claim(lease_until)
        return [copy.deepcopy(row) for row in due]


class FakeMessages(_FakeOutgoing):
    model = Message

    def __init__(self):
        super().__init__()
        self.written = []  # added since the last take_written()

    def add(self, row):
        if any(m["dedup_key"] == row["dedup_key"] for m in self.rows.values()):
            return
        super().add(row)
        self.written.append(dict(row))

    def take_written(self):
        written, self.written = self.written, []
        return written

    def cancel_all(self, reason, member_id=None, booking_id=None, message_type=None):
        return self._take_all("cancel", {"member_id": member_id, "booking_id": booking_id,
                                         "message_type": message_type}, last_error=reason)

    def newest(self, member_id=None, status=None, limit=50, offset=0):
        return self._newest({"member_id": member_id, "status": status}, limit, offset)


class FakeReminders(_FakeRows):
    model = Reminder

    def add(self, row):
        """Inserted, or a cancelled one with its booking, kind and start scheduled again."""
        key = (row["booking_id"], row["kind"], row["starts_at"])
        for stored in self.rows.values():
            if (stored["booking_id"], stored["kind"], stored["starts_at"]) == key:
                if stored["state"] in Reminder.starts("schedule"):
                    stored.update(state=Reminder.end("schedule"), data=row["data"])
                return
        super().add(row)

    def cancel_all(self, booking_id=None, member_id=None):
        return self._take_all("cancel", {"booking_id": booking_id, "member_id": member_id})

    def claim_due(self, now, limit):
        due = [r for r in self.rows.values() if r["state"] in Reminder.starts("send") and r["due_at"] <= now]
        return [dict(r) for r in sorted(due, key=lambda r: r["due_at"])[:limit]]


class _FakeLoaded(_FakeRows):
    def load(self, keys):
        pass  # all in memory already

    def save(self, row):
        self.add(row)


class FakeMarks(_FakeLoaded):
    key = "booking_id"


class FakePreferences(_FakeLoaded):
    key = "member_id"

    def delete(self, member_id):
        self.rows.pop(member_id, None)

    def telegram_chats(self, member_ids):
        return {m: p["telegram_chat_id"] for m, p in self.rows.items()
                if m in member_ids and p.get("telegram_chat_id") is not None}

    def quiet_hours_of(self, member_ids):
        return {m: p["quiet_hours"] for m, p in self.rows.items() if m in member_ids and p.get("quiet_hours")}


class FakeSubscriptions(_FakeRows):
    def owned(self, owner=None, active_only=False):
        return [dict(s) for s in self.rows.values()
                if (owner is None or s["owner"] == owner) and (s["active"] or not active_only)]

    def delete(self, subscription_id):
        self.rows.pop(subscription_id, None)


class FakeDeliveries(_FakeOutgoing):
    model = WebhookDelivery

    def add(self, row):
        if any((d["subscription_id"], d["event_id"]) == (row["subscription_id"], row["event_id"])
               for d in self.rows.values()):
            return False
        super().add(row)
        return True

    def newest(self, subscription_id, limit=50, offset=0):
        return self._newest({"subscription_id": subscription_id}, limit, offset)

    def stop_all(self, subscription_id, reason):
        return self._take_all("stop", {"subscription_id": subscription_id}, last_error=reason)

    def delete_all(self, subscription_id):
        self.rows = {k: d for k, d in self.rows.items() if d["subscription_id"] != subscription_id}


class FakeUnitOfWork(fakes.FakeUnitOfWork):
    """The one fake unit of work (tests/unit/fakes.py), with notifications'
    repositories (the real one's names)."""

    def __init__(self):
        super().__init__(messages=FakeMessages(), reminders=FakeReminders(), marks=FakeMarks(),
                         preferences=FakePreferences(), subscriptions=FakeSubscriptions(),
                         deliveries=FakeDeliveries())

    def first_deliveries(self, consumer, envelopes):
        return [envelope for envelope in envelopes if self.first_delivery(consumer, envelope)]

    def flush(self):
        return self.messages.take_written()

"""An in-memory notifications store and unit of work, so the use cases run
with no database (the same methods as repository.NotificationsStore uses)."""
import copy

from .. import fakes


class FakeStore:
    def __init__(self):
        self.messages, self.reminders, self.prefs, self.marks = {}, {}, {}, {}
        self.subscriptions, self.deliveries = {}, {}
        self.written = []  # messages added since the last flush()

    def load(self, member_ids=(), booking_ids=()):
        pass  # all in memory already

    def flush(self):
        written, self.written = self.written, []
        return written

    def get_mark(self, booking_id):
        return self.marks.get(booking_id)

    def save_mark(self, row):
        self.marks[row["booking_id"]] = dict(row)

    def add_message(self, row):
        if any(m["dedup_key"] == row["dedup_key"] for m in self.messages.values()):
            return False
        self.messages[row["id"]] = dict(row)
        self.written.append(dict(row))
        return True

    def cancel_messages(self, reason, member_id=None, booking_id=None, message_type=None):
        n = 0
        for m in self.messages.values():
            if (m["status"] in ("queued", "failed") and (not member_id or m["member_id"] == member_id)
                    and (not booking_id or m["booking_id"] == booking_id)
                    and (not message_type or m["message_type"] == message_type)):
                m.update(status="cancelled", last_error=reason)
                n += 1
        return n

    def claim_messages(self, now, limit, lease_until):
        due = sorted((m for m in self.messages.values()
                      if m["status"] in ("queued", "failed") and m["next_attempt_at"] <= now),
                     key=lambda m: m["next_attempt_at"])[:limit]
        for m in due:
            m.update(status="sending", lease_until=lease_until, attempts=m["attempts"] + 1)
        return [copy.deepcopy(m) for m in due]

    def update_message(self, message_id, **changes):
        self.messages[message_id].update(changes)

    def telegram_chats(self, member_ids):
        return {m: p["telegram_chat_id"] for m, p in self.prefs.items()
                if m in member_ids and p.get("telegram_chat_id") is not None}

    def quiet_hours_of(self, member_ids):
        return {m: p["quiet_hours"] for m, p in self.prefs.items() if m in member_ids and p.get("quiet_hours")}

    def list_subscriptions(self, owner=None, active_only=False):
        return [dict(s) for s in self.subscriptions.values()
                if (owner is None or s["owner"] == owner) and (s["active"] or not active_only)]

    def add_delivery(self, row):
        self.deliveries[row["id"]] = dict(row)
        return True

    def add_reminder(self, row):
        key = (row["booking_id"], row["kind"], row["starts_at"])
        if any((r["booking_id"], r["kind"], r["starts_at"]) == key for r in self.reminders.values()):
            return False
        self.reminders[row["id"]] = dict(row)
        return True

    def schedule_reminder(self, row):
        if not self.add_reminder(row):
            self.revive_reminder(row["booking_id"], row["kind"], row["starts_at"], row["data"])

    def revive_reminder(self, booking_id, kind, starts_at, data):
        for r in self.reminders.values():
            if (r["booking_id"], r["kind"], r["starts_at"]) == (booking_id, kind, starts_at) \
                    and r["state"] == "cancelled":
                r.update(state="scheduled", data=data)

    def cancel_reminders(self, booking_id=None, member_id=None):
        for r in self.reminders.values():
            if r["state"] == "scheduled" and (not booking_id or r["booking_id"] == booking_id) \
                    and (not member_id or r["member_id"] == member_id):
                r["state"] = "cancelled"

    def claim_due_reminders(self, now, limit):
        due = [r for r in self.reminders.values() if r["state"] == "scheduled" and r["due_at"] <= now]
        return [dict(r) for r in sorted(due, key=lambda r: r["due_at"])[:limit]]

    def set_reminder_state(self, reminder_id, state):
        self.reminders[reminder_id]["state"] = state

    def get_preferences(self, member_id):
        return self.prefs.get(member_id)

    def save_preferences(self, row):
        self.prefs[row["member_id"]] = dict(row)

    def delete_preferences(self, member_id):
        self.prefs.pop(member_id, None)


class FakeUnitOfWork(fakes.FakeUnitOfWork):
    """The one fake unit of work (tests/unit/fakes.py), over a store."""

    def __init__(self, store=None):
        super().__init__(store=store or FakeStore())

    def first_deliveries(self, consumer, envelopes):
        return [envelope for envelope in envelopes if self.first_delivery(consumer, envelope)]

"""The sender over in-memory fakes and a stub registry: a claimed batch asks
for its members' contacts in one call and for each name once, its messages
are prepared side by side, and a registry that does not answer leaves every
message queued for a retry, none lost."""
from collections import Counter
from datetime import datetime, timedelta, timezone

import eventlet
import eventlet.event
import pytest
from nameko.exceptions import MethodNotFound

from jastar_common.caller import SYSTEM
from jastar_common.envelope import Envelope
from jastar_common.errors import NotFound
from jastar_notifications.channels import RetryableError
from jastar_notifications.dependencies import RegistryDirectory
from jastar_notifications.domain import services
from jastar_notifications.message_sender import MessageSender
from jastar_notifications.sending import SendSettings

from .fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 28, 6, 0, tzinfo=timezone.utc)  # 11:00 in Almaty
STARTS = datetime(2026, 12, 1, 5, 0, tzinfo=timezone.utc)
SETTINGS = services.Settings(default_channels=("sms",), reminder_offsets=(), quiet_hours=None)
ENTITIES = {
    ("centre", "karasai-yrc"): {"id": "karasai-yrc", "name_ru": "МРЦ Карасай", "address": "Каскелең"},
    ("service", "psychologist"): {"id": "psychologist", "name_ru": "Консультация психолога"},
    ("service", "lawyer"): {"id": "lawyer", "name_ru": "Консультация юриста"},
}


def contact(member_id, status="active", phone="+7 701 000 00 01"):
    return {"id": member_id, "full_name": f"Member {member_id}", "phone": phone, "email": None,
            "telegram": None, "language": "ru", "status": status}


class StubRegistry:
    """The registry's answers, every call counted. `down`: no call is answered
    (each hangs past the directory's timeout); `slow`: keys whose answer waits
    for `released`."""

    def __init__(self, members, has_get_members=True):
        self.members = {m["id"]: m for m in members}
        self.has_get_members = has_get_members
        self.calls = Counter()
        self.down = False
        self.slow, self.released = set(), eventlet.event.Event()

    def _answer(self, key):
        self.calls[key] += 1
        if self.down:
            eventlet.sleep(60)
        if key in self.slow:
            self.released.wait()
        eventlet.sleep(0)  # as a real call would, let the other greenthreads run

    def get_members(self, member_ids):
        self._answer("get_members")
        if not self.has_get_members:
            raise MethodNotFound("get_members")
        assert len(member_ids) == len(set(member_ids))
        return [self.members[m] for m in member_ids if m in self.members]

    def get_member(self, member_id):
        self._answer("get_member")
        if member_id not in self.members:
            raise NotFound("no such member", entity="member", id=member_id)
        return self.members[member_id]

    def get(self, kind, obj_id):
        self._answer((kind, obj_id))
        if (kind, obj_id) not in ENTITIES:
            raise NotFound(f"no such {kind}", entity=kind, id=obj_id)
        return ENTITIES[(kind, obj_id)]


class Channel:
    def __init__(self, on_send=None):
        self.sent, self.on_send = [], on_send

    def send(self, outgoing):
        self.sent.append(outgoing)
        if self.on_send:
            self.on_send(outgoing)
        return f"provider-{len(self.sent)}"


def confirm(uow, member_id, booking_id, service_id="psychologist"):
    data = {"booking_id": booking_id, "member_id": member_id, "kind": "consultation",
            "state": "confirmed", "centre_id": "karasai-yrc", "service_id": service_id,
            "starts_at": STARTS.isoformat(), "ends_at": (STARTS + timedelta(hours=1)).isoformat()}
    envelope = Envelope(type="booking.confirmed", source="booking", data=data, time=NOW)
    services.take_event(uow, "notifications.booking_changes", envelope, SETTINGS, NOW)


def send_pass(uow, registry, channel, now=NOW, timeout=5.0):
    """One timer tick: a fresh directory, as the service makes one per tick."""
    directory = RegistryDirectory(registry, timeout)
    channels = {"sms": channel, "email": channel, "telegram": channel}
    MessageSender(lambda: uow, channels, directory, SETTINGS, SendSettings(concurrency=10),
                  clock=lambda: now).send_messages()


def by_member(uow):
    return {m["member_id"]: m for m in uow.messages.rows.values()}


def test_a_batch_of_messages_asks_for_all_its_members_in_one_call():
    members = [contact(f"m-{n}", phone=f"+7 701 000 00 {n:02d}") for n in range(12)]
    registry, channel, uow = StubRegistry(members), Channel(), FakeUnitOfWork()
    for n in range(12):
        confirm(uow, f"m-{n}", f"b-{n}")
    send_pass(uow, registry, channel)

    assert registry.calls == {"get_members": 1, ("centre", "karasai-yrc"): 1,
                              ("service", "psychologist"): 1}
    assert {m["status"] for m in uow.messages.rows.values()} == {"sent"}
    assert sorted(o.to for o in channel.sent) == [f"+770100000{n:02d}" for n in range(12)]
    assert all("Консультация психолога" in o.body and "МРЦ Карасай" in o.body for o in channel.sent)


def test_erased_and_unknown_members_are_skipped_as_before():
    registry = StubRegistry([contact("m-1"), contact("m-2", status="erased", phone=None)])
    channel, uow = Channel(), FakeUnitOfWork()
    for member_id in ("m-1", "m-2", "m-unknown"):
        confirm(uow, member_id, f"b-{member_id}")
    send_pass(uow, registry, channel)

    messages = by_member(uow)
    assert messages["m-1"]["status"] == "sent"
    for member_id in ("m-2", "m-unknown"):
        assert (messages[member_id]["status"], messages[member_id]["last_error"]) == (
            "skipped", "member erased or unknown")
    assert registry.calls["get_members"] == 1 and registry.calls["get_member"] == 0


def test_a_registry_that_does_not_answer_leaves_the_batch_queued_for_a_retry():
    registry = StubRegistry([contact(f"m-{n}") for n in range(5)])
    channel, uow = Channel(), FakeUnitOfWork()
    for n in range(5):
        confirm(uow, f"m-{n}", f"b-{n}")
    registry.down = True
    send_pass(uow, registry, channel, timeout=0.05)

    # one call that timed out, not one more per message to a registry that is not answering
    assert registry.calls == {"get_members": 1}
    assert channel.sent == []
    for message in uow.messages.rows.values():
        assert message["status"] == "failed" and message["attempts"] == 1
        assert "did not answer in time" in message["last_error"] and message["next_attempt_at"] > NOW

    registry.down = False
    send_pass(uow, registry, channel, now=NOW + timedelta(hours=2))  # past the backoff
    assert {(m["status"], m["attempts"]) for m in uow.messages.rows.values()} == {("sent", 2)}
    assert len(channel.sent) == 5


def test_a_registry_without_get_members_is_asked_member_by_member():
    registry = StubRegistry([contact("m-1"), contact("m-2")], has_get_members=False)
    channel, uow = Channel(), FakeUnitOfWork()
    confirm(uow, "m-1", "b-1")
    confirm(uow, "m-2", "b-2")
    send_pass(uow, registry, channel)

    assert registry.calls["get_members"] == 1 and registry.calls["get_member"] == 2
    assert {m["status"] for m in uow.messages.rows.values()} == {"sent"}


def test_one_slow_look_up_does_not_hold_up_the_rest_of_the_batch():
    registry = StubRegistry([contact("m-slow"), contact("m-quick")])
    registry.slow.add(("service", "lawyer"))
    # the slow name is answered only once the other message has gone out:
    # prepared one after the other, the first would wait out the timeout
    channel = Channel(on_send=lambda outgoing: registry.released.ready() or registry.released.send())
    uow = FakeUnitOfWork()
    confirm(uow, "m-slow", "b-slow", service_id="lawyer")
    confirm(uow, "m-quick", "b-quick")
    by_member(uow)["m-slow"]["next_attempt_at"] = NOW - timedelta(minutes=1)  # claimed first
    send_pass(uow, registry, channel, timeout=2.0)

    assert {m["status"] for m in uow.messages.rows.values()} == {"sent"}
    assert [o.to for o in channel.sent] == ["+77010000001", "+77010000001"]
    assert "Консультация юриста" in channel.sent[1].body


def test_a_linked_telegram_chat_comes_from_the_preferences():
    registry, channel, uow = StubRegistry([contact("m-tg")]), Channel(), FakeUnitOfWork()
    services.set_preferences(uow, SYSTEM, NOW, "m-tg", ["telegram"], "555123")
    confirm(uow, "m-tg", "b-1")
    send_pass(uow, registry, channel)
    assert [o.to for o in channel.sent] == ["555123"]


def test_the_same_look_up_asked_at_once_is_one_call_and_a_failure_is_not_kept():
    registry = StubRegistry([])
    directory = RegistryDirectory(registry, timeout=0.05)
    pool = eventlet.GreenPool(5)
    names = list(pool.imap(lambda _: directory.entity("centre", "karasai-yrc"), range(5)))
    assert names == [ENTITIES[("centre", "karasai-yrc")]] * 5
    assert registry.calls[("centre", "karasai-yrc")] == 1

    registry.down = True
    failures = list(pool.imap(lambda _: _failure(lambda: directory.entity("service", "lawyer")),
                              range(5)))
    assert all(isinstance(f, RetryableError) for f in failures)
    assert registry.calls[("service", "lawyer")] == 1
    registry.down = False
    assert directory.entity("service", "lawyer")["id"] == "lawyer"  # asked again
    assert directory.entity("service", "nowhere") is None  # not found is an answer


def _failure(call):
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the test looks at it
        return exc
    pytest.fail("no error")

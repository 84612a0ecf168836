"""Each use case checks its own caller (domain/access.py), so a wrong caller
is refused by the use case itself, before anything is read or written."""
from datetime import datetime, timezone

import pytest

from jastar_common.caller import Caller
from jastar_common.errors import NotAllowed
from jastar_notifications.domain import services

from .fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 28, 6, 0, tzinfo=timezone.utc)
SETTINGS = services.Settings()
MEMBER = Caller("member", "m-1")
OTHER_MEMBER = Caller("member", "m-2")
STAFF = Caller("staff", "desk-1", ("karasai-yrc",))


@pytest.fixture
def uow():
    return FakeUnitOfWork()


def test_only_the_system_queues_a_login_code(uow):
    with pytest.raises(NotAllowed):
        services.queue_login_code(uow, STAFF, SETTINGS, NOW, "+7 701 234 56 78", "1234", "ru")
    assert uow.messages.rows == {}


def test_a_member_may_not_read_anothers_preferences(uow):
    with pytest.raises(NotAllowed):
        services.get_preferences(uow, OTHER_MEMBER, SETTINGS, "m-1")
    assert services.get_preferences(uow, MEMBER, SETTINGS, "m-1")["member_id"] == "m-1"


def test_a_member_may_not_change_anothers_preferences(uow):
    with pytest.raises(NotAllowed):
        services.set_preferences(uow, OTHER_MEMBER, NOW, "m-1", ["sms"])
    assert uow.preferences.get("m-1") is None
    services.set_preferences(uow, MEMBER, NOW, "m-1", ["sms"])
    assert uow.preferences.get("m-1")["channels"] == ["sms"]


def test_a_member_may_not_list_anothers_messages(uow):
    with pytest.raises(NotAllowed):
        services.list_messages(uow, OTHER_MEMBER, "m-1")


def test_a_member_may_not_list_dead_messages(uow):
    with pytest.raises(NotAllowed):
        services.list_dead_messages(uow, MEMBER)


def test_a_member_may_not_retry_a_dead_message(uow):
    uow.messages.rows["msg-1"] = {"id": "msg-1", "status": "dead", "message_type": "reminder"}
    with pytest.raises(NotAllowed):
        services.retry_dead_message(uow, MEMBER, NOW, "msg-1")
    assert uow.messages.rows["msg-1"]["status"] == "dead"

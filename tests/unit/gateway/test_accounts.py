"""The gateway's own use cases on a real (SQLite) gateway database: staff
accounts, API keys, sign-in codes and calendar feeds, through the unit of work."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine

from jastar_common.clock import utcnow
from jastar_common.database import make_session_factory
from jastar_common.errors import Conflict, NotFound
from jastar_gateway.domain import accounts, calendar_feeds, sign_in
from jastar_gateway.models import metadata
from jastar_gateway.repository import GatewayUnitOfWork

PHONE = "+77015558073"


@pytest.fixture
def uow():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    factory = make_session_factory(engine)
    yield lambda: GatewayUnitOfWork(factory, "gateway")
    engine.dispose()


def test_a_staff_account_is_added_once_per_phone_found_and_deactivated(uow):
    now = utcnow()
    added = accounts.add_staff(uow(), PHONE, "Dana Seitkali", "staff", ["karasai-yrc"], now=now)
    assert (added.role, added.centre_ids, added.active, added.created_at) == ("staff", ["karasai-yrc"], True, now)
    with pytest.raises(Conflict) as taken:
        accounts.add_staff(uow(), PHONE, "Someone Else", "admin", [], now=now)
    assert taken.value.details["fields"] == {"phone": ["already used"]}
    assert accounts.staff_by_phone(uow(), PHONE).id == added.id
    assert [a.id for a in accounts.list_staff(uow())] == [added.id]
    accounts.deactivate_staff(uow(), added.id)
    assert accounts.staff_by_phone(uow(), PHONE) is None  # no more sign-in codes
    assert accounts.staff_by_id(uow(), added.id).active is False
    with pytest.raises(NotFound):
        accounts.deactivate_staff(uow(), "no-such-account")


def test_an_api_key_opens_until_revoked_and_is_kept_only_as_a_hash(uow):
    created = accounts.create_api_key(uow(), "Career Centre app", "pepper", now=utcnow())
    key = created["key"]
    assert key.startswith(f"jh_{created['id']}.")
    assert accounts.check_api_key(uow(), key, "pepper") == created["id"]
    for wrong in (key + "x", key.replace("jh_", "xx_"), f"jh_{created['id']}", key[:-1]):
        assert accounts.check_api_key(uow(), wrong, "pepper") is None
    assert accounts.check_api_key(uow(), key, "another pepper") is None
    [listed] = accounts.list_api_keys(uow())
    assert key.partition(".")[2] not in listed.key_hash and listed.revoked_at is None
    accounts.revoke_api_key(uow(), created["id"], now=utcnow())
    assert accounts.check_api_key(uow(), key, "pepper") is None
    with pytest.raises(NotFound):  # revoked once
        accounts.revoke_api_key(uow(), created["id"], now=utcnow())


def test_a_sign_in_code_works_once_before_it_expires_and_counts_tries(uow):
    now, ttl = utcnow(), timedelta(minutes=5)
    code = sign_in.new_login_code(uow(), PHONE, "pepper", ttl, per_hour=5, now=now)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert not sign_in.use_login_code(uow(), PHONE, wrong, "pepper", now=now)
    assert not sign_in.use_login_code(uow(), "+77015550000", code, "pepper", now=now)
    assert sign_in.use_login_code(uow(), PHONE, code, "pepper", now=now)
    assert not sign_in.use_login_code(uow(), PHONE, code, "pepper", now=now)  # used
    late = sign_in.new_login_code(uow(), PHONE, "pepper", ttl, per_hour=5, now=now)
    assert not sign_in.use_login_code(uow(), PHONE, late, "pepper", now=now + ttl)  # expired


def test_five_wrong_tries_spend_a_code(uow):
    now = utcnow()
    code = sign_in.new_login_code(uow(), PHONE, "pepper", timedelta(minutes=5), per_hour=5, now=now)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert not sign_in.use_login_code(uow(), PHONE, wrong, "pepper", now=now)
    assert not sign_in.use_login_code(uow(), PHONE, code, "pepper", now=now)


def test_codes_per_phone_and_hour_are_bounded(uow):
    now, ttl = utcnow(), timedelta(minutes=5)
    assert all(sign_in.new_login_code(uow(), PHONE, "pepper", ttl, per_hour=3, now=now) for _ in range(3))
    assert sign_in.new_login_code(uow(), PHONE, "pepper", ttl, per_hour=3, now=now) is None
    assert sign_in.new_login_code(uow(), PHONE, "pepper", ttl, per_hour=3, now=now + timedelta(hours=1))


def test_a_feed_token_opens_its_members_feed_until_replaced_or_revoked(uow):
    def new(member_id):
        return calendar_feeds.new_calendar_feed(uow(), member_id, "pepper", now=utcnow())

    first = new("m-1")
    assert len(first) >= 40 and calendar_feeds.calendar_feed_member(uow(), first, "pepper") == "m-1"
    assert calendar_feeds.calendar_feed_member(uow(), first, "another pepper") is None
    assert calendar_feeds.calendar_feed_member(uow(), first[:-1], "pepper") is None
    second = new("m-1")
    assert second != first and calendar_feeds.calendar_feed_member(uow(), first, "pepper") is None
    other = new("m-2")
    assert calendar_feeds.calendar_feed_member(uow(), other, "pepper") == "m-2"
    assert calendar_feeds.revoke_calendar_feed(uow(), "m-1") is True
    assert calendar_feeds.calendar_feed_member(uow(), second, "pepper") is None
    assert calendar_feeds.revoke_calendar_feed(uow(), "m-1") is False
    assert calendar_feeds.calendar_feed_member(uow(), other, "pepper") == "m-2"

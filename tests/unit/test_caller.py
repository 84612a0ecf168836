import pytest

from jastar_common.caller import SYSTEM, Caller
from jastar_common.errors import NotAllowed


def test_a_caller_round_trips_through_the_rpc_context():
    staff = Caller("staff", "u-1", ("karasai-yrc",))
    assert Caller.from_context({"caller": staff.to_context()}) == staff
    assert Caller.from_context({}) == SYSTEM


def test_staff_work_only_at_their_centres_and_admins_everywhere():
    staff = Caller("staff", "u-1", ("karasai-yrc",))
    assert staff.works_at("karasai-yrc") and not staff.works_at("ili-coworking")
    assert Caller("admin", "a").works_at("ili-coworking")
    assert not Caller("member", "m").works_at("karasai-yrc")


def test_require_refuses_other_kinds_and_unknown_kinds():
    with pytest.raises(NotAllowed):
        Caller("member", "m").require("staff")
    Caller("admin", "a").require("staff")
    with pytest.raises(NotAllowed):
        Caller.from_context({"caller": '{"kind": "root"}'})

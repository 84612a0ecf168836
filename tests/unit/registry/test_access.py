"""Who may do what: staff read only the members who booked at their centres,
and change the catalogue only there."""
import pytest

from jastar_common.caller import Caller
from jastar_common.errors import NotAllowed, NotFound
from jastar_registry.domain.access import (
    check_catalogue_write, check_member_access, check_member_lookup,
)

KARASAI, ILI = "karasai-yrc", "ili-coworking"
BOOKED = {"m-karasai": {KARASAI}, "m-both": {KARASAI, ILI}, "m-none": set()}


def centres_booked_by(caller):
    """Booking's answer: the member's centres, among the caller's when staff."""
    def answer(member_id):
        centres = BOOKED.get(member_id, set())
        return sorted(centres & set(caller.centre_ids) if caller.kind == "staff" else centres)
    return answer


def may_read(caller, member_id):
    try:
        check_member_access(caller, member_id, centres_booked_by(caller))
        return True
    except NotFound:
        return False


KARASAI_STAFF = Caller("staff", "s-1", (KARASAI,))
ILI_STAFF = Caller("staff", "s-2", (ILI,))


@pytest.mark.parametrize("caller, member_id, readable", [
    (KARASAI_STAFF, "m-karasai", True),
    (ILI_STAFF, "m-karasai", False),    # booked only at another centre
    (ILI_STAFF, "m-both", True),
    (KARASAI_STAFF, "m-none", False),   # never booked anywhere
    (Caller("staff", "s-3", ()), "m-karasai", False),  # staff of no centre
    (Caller("admin", "a"), "m-none", True),
    (Caller("system"), "m-karasai", True),
    (Caller("member", "m-none"), "m-none", True),
    (Caller("member", "m-none"), "m-karasai", False),
    (Caller("integrator", "i"), "m-karasai", False),
    (Caller("anonymous"), "m-karasai", False),
])
def test_who_reads_a_members_profile(caller, member_id, readable):
    assert may_read(caller, member_id) is readable


def test_staff_without_booking_knowledge_read_no_one():
    with pytest.raises(NotFound):
        check_member_access(KARASAI_STAFF, "m-karasai")


class Found:
    id = "m-karasai"


def test_the_desk_finds_any_walk_in_by_exact_phone_but_by_iin_only_its_own():
    check_member_lookup(ILI_STAFF, True, Found.id, centres_booked_by(ILI_STAFF))
    check_member_lookup(KARASAI_STAFF, False, Found.id, centres_booked_by(KARASAI_STAFF))
    with pytest.raises(NotFound):
        check_member_lookup(ILI_STAFF, False, Found.id, centres_booked_by(ILI_STAFF))


@pytest.mark.parametrize("caller, kind, centre_id, allowed", [
    (KARASAI_STAFF, "space", KARASAI, True),
    (KARASAI_STAFF, "space", ILI, False),           # another centre
    (KARASAI_STAFF, "specialist", None, False),     # a partner's: admins only
    (KARASAI_STAFF, "centre", KARASAI, False),      # the frame is the admins'
    (Caller("admin", "a"), "district", None, True),
    (Caller("member", "m"), "programme", KARASAI, False),
    (Caller("integrator", "i"), "session", KARASAI, False),
])
def test_who_changes_the_catalogue(caller, kind, centre_id, allowed):
    if allowed:
        check_catalogue_write(caller, kind, centre_id)
    else:
        with pytest.raises(NotAllowed):
            check_catalogue_write(caller, kind, centre_id)

"""Who sees which reports: staff their centres, admins and the platform all."""
import pytest

from jastar_common.caller import Caller
from jastar_common.errors import NotAllowed
from jastar_reports.domain import access

STAFF = Caller("staff", "s-1", ("karasai-yrc",))
ADMIN = Caller("admin", "a-1")


@pytest.mark.parametrize("kind", ["anonymous", "member", "integrator"])
def test_only_staff_admins_and_the_platform_read_reports(kind):
    with pytest.raises(NotAllowed):
        access.check_reader(Caller(kind, "x"))
    for caller in (STAFF, ADMIN, Caller("system")):
        access.check_reader(caller)


def test_staff_report_on_their_own_centres_only():
    access.check_centre(STAFF, "karasai-yrc")
    access.check_centre(STAFF, None)
    with pytest.raises(NotAllowed):
        access.check_centre(STAFF, "ili-coworking")
    assert access.sees(STAFF, "karasai-yrc") and not access.sees(STAFF, "ili-coworking")
    assert access.sees(ADMIN, "ili-coworking")


def test_only_an_unfiltered_admin_report_sees_everything():
    assert access.sees_everything(ADMIN, None, None)
    assert not access.sees_everything(ADMIN, None, "karasai")
    assert not access.sees_everything(STAFF, None, None)
    assert access.sees_whole_district(ADMIN, None, "karasai")
    assert not access.sees_whole_district(STAFF, None, "karasai")
    assert not access.sees_whole_district(ADMIN, "karasai-yrc", "karasai")

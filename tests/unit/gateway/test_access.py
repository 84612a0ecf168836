"""Who may use a route (domain/access.py): pure rules over the caller."""
import pytest

from jastar_common.caller import Caller
from jastar_gateway.auth import ANONYMOUS
from jastar_gateway.domain import access
from jastar_gateway.domain.access import Forbidden, Unauthenticated
from jastar_gateway.domain.model import StaffAccount

MEMBER = Caller("member", "m-1")
STAFF = Caller("staff", "s-1", ("karasai-yrc",))
ADMIN = Caller("admin", "a-1")
INTEGRATOR = Caller("integrator", "k-1")
BOOTSTRAP = Caller("admin", access.BOOTSTRAP_ADMIN)


@pytest.mark.parametrize("caller", [ANONYMOUS, MEMBER, STAFF, ADMIN, INTEGRATOR])
def test_public_routes_let_everyone_in(caller):
    access.require(caller, access.EVERYONE)
    access.require(caller, access.REGISTRARS)


def test_anonymous_on_a_protected_route_must_sign_in():
    with pytest.raises(Unauthenticated):
        access.require(ANONYMOUS, access.MEMBER)


@pytest.mark.parametrize("caller, roles", [
    (MEMBER, access.DESK), (STAFF, access.MEMBER), (STAFF, access.ADMIN), (INTEGRATOR, access.MEMBER),
    (INTEGRATOR, access.DESK), (ADMIN, access.MEMBER), (MEMBER, access.INTEGRATOR), (INTEGRATOR, access.BOOKERS),
    (ADMIN, ()),
])
def test_a_known_caller_without_the_role_is_forbidden(caller, roles):
    with pytest.raises(Forbidden):
        access.require(caller, roles)


@pytest.mark.parametrize("caller, roles", [
    (MEMBER, access.MEMBER), (STAFF, access.DESK), (ADMIN, access.DESK), (STAFF, access.BOOKERS),
    (INTEGRATOR, access.INTEGRATOR), (ADMIN, access.INTEGRATOR), (ADMIN, access.ADMIN),
])
def test_a_caller_with_the_role_passes(caller, roles):
    access.require(caller, roles)


@pytest.mark.parametrize("caller, needs", [(STAFF, True), (ADMIN, True), (BOOTSTRAP, False),
                                           (MEMBER, False), (INTEGRATOR, False), (ANONYMOUS, False)])
def test_staff_and_admins_sign_in_to_an_account_the_bootstrap_admin_has_none(caller, needs):
    assert access.needs_account(caller) is needs


def test_a_deactivated_or_missing_account_stops_its_tokens():
    account = StaffAccount(id="s-1", phone="+77015550000", full_name="Dana", role="staff", centre_ids=[],
                           created_at=None)
    access.require_active(account)
    account.deactivate()
    for gone in (account, None):
        with pytest.raises(Unauthenticated):
            access.require_active(gone)


def test_only_a_members_own_record_is_theirs():
    assert access.is_own(MEMBER, {"member_id": "m-1"})
    assert not access.is_own(MEMBER, {"member_id": "m-2"})
    assert not access.is_own(MEMBER, {})

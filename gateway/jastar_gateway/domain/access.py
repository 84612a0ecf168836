"""Who may do what at the gateway: pure functions over the caller. Routes
name one of these audiences; the services that own the data check, in
addition, whose object it is."""

ANONYMOUS = "anonymous"
BOOTSTRAP_ADMIN = "bootstrap-admin"  # the ADMIN_API_KEY caller: no account behind it
TOKEN_ROLES = ("member", "staff", "admin")  # what a JWT may claim

# the audiences of the routes
EVERYONE = (ANONYMOUS,)
MEMBER = ("member",)
BOOKERS = ("member", "staff", "admin")  # members for themselves, staff for members at their centres
REGISTRARS = (ANONYMOUS, "staff", "admin")  # sign-up, and staff registering walk-ins
DESK = ("staff", "admin")
ADMIN = ("admin",)
INTEGRATOR = ("integrator", "admin")


class Unauthenticated(Exception):
    """A credential was presented and did not verify, or none was and one is needed (401)."""


class Forbidden(Exception):
    """The caller is known but may not use this route (403)."""


def require(caller, roles):
    """roles: who may call; 'anonymous' in it makes the route public."""
    if ANONYMOUS in roles or caller.kind in roles:
        return
    if caller.kind == ANONYMOUS:
        raise Unauthenticated("sign in first")
    raise Forbidden(f"{caller.kind} may not use this")


def needs_account(caller):
    """Staff and admins sign in to an account, which may be deactivated since."""
    return caller.kind in ("staff", "admin") and caller.id != BOOTSTRAP_ADMIN


def require_active(account):
    """A token outlives nothing: a deactivated account's tokens stop at once."""
    if account is None or not account.active:
        raise Unauthenticated("the account is no longer active")


def is_own(caller, record):
    """A member's own booking (staff reach others' through the desk routes)."""
    return record.get("member_id") == caller.id

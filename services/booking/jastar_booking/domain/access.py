"""Who may do what to a booking: decided here, in the service that owns
bookings, from the caller identity the gateway put in the RPC context."""
from jastar_common.errors import InvalidInput, NotAllowed, NotFound


def member_for_request(caller, member_id):
    """Members book for themselves; staff and admins name the member."""
    if caller.is_member:
        if member_id not in (None, caller.id):
            raise NotAllowed("members book for themselves", caller=caller.kind)
        return caller.id
    if caller.kind not in ("staff", "admin", "system"):
        raise NotAllowed(f"{caller.kind} may not book", caller=caller.kind)
    if not member_id:
        raise InvalidInput("member_id is required", fields={"member_id": ["required for staff bookings"]})
    return member_id


def check_centre_staff(caller, centre_id):
    if caller.kind == "staff" and not caller.works_at(centre_id):
        raise NotAllowed("not a centre you work at", centre_id=centre_id)


def check_can_see(caller, booking):
    """A member sees only their own; staff their centres'. Others' bookings are
    'not found' rather than 'forbidden', so ids cannot be probed."""
    if caller.is_privileged:
        return
    if caller.is_member and booking.member_id == caller.id:
        return
    if caller.kind == "staff" and caller.works_at(booking.centre_id):
        return
    raise NotFound(f"booking {booking.id} not found", entity="booking", id=booking.id)


def check_can_see_entry(caller, entry):
    """A waitlist place: its member's, and its centre's staff's; 'not found' to others."""
    if caller.is_privileged or (caller.is_member and entry.member_id == caller.id) \
            or caller.works_at(entry.centre_id):
        return
    raise NotFound(f"waitlist entry {entry.id} not found", entity="waitlist_entry", id=entry.id)


def member_scope(caller, member_id):
    """Whose rows, and at which centres: members see only their own, staff only
    those at their centres (None: every centre)."""
    if caller.is_member:
        return caller.id, None
    if caller.kind not in ("staff", "admin", "system"):
        check_staff(caller, None)
    return member_id, (caller.centre_ids if caller.kind == "staff" else None)


def check_platform(caller):
    """What only the platform's own services may read (the reports' rebuild)."""
    if not caller.is_privileged:
        raise NotAllowed("for the platform's own services only")


def keeps_notice(caller):
    """Members keep the minimum notice to change or cancel; staff may any time."""
    return caller.is_member


def actor(caller):
    """Who a change is recorded as done by: member, staff or system."""
    return caller.kind if caller.kind in ("member", "staff") else "system"


def check_staff(caller, centre_id):
    if caller.is_privileged:
        return
    if caller.kind != "staff" or not caller.works_at(centre_id):
        raise NotAllowed("only the centre's staff may do this", centre_id=centre_id)

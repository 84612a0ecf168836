"""Who may do what in the registry: pure functions over the caller the
gateway put in the RPC context. Reading the catalogue is public. The use
cases call these before they change or show anything."""
from jastar_common.errors import NotAllowed, NotFound

# kinds only admins create or change: the network's frame
ADMIN_KINDS = ("region", "district", "centre", "partner", "service")


def check_catalogue_write(caller, kind, centre_id):
    """Admins change anything; staff the kinds below the frame at their own
    centres (`centre_id`: where the object is, or would be)."""
    if caller.is_privileged:
        return
    if caller.kind == "staff" and kind not in ADMIN_KINDS and centre_id and caller.works_at(centre_id):
        return
    raise NotAllowed(f"{caller.kind} may not change this {kind}", kind=kind)


def check_member_access(caller, member_id, centres_booked=None):
    """Members reach only themselves; admins anyone; staff the members who have
    or had a booking (or a waitlist place) at one of their centres, which
    `centres_booked(member_id)` tells (booking knows); others no one.
    Someone else's member id reads as not found, so ids cannot be probed."""
    if caller.is_privileged:
        return
    if caller.is_member and caller.id == member_id:
        return
    if caller.kind == "staff" and centres_booked is not None and caller.centre_ids and \
            set(centres_booked(member_id)) & set(caller.centre_ids):
        return
    raise NotFound(f"member {member_id} not found", entity="member", id=member_id)


def check_member_lookup(caller, by_phone, member_id, centres_booked=None):
    """The desk finds any member by the exact phone (a walk-in); by IIN, staff
    find only the members they could read by id."""
    if by_phone:
        return
    check_member_access(caller, member_id, centres_booked)


def check_registration(caller):
    if caller.kind in ("anonymous", "staff", "admin", "system"):
        return
    raise NotAllowed(f"{caller.kind} may not register members")


def check_staff_desk(caller):
    if caller.is_privileged or caller.kind == "staff":
        return
    raise NotAllowed("only staff may look members up")


def check_system(caller):
    if not caller.is_privileged:
        raise NotAllowed("for the platform's own services only")

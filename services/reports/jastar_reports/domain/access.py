"""Who sees which reports: pure functions over the caller. Staff see their
centres, admins (and the platform) all of them; no one else sees reports."""
from jastar_common.errors import NotAllowed


def check_reader(caller):
    if caller.kind not in ("staff", "admin", "system"):
        raise NotAllowed("reports are for staff and admins", caller=caller.kind)


def check_centre(caller, centre_id):
    """A report on one centre: one the caller works at."""
    if centre_id is not None and not caller.works_at(centre_id):
        raise NotAllowed("not a centre you work at", centre_id=centre_id)


def sees(caller, centre_id):
    return caller.works_at(centre_id)


def sees_everything(caller, centre_id, district_id):
    """An admin's report with no centre or district filter: it also counts the
    registrations that name no district."""
    return caller.is_privileged and centre_id is None and district_id is None


def sees_whole_district(caller, centre_id, district_id):
    """An admin's report on a district shows it even with no centre there."""
    return district_id is not None and caller.is_privileged and centre_id is None

"""Reading members: a profile, the desk's look-up of a walk-in, and what the
platform's other services read (notifications' contacts, booking's
eligibility, the reports' facts)."""
from jastar_common.caller import SYSTEM
from jastar_common.errors import InvalidInput, NotFound

from . import access, member_fields as field, validators
from .validators import InvalidField


def get_any(uow, member_id):
    """The member, active or erased, inside an open unit of work."""
    member = uow.members.get(member_id) if isinstance(member_id, str) else None
    if member is None:
        raise NotFound(f"member {member_id} not found", entity="member", id=member_id)
    return member


def get_active(uow, member_id):
    member = get_any(uow, member_id)
    member.check_active()
    return member


def get_member(uow, member_id, caller=SYSTEM, centres_booked=None):
    """The member, active or erased; NotFound when there is none or the
    caller may not read them (see access.check_member_access)."""
    access.check_member_access(caller, member_id, centres_booked)
    with uow:
        return get_any(uow, member_id)


def get_members(uow, member_ids, caller=SYSTEM):
    """The members with these ids, active or erased, in one unit of work;
    unknown ids are left out (notifications skips their messages)."""
    access.check_system(caller)
    with uow:
        return uow.members.get_many(dict.fromkeys(member_ids))


def find_member(uow, phone=None, iin=None, vault=None, caller=SYSTEM, centres_booked=None):
    """Staff desk look-up of an active member by phone or by IIN (exactly one)."""
    access.check_staff_desk(caller)
    if field.blank(phone) == field.blank(iin):
        raise InvalidInput("Give a phone or an IIN", fields={"_schema": ["give exactly one of phone, iin"]})
    with uow:
        if not field.blank(phone):
            try:
                member = uow.members.get_by_phone(validators.normalise_phone(phone))
            except InvalidField as err:
                raise InvalidInput("Invalid look-up", fields={err.field: [err.message]}) from None
        else:
            if vault is None:
                raise TypeError("find_member needs the vault to look up by IIN")
            try:
                lookup = vault.lookup_hash(iin)
            except ValueError:
                raise InvalidInput("Invalid look-up", fields={"iin": ["must be exactly 12 digits"]}) from None
            member = uow.members.get_by_iin_hash(lookup)
        if member is None or not member.is_active:
            raise NotFound("no member matches", entity="member")
    access.check_member_lookup(caller, not field.blank(phone), member.id, centres_booked)
    return member


def _eligibility_of(member):
    return {"member_id": member.id, "birth_date": member.birth_date,
            "categories": list(member.categories), "status": member.status}


def member_eligibility(uow, member_id, caller=SYSTEM):
    """What the booking service needs to check a member against a programme."""
    access.check_system(caller)
    with uow:
        return _eligibility_of(get_any(uow, member_id))


def member_eligibilities(uow, limit=200, offset=0, caller=SYSTEM):
    """A page of every member's eligibility, for booking's resync."""
    access.check_system(caller)
    with uow:
        found, total = uow.members.search({}, limit=limit, offset=offset)
        return [_eligibility_of(m) for m in found], total


def member_facts(uow, limit=200, offset=0, caller=SYSTEM):
    """A page of every member as the reports service counts them: id, district,
    registration time and status; nothing personal."""
    access.check_system(caller)
    with uow:
        found, total = uow.members.search({}, limit=limit, offset=offset)
        return [{"member_id": m.id, "district_id": m.district_id, "registered_at": m.registered_at,
                 "status": m.status} for m in found], total

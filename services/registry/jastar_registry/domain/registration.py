"""Registering members and changing their records: the use cases of a young
person signing up (or being signed up at the desk) and of their profile.
Each takes a unit of work (real or fake), plain data, the caller and `now`.

Every bad field is reported in one InvalidInput; a phone or IIN another
active member holds is a Conflict. Nothing is stored when anything fails.
"""
from datetime import date, datetime

from jastar_common.calendar import local_date
from jastar_common.caller import SYSTEM
from jastar_common.errors import Conflict

from . import access, member_fields as field, validators
from .lookups import get_active
from .model import YOUTH_AGE, Member
from .validators import InvalidField

REGISTRATION_FIELDS = frozenset({"full_name", "birth_date", "phone", "email", "telegram",
                                 "district_id", "language", "categories", "consent", "iin"})
UPDATABLE_FIELDS = frozenset({"full_name", "birth_date", "phone", "email", "telegram",
                              "district_id", "language", "categories", "iin"})


def _conflicts(uow, member_id, phone=None, iin_hash=None):
    """Raise Conflict naming the phone and/or IIN another active member holds.
    The message names the fields only: never the number or the other member."""
    taken = {}
    if phone is not None:
        other = uow.members.get_by_phone(phone)
        if other is not None and other.id != member_id and other.is_active:
            taken["phone"] = ["another member is registered with this phone"]
    if iin_hash is not None:
        other = uow.members.get_by_iin_hash(iin_hash)
        if other is not None and other.id != member_id and other.is_active:
            taken["iin"] = ["another member is registered with this IIN"]
    if taken:
        raise Conflict("member already registered", entity="member", fields=taken)


def register_member(uow, data, vault, now, ages=YOUTH_AGE, caller=SYSTEM):
    """Register a member from schema-loaded data; emits member.registered.
    `ages` is (min, max), both inclusive, on the Almaty date of `now`."""
    access.check_registration(caller)
    field.refuse_unknown_keys(data, REGISTRATION_FIELDS)
    today = local_date(now)
    with uow:
        errors = field.Errors()
        if data.get("consent") is not True:
            errors.add("consent", "consent to the processing of personal data is required")
        full_name = errors.check(field.full_name, data.get("full_name"))
        birth_date = errors.check(field.birth_date, data.get("birth_date"), today, *ages)
        phone = errors.check(field.phone, data.get("phone"))
        email = errors.check(field.email, data.get("email"))
        telegram = errors.check(field.telegram, data.get("telegram"))
        language = errors.check(field.language, data.get("language"))
        categories = errors.check(field.categories, data.get("categories"))
        district_id = field.district(uow, errors, data.get("district_id"))
        iin = None
        if not field.blank(data.get("iin")):
            raw_birth = data.get("birth_date")
            if isinstance(raw_birth, date) and not isinstance(raw_birth, datetime):
                # checked against the given date even when the age is refused
                iin = errors.check(validators.validate_iin, data["iin"], raw_birth)
            # with no usable birth date that field is already reported
        errors.raise_if_any()

        sealed = vault.seal(iin) if iin is not None else (None, None, None)
        _conflicts(uow, None, phone=phone, iin_hash=sealed[1])

        member = Member(
            full_name=full_name, birth_date=birth_date, phone=phone, email=email,
            telegram=telegram, district_id=district_id, language=language,
            categories=categories, consent_at=now,
            iin_ciphertext=sealed[0], iin_hash=sealed[1], iin_last4=sealed[2],
            registered_at=now, updated_at=now,
        )
        uow.members.add(member)
        uow.emit("member.registered", member.event_data())
        uow.commit()
        return member


def update_member(uow, member_id, changes, vault, now, ages=YOUTH_AGE, caller=SYSTEM):
    """Partly update an active member; emits member.updated naming the changed
    fields (never their values). Nothing changed: no event, no commit.

    A new birth date must satisfy the age range and the IIN (the new one if
    given, else the stored one). Clearing email, telegram, district_id or iin
    takes None or "".
    """
    access.check_member_access(caller, member_id)
    field.refuse_unknown_keys(changes, UPDATABLE_FIELDS)
    today = local_date(now)
    with uow:
        member = get_active(uow, member_id)
        errors = field.Errors()
        new = {}

        for name in ("full_name", "phone", "email", "telegram", "language", "categories"):
            if name in changes:
                new[name] = errors.check(getattr(field, name), changes[name])
        if "district_id" in changes and changes["district_id"] != member.district_id:
            new["district_id"] = field.district(uow, errors, changes["district_id"])

        birth_date, birth_date_usable = member.birth_date, True
        if "birth_date" in changes and changes["birth_date"] != member.birth_date:
            raw = changes["birth_date"]
            errors.check(field.birth_date, raw, today, *ages)
            # a date out of the age range is still checked against the IIN below
            birth_date_usable = isinstance(raw, date) and not isinstance(raw, datetime)
            birth_date = new["birth_date"] = raw if birth_date_usable else None

        sealed = None  # (ciphertext, hash, last4) when the IIN changes
        if "iin" in changes:
            if field.blank(changes["iin"]):
                if member.iin_hash is not None:
                    sealed = (None, None, None)  # the member withdraws it
            elif birth_date_usable and birth_date is not None:
                iin = errors.check(validators.validate_iin, changes["iin"], birth_date)
                if iin is not None and vault.lookup_hash(iin) != member.iin_hash:
                    sealed = vault.seal(iin)
        elif "birth_date" in new and birth_date_usable and member.iin_ciphertext:
            try:
                validators.validate_iin(vault.open(member.iin_ciphertext), birth_date)
            except InvalidField:
                errors.add("birth_date", "does not match the IIN on record")
        errors.raise_if_any()

        changed = {name for name, value in new.items() if value != getattr(member, name)}
        if sealed is not None:
            changed.add("iin")
        if not changed:
            return member

        _conflicts(uow, member.id,
                   phone=new["phone"] if "phone" in changed else None,
                   iin_hash=sealed[1] if sealed is not None else None)

        for name in changed - {"iin"}:
            setattr(member, name, new[name])
        if sealed is not None:
            member.iin_ciphertext, member.iin_hash, member.iin_last4 = sealed
        member.updated_at = now
        uow.emit("member.updated", member.event_data(changed=sorted(changed)))
        uow.commit()
        return member

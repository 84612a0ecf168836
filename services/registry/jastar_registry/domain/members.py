"""Members: young people (14 to 35, Kazakhstan's law on state youth policy)
registered with a Youth Resource Centre. Plain Python, like services.py: each
use case takes a unit of work (real or fake) and plain data.

Personal data stays inside the registry. Events carry ids and non-personal
fields only; the IIN is stored encrypted (with a keyed hash for look-ups and
its last four digits for staff screens), never in clear.
"""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from jastar_common.clock import utcnow
from jastar_common.errors import Conflict, InvalidInput, NotFound

from . import validators
from .validators import InvalidField

__all__ = [
    "CATEGORIES", "LANGUAGES", "MEMBER_STATUSES", "EVENT_TYPES", "PERSONAL_FIELDS",
    "Member",
    "register_member", "update_member", "erase_member",
    "get_member", "get_members", "find_member", "member_eligibility", "member_facts",
]

# Target groups a member may declare (the programmes' target_group uses them).
CATEGORIES = ("young_women_and_mothers", "student", "job_seeker", "young_parent", "disability")
LANGUAGES = ("kk", "ru")
MEMBER_STATUSES = ("active", "erased")
EVENT_TYPES = frozenset({"member.registered", "member.updated", "member.erased"})

# What erasure wipes; none of it may ever appear in an event.
PERSONAL_FIELDS = ("full_name", "birth_date", "phone", "email", "telegram",
                   "iin_ciphertext", "iin_hash", "iin_last4", "categories")

REGISTRATION_FIELDS = frozenset({"full_name", "birth_date", "phone", "email", "telegram",
                                 "district_id", "language", "categories", "consent", "iin"})
UPDATABLE_FIELDS = frozenset({"full_name", "birth_date", "phone", "email", "telegram",
                              "district_id", "language", "categories", "iin"})


def _new_id():
    return str(uuid.uuid4())


@dataclass(eq=False)
class Member:
    id: str = field(default_factory=_new_id)
    full_name: str | None = None
    birth_date: date | None = None
    phone: str | None = None  # "+7 7XX XXX XX XX"
    email: str | None = None
    telegram: str | None = None  # "@handle"
    district_id: str | None = None
    language: str = "kk"
    categories: list = field(default_factory=list)
    consent_at: datetime = field(default_factory=utcnow)
    iin_ciphertext: str | None = None
    iin_hash: str | None = None  # keyed HMAC, for look-ups and uniqueness
    iin_last4: str | None = None
    status: str = "active"
    registered_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    erased_at: datetime | None = None

    @property
    def iin_masked(self):
        return "*" * 8 + self.iin_last4 if self.iin_last4 else None

    @property
    def is_active(self):
        return self.status == "active"


# --- Field checks: each returns the clean value or raises InvalidField -------


class _Errors:
    """Collects every field's messages so one InvalidInput names them all."""

    def __init__(self):
        self.fields = {}

    def add(self, name, message):
        self.fields.setdefault(name, []).append(message)

    def check(self, func, *args):
        """func(*args), or None after recording its InvalidField."""
        try:
            return func(*args)
        except InvalidField as err:
            self.add(err.field, err.message)
            return None

    def raise_if_any(self, message="Invalid member data"):
        if self.fields:
            raise InvalidInput(message, fields=self.fields)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _full_name(value):
    if not isinstance(value, str) or not value.strip():
        raise InvalidField("full_name", "is required")
    name = " ".join(value.split())
    if not 2 <= len(name) <= 200:
        raise InvalidField("full_name", "must be 2 to 200 characters")
    return name


def _birth_date(value, today, min_age, max_age):
    # datetime is a date subclass; a birth date is a calendar day only
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidField("birth_date", "is required as a date")
    validators.check_youth_age(value, today, min_age, max_age)
    return value


def _phone(value):
    if _blank(value):
        raise InvalidField("phone", "is required")
    return validators.normalise_phone(value)


def _optional(func):
    def check(value):
        return None if _blank(value) else func(value)
    return check


_email = _optional(validators.validate_email)
_telegram = _optional(validators.normalise_telegram)


def _language(value):
    if value not in LANGUAGES:
        raise InvalidField("language", f"must be one of {', '.join(LANGUAGES)}")
    return value


def _categories(value):
    """Known categories, without repeats, in CATEGORIES order."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
        raise InvalidField("categories", "must be a list")
    unknown = sorted({str(item) for item in value if item not in CATEGORIES})
    if unknown:
        raise InvalidField("categories", f"unknown: {', '.join(unknown)}; use {', '.join(CATEGORIES)}")
    return [category for category in CATEGORIES if category in value]


def _district(uow, errors, district_id):
    """Clean district id (or None), recording an error if it does not exist."""
    if _blank(district_id):
        return None
    if not isinstance(district_id, str) or uow.districts.get(district_id) is None:
        errors.add("district_id", "unknown district")
        return None
    return district_id


def _refuse_unknown_keys(data, allowed):
    if not isinstance(data, dict):
        raise InvalidInput("Invalid member data", fields={"_schema": ["must be an object"]})
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidInput("Invalid member data", fields={key: ["unknown field"] for key in unknown})


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


def _event(member, **more):
    # ids and non-personal fields only: events are public contracts
    return {"member_id": member.id, "district_id": member.district_id,
            "language": member.language, "status": member.status, **more}


def _get(uow, member_id, active_only=False):
    member = uow.members.get(member_id) if isinstance(member_id, str) else None
    if member is None or (active_only and not member.is_active):
        raise NotFound(f"member {member_id} not found", entity="member", id=member_id)
    return member


# --- Use cases ---------------------------------------------------------------


def register_member(uow, data, vault, today, min_age=14, max_age=35, now=None):
    """Register a member from schema-loaded data; emits member.registered.

    Every bad field is reported in one InvalidInput; a phone or IIN another
    active member holds is a Conflict. Nothing is stored when anything fails.
    """
    _refuse_unknown_keys(data, REGISTRATION_FIELDS)
    now = now or utcnow()
    with uow:
        errors = _Errors()
        if data.get("consent") is not True:
            errors.add("consent", "consent to the processing of personal data is required")
        full_name = errors.check(_full_name, data.get("full_name"))
        birth_date = errors.check(_birth_date, data.get("birth_date"), today, min_age, max_age)
        phone = errors.check(_phone, data.get("phone"))
        email = errors.check(_email, data.get("email"))
        telegram = errors.check(_telegram, data.get("telegram"))
        language = errors.check(_language, data.get("language"))
        categories = errors.check(_categories, data.get("categories"))
        district_id = _district(uow, errors, data.get("district_id"))
        iin = None
        if not _blank(data.get("iin")):
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
        uow.emit("member.registered", _event(member))
        uow.commit()
        return member


def update_member(uow, member_id, changes, vault, today, min_age=14, max_age=35, now=None):
    """Partly update an active member; emits member.updated naming the changed
    fields (never their values). Nothing changed: no event, no commit.

    A new birth date must satisfy the age range and the IIN (the new one if
    given, else the stored one). Clearing email, telegram, district_id or iin
    takes None or "".
    """
    _refuse_unknown_keys(changes, UPDATABLE_FIELDS)
    now = now or utcnow()
    with uow:
        member = _get(uow, member_id, active_only=True)
        errors = _Errors()
        new = {}

        if "full_name" in changes:
            new["full_name"] = errors.check(_full_name, changes["full_name"])
        if "phone" in changes:
            new["phone"] = errors.check(_phone, changes["phone"])
        if "email" in changes:
            new["email"] = errors.check(_email, changes["email"])
        if "telegram" in changes:
            new["telegram"] = errors.check(_telegram, changes["telegram"])
        if "language" in changes:
            new["language"] = errors.check(_language, changes["language"])
        if "categories" in changes:
            new["categories"] = errors.check(_categories, changes["categories"])
        if "district_id" in changes and changes["district_id"] != member.district_id:
            new["district_id"] = _district(uow, errors, changes["district_id"])

        birth_date, birth_date_usable = member.birth_date, True
        if "birth_date" in changes and changes["birth_date"] != member.birth_date:
            raw = changes["birth_date"]
            errors.check(_birth_date, raw, today, min_age, max_age)
            # a date out of the age range is still checked against the IIN below
            birth_date_usable = isinstance(raw, date) and not isinstance(raw, datetime)
            birth_date = new["birth_date"] = raw if birth_date_usable else None

        sealed = None  # (ciphertext, hash, last4) when the IIN changes
        if "iin" in changes:
            if _blank(changes["iin"]):
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
        uow.emit("member.updated", _event(member, changed=sorted(changed)))
        uow.commit()
        return member


def erase_member(uow, member_id, now=None):
    """Wipe every personal field, keeping id and district for statistics;
    emits member.erased. Erasing an erased member changes and emits nothing."""
    now = now or utcnow()
    with uow:
        member = _get(uow, member_id)
        if not member.is_active:
            return member
        for name in PERSONAL_FIELDS:
            setattr(member, name, None)
        member.categories = []
        member.status = "erased"
        member.erased_at = member.updated_at = now
        uow.emit("member.erased", {"member_id": member.id})
        uow.commit()
        return member


def get_member(uow, member_id):
    """The member, active or erased; NotFound when there is none."""
    with uow:
        return _get(uow, member_id)


def get_members(uow, member_ids):
    """The members with these ids, active or erased, in one unit of work;
    unknown ids are left out (notifications skips their messages)."""
    with uow:
        return uow.members.get_many(dict.fromkeys(member_ids))


def find_member(uow, phone=None, iin=None, vault=None):
    """Staff desk look-up of an active member by phone or by IIN (exactly one)."""
    if _blank(phone) == _blank(iin):
        raise InvalidInput("Give a phone or an IIN", fields={"_schema": ["give exactly one of phone, iin"]})
    with uow:
        if not _blank(phone):
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
        return member


def member_eligibility(uow, member_id):
    """What the booking service needs to check a member against a programme."""
    with uow:
        return _eligibility_of(_get(uow, member_id))


def _eligibility_of(member):
    return {"member_id": member.id, "birth_date": member.birth_date,
            "categories": list(member.categories), "status": member.status}


def member_eligibilities(uow, limit=200, offset=0):
    """A page of every member's eligibility, for booking's resync."""
    with uow:
        found, total = uow.members.search({}, limit=limit, offset=offset)
        return [_eligibility_of(m) for m in found], total


def member_facts(uow, limit=200, offset=0):
    """A page of every member as the reports service counts them: id, district,
    registration time and status; nothing personal."""
    with uow:
        found, total = uow.members.search({}, limit=limit, offset=offset)
        return [{"member_id": m.id, "district_id": m.district_id, "registered_at": m.registered_at,
                 "status": m.status} for m in found], total

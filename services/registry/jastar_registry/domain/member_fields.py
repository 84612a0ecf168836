"""Checks of a member's fields, shared by registration and profile changes:
each returns the clean value or raises InvalidField, and Errors collects them
so that one InvalidInput names every bad field."""
from datetime import date, datetime

from jastar_common.contracts import LANGUAGES
from jastar_common.errors import InvalidInput

from . import validators
from .model import CATEGORIES
from .validators import InvalidField


class Errors:
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


def blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def full_name(value):
    if not isinstance(value, str) or not value.strip():
        raise InvalidField("full_name", "is required")
    name = " ".join(value.split())
    if not 2 <= len(name) <= 200:
        raise InvalidField("full_name", "must be 2 to 200 characters")
    return name


def birth_date(value, today, min_age, max_age):
    # datetime is a date subclass; a birth date is a calendar day only
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidField("birth_date", "is required as a date")
    validators.check_youth_age(value, today, min_age, max_age)
    return value


def phone(value):
    if blank(value):
        raise InvalidField("phone", "is required")
    return validators.normalise_phone(value)


def _optional(func):
    def check(value):
        return None if blank(value) else func(value)
    return check


email = _optional(validators.validate_email)
telegram = _optional(validators.normalise_telegram)


def language(value):
    if value not in LANGUAGES:
        raise InvalidField("language", f"must be one of {', '.join(LANGUAGES)}")
    return value


def categories(value):
    """Known categories, without repeats, in CATEGORIES order."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
        raise InvalidField("categories", "must be a list")
    unknown = sorted({str(item) for item in value if item not in CATEGORIES})
    if unknown:
        raise InvalidField("categories", f"unknown: {', '.join(unknown)}; use {', '.join(CATEGORIES)}")
    return [category for category in CATEGORIES if category in value]


def district(uow, errors, district_id):
    """Clean district id (or None), recording an error if it does not exist
    (the one check that reads the store)."""
    if blank(district_id):
        return None
    if not isinstance(district_id, str) or uow.districts.get(district_id) is None:
        errors.add("district_id", "unknown district")
        return None
    return district_id


def refuse_unknown_keys(data, allowed):
    if not isinstance(data, dict):
        raise InvalidInput("Invalid member data", fields={"_schema": ["must be an object"]})
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidInput("Invalid member data", fields={key: ["unknown field"] for key in unknown})

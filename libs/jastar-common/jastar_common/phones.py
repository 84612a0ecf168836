"""Kazakhstan mobile numbers, written one way everywhere: "+7 7XX XXX XX XX".
Shared by the registry (members) and the gateway (login codes, staff)."""
import re

import phonenumbers
from phonenumbers import PhoneNumberType


class InvalidField(ValueError):
    """A single field failed validation; .field names it for the form."""

    def __init__(self, field: str, message: str):
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self):
        return f"{self.field}: {self.message}"


# --- Phone -----------------------------------------------------------------

# Which ranges are mobile comes from libphonenumber's metadata (the
# `phonenumbers` package), not from a list kept here: operators open ranges
# (760-764, 785) and unassigned ones must not pass. +7 is shared with Russia,
# so the number must belong to KZ, and only mobiles take sign-in codes by SMS.
_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)

# Characters people type around a number; anything else (letters) is refused.
_PHONE_CHARS = re.compile(r"\+?[0-9\s\-()]+")


def is_kazakh_mobile(national: str) -> bool:
    """True when ten national digits ("7011234567") are a Kazakh mobile number."""
    number = phonenumbers.parse("+7" + national)
    return (phonenumbers.is_valid_number_for_region(number, "KZ")
            and phonenumbers.number_type(number) in _MOBILE_TYPES)


def normalise_phone(raw: str) -> str:
    """Return a Kazakh mobile number as "+7 7XX XXX XX XX".

    Accepts +7 / 7 / 8 (domestic trunk prefix) in front of ten national
    digits, with spaces, dashes and parentheses anywhere.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    # ASCII digits only: str.isdigit() and \d would also accept e.g. Arabic-Indic ones.
    if not _PHONE_CHARS.fullmatch(text):
        raise InvalidField("phone", "use digits, spaces, dashes and brackets only")
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) != 11:
        raise InvalidField("phone", "must have 11 digits including the +7 or 8 prefix")
    prefix, national = digits[0], digits[1:]
    # "+8..." is not a thing: with a plus sign the country code must be 7.
    if prefix != "7" and (prefix != "8" or text.startswith("+")):
        raise InvalidField("phone", "must start with +7 or 8")
    if not is_kazakh_mobile(national):
        raise InvalidField("phone", "must be a Kazakhstan mobile number")
    return f"+7 {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"

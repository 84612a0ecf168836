"""Validators for members' and centres' personal fields.

Plain standard-library Python: the service layer calls these before it
touches the database, and the unit tests exercise them directly.
Every failure raises InvalidField so callers can map it to one form field.
"""
import re
from datetime import date

__all__ = [
    "InvalidField",
    "normalise_phone",
    "validate_iin",
    "iin_sex",
    "mask_iin",
    "make_iin",
    "age_on",
    "check_youth_age",
    "validate_email",
    "normalise_telegram",
]


# InvalidField and the phone rules live in jastar_common: the gateway keys
# one-time login codes by the same normalised phone
from jastar_common.phones import InvalidField, normalise_phone  # noqa: E402,F401


# --- IIN -------------------------------------------------------------------

_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# 7th digit -> first year of the century; odd digits are male, even female.
_CENTURY_START = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def _iin_check_digit(first11):
    """Check digit for the first 11 digits, or None when no valid one exists."""
    digits = [int(c) for c in first11]
    check = sum(d * w for d, w in zip(digits, _WEIGHTS_1)) % 11
    if check == 10:
        # Second pass with shifted weights, as the IIN standard prescribes.
        check = sum(d * w for d, w in zip(digits, _WEIGHTS_2)) % 11
    return None if check == 10 else check


def _clean_iin(iin):
    # People paste IINs with spaces ("900101 301233"); drop them, nothing else.
    if not isinstance(iin, str):
        raise InvalidField("iin", "must be a string of 12 digits")
    cleaned = re.sub(r"\s", "", iin)
    if not re.fullmatch(r"[0-9]{12}", cleaned):
        raise InvalidField("iin", "must be exactly 12 digits")
    return cleaned


def validate_iin(iin: str, birth_date: date) -> str:
    """Return the 12-digit IIN after checking it against the birth date."""
    cleaned = _clean_iin(iin)
    century_digit = int(cleaned[6])
    if century_digit not in _CENTURY_START:
        raise InvalidField("iin", "7th digit (century and sex) must be 1 to 6")
    if cleaned[:6] != birth_date.strftime("%y%m%d"):
        raise InvalidField("iin", "first six digits must be the birth date as YYMMDD")
    century = _CENTURY_START[century_digit]
    if not century <= birth_date.year < century + 100:
        raise InvalidField("iin", "7th digit gives a century that does not match the birth year")
    if _iin_check_digit(cleaned[:11]) != int(cleaned[11]):
        raise InvalidField("iin", "check digit (12th) is wrong")
    return cleaned


def iin_sex(iin: str) -> str:
    """Return "male" for an odd 7th digit, "female" for an even one."""
    digit = int(_clean_iin(iin)[6])
    if digit not in _CENTURY_START:
        raise InvalidField("iin", "7th digit (century and sex) must be 1 to 6")
    return "male" if digit % 2 else "female"


def mask_iin(iin: str) -> str:
    """Hide all but the last four digits, for logs and staff screens."""
    cleaned = _clean_iin(iin)
    return "*" * 8 + cleaned[8:]


def make_iin(birth_date: date, sex: str, serial: int = 0) -> str:
    """Build a valid IIN for tests and demo data (never for real people).

    Digits 8-11 are a registration serial. Some serials have no valid check
    digit (both weightings give 10), so this starts at `serial` and moves up
    to the next serial that works; the used serial is therefore >= `serial`.
    Raises ValueError if no serial up to 9999 works or inputs are out of range.
    """
    if sex not in ("male", "female"):
        raise ValueError("sex must be 'male' or 'female'")
    century = birth_date.year // 100 * 100
    if century not in (1800, 1900, 2000):
        raise ValueError("IINs cover birth years 1800-2099 only")
    if not 0 <= serial <= 9999:
        raise ValueError("serial must be 0..9999")
    # 1800s -> 1/2, 1900s -> 3/4, 2000s -> 5/6; the odd one is male.
    digit7 = (century - 1800) // 50 + (1 if sex == "male" else 2)
    head = birth_date.strftime("%y%m%d") + str(digit7)
    for candidate in range(serial, 10000):
        first11 = f"{head}{candidate:04d}"
        check = _iin_check_digit(first11)
        if check is not None:
            return first11 + str(check)
    raise ValueError("no valid serial at or above the one given")


# --- Age -------------------------------------------------------------------


def age_on(birth_date: date, on_date: date) -> int:
    """Full years on on_date; the birthday itself counts.

    Comparing (month, day) tuples means a 29 February birthday is still
    "not yet" on 28 February of a common year and counts from 1 March.
    """
    if on_date < birth_date:
        raise InvalidField("birth_date", "is after the date the age is taken on")
    before_birthday = (on_date.month, on_date.day) < (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - before_birthday


def check_youth_age(birth_date: date, today: date, min_age: int = 14, max_age: int = 35) -> int:
    """Return the age if it is within [min_age, max_age], both inclusive.

    14 to 35 is the youth range in Kazakhstan's law on state youth policy.
    """
    age = age_on(birth_date, today)
    if age < min_age:
        raise InvalidField("birth_date", f"member must be at least {min_age} (is {age})")
    if age > max_age:
        raise InvalidField("birth_date", f"member must be at most {max_age} (is {age})")
    return age


# --- Email and Telegram ----------------------------------------------------

# Deliberately simple: ASCII local part without leading/trailing/double dots,
# a domain of dot-separated labels and a letters-only TLD. It rejects typos,
# not every RFC 5322 oddity; the confirmation mail is the real check.
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def validate_email(raw: str) -> str:
    """Return the address trimmed, with the domain lowercased.

    The local part keeps its case: mail servers may treat it as significant.
    """
    if not isinstance(raw, str):
        raise InvalidField("email", "must be text")
    text = raw.strip()
    if len(text) > 254 or text.count("@") != 1:
        raise InvalidField("email", "must look like name@example.kz")
    local, domain = text.split("@")
    if len(local) > 64 or not _EMAIL_LOCAL.fullmatch(local):
        raise InvalidField("email", "the part before @ is not valid")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        raise InvalidField("email", "the domain after @ is not valid")
    if not re.fullmatch(r"[A-Za-z]{2,63}", labels[-1]):
        raise InvalidField("email", "the domain must end in a top-level domain such as .kz")
    return f"{local}@{domain.lower()}"


_TELEGRAM_LINK = re.compile(r"^(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)/", re.IGNORECASE)
_TELEGRAM_NAME = re.compile(r"[a-z][a-z0-9_]{4,31}")


def normalise_telegram(raw: str) -> str:
    """Return "@handle" from "@handle", "handle" or a t.me link.

    Telegram usernames are case-insensitive, so the result is lowercased.
    """
    if not isinstance(raw, str):
        raise InvalidField("telegram", "must be text")
    text = raw.strip()
    link = _TELEGRAM_LINK.match(text)
    if link:
        text = text[link.end():].rstrip("/")
    elif text.startswith("@"):
        text = text[1:]
    name = text.lower()
    # isascii() first: "\u212a" (Kelvin sign) lowercases to an ASCII "k".
    if not text.isascii() or not _TELEGRAM_NAME.fullmatch(name):
        raise InvalidField(
            "telegram",
            "username must be 5-32 characters of a-z, 0-9 and _ and start with a letter",
        )
    return "@" + name

"""Local time and Kazakhstan's public-holiday calendar, for every service.

Times are stored in UTC; centres open, close and book in Almaty time, and
messages are written in it. Standard library only (zoneinfo needs the system
tz database or the pinned `tzdata` package, which jastar-common depends on).
"""
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = [
    "ALMATY",
    "assert_tzdata_current",
    "to_local",
    "to_utc",
    "local_date",
    "KURBAN_AIT_FIRST_DAY",
    "RELIGIOUS_HOLIDAYS",
    "public_holidays",
    "days_off",
    "is_working_day",
]

# The whole country moved to UTC+5 (no DST) on 1 March 2024; before that
# Almaty was UTC+6. Only tzdata 2024a or later knows this.
ALMATY = ZoneInfo("Asia/Almaty")

_PROBE_UTC = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
_EXPECTED_OFFSET = timedelta(hours=5)


def assert_tzdata_current(zone: tzinfo | None = None) -> None:
    """Fail loudly at start-up if the tz database predates the 2024 change.

    An old database silently shifts every local time by an hour, so a
    service should refuse to start rather than run with it. `zone` lets
    tests pass a stand-in; by default ALMATY is checked.
    """
    zone = ALMATY if zone is None else zone
    offset = _PROBE_UTC.astimezone(zone).utcoffset()
    if offset != _EXPECTED_OFFSET:
        raise RuntimeError(
            f"Time zone data is out of date: Asia/Almaty gives UTC offset {offset} "
            f"for {_PROBE_UTC.isoformat()}, expected +05:00 (Kazakhstan moved to "
            "UTC+5 on 2024-03-01). Update the system tzdata or the 'tzdata' "
            "Python package (2024a or newer)."
        )


def _require_aware(dt):
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime (UTC), got a naive one")


def to_local(dt_utc: datetime) -> datetime:
    """An aware datetime (normally UTC) as Almaty wall-clock time."""
    _require_aware(dt_utc)
    return dt_utc.astimezone(ALMATY)


def to_utc(naive_local_dt: datetime) -> datetime:
    """Almaty wall-clock time (naive, as typed in a form) as aware UTC.

    Clocks went back at 2024-03-01 00:00, so 23:00-23:59 on 2024-02-29
    happened twice; fold=0 (the default) picks the first, +06:00 one.
    """
    if naive_local_dt.tzinfo is not None:
        # An aware value is not "local wall time"; refuse rather than guess.
        raise ValueError("expected a naive Almaty local datetime, got an aware one")
    return naive_local_dt.replace(tzinfo=ALMATY).astimezone(timezone.utc)


def local_date(dt_utc: datetime) -> date:
    """The calendar date in Almaty at that instant (for daily reports)."""
    return to_local(dt_utc).date()


# --- Public holidays -------------------------------------------------------

# Fixed-date holidays under the Labour Code (as amended in 2022: Republic
# Day 25 Oct restored, 17 Dec dropped). (month, day, key).
_FIXED = (
    (1, 1, "new_year"),
    (1, 2, "new_year"),
    (1, 7, "orthodox_christmas"),
    (3, 8, "womens_day"),
    (3, 21, "nauryz"),
    (3, 22, "nauryz"),
    (3, 23, "nauryz"),
    (5, 1, "unity_day"),
    (5, 7, "defender_day"),
    (5, 9, "victory_day"),
    (7, 6, "capital_day"),
    (8, 30, "constitution_day"),
    (10, 25, "republic_day"),
    (12, 16, "independence_day"),
)

_NAMES = {
    "new_year": {"ru": "Новый год", "kk": "Жаңа жыл"},
    "orthodox_christmas": {"ru": "Православное Рождество", "kk": "Православиелік Рождество"},
    "womens_day": {"ru": "Международный женский день", "kk": "Халықаралық әйелдер күні"},
    "nauryz": {"ru": "Наурыз мейрамы", "kk": "Наурыз мейрамы"},
    "unity_day": {
        "ru": "Праздник единства народа Казахстана",
        "kk": "Қазақстан халқының бірлігі мерекесі",
    },
    "defender_day": {"ru": "День защитника Отечества", "kk": "Отан қорғаушы күні"},
    "victory_day": {"ru": "День Победы", "kk": "Жеңіс күні"},
    "capital_day": {"ru": "День Столицы", "kk": "Астана күні"},
    "constitution_day": {
        "ru": "День Конституции Республики Казахстан",
        "kk": "Қазақстан Республикасының Конституциясы күні",
    },
    "republic_day": {"ru": "День Республики", "kk": "Республика күні"},
    "independence_day": {"ru": "День Независимости", "kk": "Тәуелсіздік күні"},
    "kurban_ait": {"ru": "Курбан айт", "kk": "Құрбан айт"},
}

# Religious holidays are days off but are never transferred off a weekend.
RELIGIOUS_HOLIDAYS = frozenset({"orthodox_christmas", "kurban_ait"})

# First day of Kurban Ait follows the lunar calendar and is fixed each year
# by government decree on the Spiritual Administration's advice.
# REVIEW YEARLY: check the published date when the decree appears and add
# the next years; public_holidays() refuses years missing from this table.
KURBAN_AIT_FIRST_DAY = {
    2024: date(2024, 6, 16),
    2025: date(2025, 6, 6),
    2026: date(2026, 5, 27),
    2027: date(2027, 5, 16),
    2028: date(2028, 5, 5),
    2029: date(2029, 4, 24),
    2030: date(2030, 4, 13),
}


def _holiday_keys(year):
    """{date: key} for one year; raises ValueError outside the known table."""
    if year not in KURBAN_AIT_FIRST_DAY:
        known = f"{min(KURBAN_AIT_FIRST_DAY)}-{max(KURBAN_AIT_FIRST_DAY)}"
        # Silently leaving out a holiday would mis-book a closed centre.
        raise ValueError(
            f"Kurban Ait date for {year} is not known (table covers {known}); "
            "add it to KURBAN_AIT_FIRST_DAY"
        )
    keys = {date(year, month, day): key for month, day, key in _FIXED}
    keys[KURBAN_AIT_FIRST_DAY[year]] = "kurban_ait"
    return keys


def public_holidays(year: int) -> dict[date, dict[str, str]]:
    """Public holidays of `year`: {date: {"ru": name, "kk": name}}, by date."""
    keys = _holiday_keys(year)
    return {day: dict(_NAMES[keys[day]]) for day in sorted(keys)}


def _is_weekend(day):
    return day.weekday() >= 5


def _transfers(keys):
    """Extra days off for non-religious holidays that fall on a weekend.

    Each goes to the next working day that is not a holiday and not already
    taken by an earlier transfer (e.g. Nauryz on Sat-Sun-Mon gives Tue, Wed).
    """
    taken = set()
    for day in sorted(keys):
        if keys[day] in RELIGIOUS_HOLIDAYS or not _is_weekend(day):
            continue
        candidate = day + timedelta(days=1)
        while _is_weekend(candidate) or candidate in keys or candidate in taken:
            candidate += timedelta(days=1)
        taken.add(candidate)
    return taken


def days_off(year: int) -> set[date]:
    """Non-working days beyond ordinary weekends: holidays plus transfers.

    Assumes a five-day week. One-off working-day swaps that the government
    announces by decree (e.g. a Friday off for a worked Saturday) are not
    modelled. The last holiday is 16 December, so a transfer never spills
    into the next year.
    """
    keys = _holiday_keys(year)
    return set(keys) | _transfers(keys)


def is_working_day(day: date) -> bool:
    """True on a weekday that is neither a holiday nor a transferred day off."""
    return not _is_weekend(day) and day not in days_off(day.year)

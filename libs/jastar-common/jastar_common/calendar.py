"""Local time and Kazakhstan's public-holiday calendar, for every service.

Times are stored in UTC; centres open, close and book in Almaty time, and
messages are written in it. zoneinfo needs the system tz database or the
pinned `tzdata` package; holidays come from the pinned `holidays` package.
Both are jastar-common's dependencies.
"""
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "ALMATY",
    "assert_tzdata_current",
    "to_local",
    "to_utc",
    "local_date",
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

# Kazakhstan's days off come from the maintained `holidays` package (KZ): the
# Labour Code's holidays, their transfers off a weekend (never for the
# religious ones), the government's yearly swaps of working days, Kurban Ait's
# lunar date, and changes in the law (from 2026 Constitution Day moves, and
# 30-31 August are working days). Upgrade the pinned package, never patch here.
_LANGUAGES = ("kk", "en_US")


@lru_cache(maxsize=64)
def _kazakhstan(year: int, language: str):
    return holidays.country_holidays("KZ", years=year, language=language)


def public_holidays(year: int) -> dict[date, dict[str, str]]:
    """Days off of `year` (holidays and the days they move to), by date:
    {date: {"kk": name, "en": name}}."""
    kk, en = (_kazakhstan(year, language) for language in _LANGUAGES)
    return {day: {"kk": kk[day], "en": en[day]} for day in sorted(kk)}


def days_off(year: int) -> set[date]:
    """Non-working days beyond ordinary weekends: holidays, the weekday a
    weekend holiday moves to, and days off swapped by decree."""
    return set(_kazakhstan(year, _LANGUAGES[0]))


def is_working_day(day: date) -> bool:
    """True on a weekday that is not a public day off."""
    return day.weekday() < 5 and day not in days_off(day.year)

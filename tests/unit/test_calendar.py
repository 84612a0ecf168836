"""Almaty local time and the Kazakh holiday calendar."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from jastar_common.calendar import (
    ALMATY,
    KURBAN_AIT_FIRST_DAY,
    assert_tzdata_current,
    days_off,
    is_working_day,
    local_date,
    public_holidays,
    to_local,
    to_utc,
)

UTC = timezone.utc


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# --- Time zone -------------------------------------------------------------


def test_installed_tzdata_is_current():
    assert_tzdata_current()  # raises if the database predates March 2024


@pytest.mark.parametrize("stale", [timezone(timedelta(hours=6)), ZoneInfo("Asia/Dhaka")])
def test_stale_tzdata_is_reported(stale):
    # Old tzdata gives Almaty +06:00 after 1 March 2024; Dhaka is +06:00 too.
    with pytest.raises(RuntimeError, match=r"out of date.*expected \+05:00"):
        assert_tzdata_current(stale)


def test_almaty_is_the_iana_zone():
    assert ALMATY.key == "Asia/Almaty"


def test_last_second_of_the_local_day():
    local = to_local(utc(2026, 1, 1, 18, 59, 59))
    assert local.replace(tzinfo=None) == datetime(2026, 1, 1, 23, 59, 59)
    assert local_date(utc(2026, 1, 1, 18, 59, 59)) == date(2026, 1, 1)


def test_local_midnight_starts_the_next_day():
    local = to_local(utc(2026, 1, 1, 19, 0, 0))
    assert local.replace(tzinfo=None) == datetime(2026, 1, 2, 0, 0)
    assert local_date(utc(2026, 1, 1, 19, 0, 0)) == date(2026, 1, 2)


def test_to_utc_of_local_midnight():
    assert to_utc(datetime(2026, 1, 2, 0, 0)) == utc(2026, 1, 1, 19, 0)
    assert to_utc(datetime(2026, 1, 1, 23, 59, 59)) == utc(2026, 1, 1, 18, 59, 59)


def test_to_utc_result_is_aware_utc():
    result = to_utc(datetime(2026, 6, 1, 9, 0))
    assert result.tzinfo is UTC
    assert result == utc(2026, 6, 1, 4, 0)


@pytest.mark.parametrize(
    "day, hours",
    [(date(2024, 2, 29), 6), (date(2024, 3, 2), 5), (date(2023, 7, 1), 6), (date(2026, 7, 1), 5)],
)
def test_offset_before_and_after_the_2024_change(day, hours):
    noon = utc(day.year, day.month, day.day, 12)
    assert to_local(noon).utcoffset() == timedelta(hours=hours)


def test_repeated_hour_on_the_night_of_the_change():
    # At 00:00 +06 on 1 March 2024 clocks went back to 23:00 +05 on 29 Feb.
    assert to_utc(datetime(2024, 2, 29, 23, 30)) == utc(2024, 2, 29, 17, 30)
    assert to_utc(datetime(2024, 2, 29, 23, 30, fold=1)) == utc(2024, 2, 29, 18, 30)
    assert local_date(utc(2024, 2, 29, 18, 30)) == date(2024, 2, 29)
    assert local_date(utc(2024, 2, 29, 19, 0)) == date(2024, 3, 1)


def test_round_trip_utc_local_utc():
    moment = utc(2025, 3, 21, 3, 15)
    assert to_utc(to_local(moment).replace(tzinfo=None)) == moment


def test_to_local_accepts_any_aware_datetime():
    moscow = datetime(2026, 1, 1, 22, 0, tzinfo=ZoneInfo("Europe/Moscow"))  # 19:00 UTC
    assert local_date(moscow) == date(2026, 1, 2)


def test_naive_datetime_is_refused_by_to_local():
    with pytest.raises(ValueError, match="naive"):
        to_local(datetime(2026, 1, 1, 19, 0))
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime(2026, 1, 1, 19, 0))


def test_aware_datetime_is_refused_by_to_utc():
    with pytest.raises(ValueError, match="aware"):
        to_utc(utc(2026, 1, 1, 19, 0))


# --- Public holidays -------------------------------------------------------

FIXED_2026 = {
    date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 7), date(2026, 3, 8),
    date(2026, 3, 21), date(2026, 3, 22), date(2026, 3, 23), date(2026, 5, 1),
    date(2026, 5, 7), date(2026, 5, 9), date(2026, 7, 6), date(2026, 8, 30),
    date(2026, 10, 25), date(2026, 12, 16),
}


def test_public_holidays_2026_fixed_and_kurban_ait():
    holidays = public_holidays(2026)
    assert set(holidays) == FIXED_2026 | {date(2026, 5, 27)}
    assert list(holidays) == sorted(holidays)


def test_holiday_names_in_russian_and_kazakh():
    holidays = public_holidays(2025)
    assert holidays[date(2025, 3, 22)] == {"ru": "Наурыз мейрамы", "kk": "Наурыз мейрамы"}
    assert holidays[date(2025, 12, 16)] == {"ru": "День Независимости", "kk": "Тәуелсіздік күні"}
    assert holidays[date(2025, 6, 6)] == {"ru": "Курбан айт", "kk": "Құрбан айт"}
    for names in holidays.values():
        assert set(names) == {"ru", "kk"} and all(names.values())


def test_returned_names_are_copies():
    public_holidays(2025)[date(2025, 1, 1)]["ru"] = "changed"
    assert public_holidays(2025)[date(2025, 1, 1)]["ru"] == "Новый год"


def test_december_17_is_no_longer_a_holiday():
    assert date(2025, 12, 17) not in public_holidays(2025)


@pytest.mark.parametrize(
    "year, first_day",
    [
        (2024, date(2024, 6, 16)), (2025, date(2025, 6, 6)), (2026, date(2026, 5, 27)),
        (2027, date(2027, 5, 16)), (2028, date(2028, 5, 5)), (2029, date(2029, 4, 24)),
        (2030, date(2030, 4, 13)),
    ],
)
def test_kurban_ait_table(year, first_day):
    assert KURBAN_AIT_FIRST_DAY[year] == first_day
    assert public_holidays(year)[first_day]["ru"] == "Курбан айт"
    assert len(public_holidays(year)) == 15


@pytest.mark.parametrize("year", [2023, 2031])
def test_years_without_kurban_ait_date_are_refused(year):
    with pytest.raises(ValueError, match="KURBAN_AIT_FIRST_DAY"):
        public_holidays(year)
    with pytest.raises(ValueError):
        days_off(year)


# --- Days off and transfers ------------------------------------------------


def _transfers(year):
    return days_off(year) - set(public_holidays(year))


def test_days_off_includes_every_holiday():
    for year in KURBAN_AIT_FIRST_DAY:
        assert set(public_holidays(year)) <= days_off(year)


def test_transfers_2024():
    # Nauryz 23 Mar and Capital Day 6 Jul were Saturdays; Orthodox Christmas
    # (7 Jan) and Kurban Ait (16 Jun) were Sundays but are not transferred.
    assert _transfers(2024) == {date(2024, 3, 25), date(2024, 7, 8)}
    assert date(2024, 1, 8) not in days_off(2024)
    assert date(2024, 6, 17) not in days_off(2024)


def test_transfers_2025():
    assert _transfers(2025) == {
        date(2025, 3, 10),   # 8 March, Saturday
        date(2025, 3, 24),   # Nauryz 22 March, Saturday
        date(2025, 3, 25),   # Nauryz 23 March, Sunday
        date(2025, 7, 7),    # Capital Day, Sunday
        date(2025, 9, 1),    # Constitution Day, Saturday
        date(2025, 10, 27),  # Republic Day, Saturday
    }


def test_transfers_2026():
    # Nauryz on Sat, Sun, Mon: both weekend days move past the Monday holiday.
    assert _transfers(2026) == {
        date(2026, 3, 9), date(2026, 3, 24), date(2026, 3, 25),
        date(2026, 5, 11), date(2026, 8, 31), date(2026, 10, 26),
    }


def test_transfers_2028_new_year_weekend():
    # 1-2 January on Sat-Sun give Mon 3 and Tue 4 January.
    assert _transfers(2028) == {
        date(2028, 1, 3), date(2028, 1, 4), date(2028, 5, 8), date(2028, 12, 18),
    }


def test_transfers_2030_kurban_ait_on_saturday_stays():
    assert date(2030, 4, 13).weekday() == 5
    assert date(2030, 4, 15) not in days_off(2030)
    assert _transfers(2030) == {date(2030, 3, 25), date(2030, 7, 8)}


def test_transfers_are_always_weekdays_and_unique():
    for year in KURBAN_AIT_FIRST_DAY:
        holidays = public_holidays(year)
        weekend_holidays = [
            d for d, names in holidays.items()
            if d.weekday() >= 5 and names["ru"] not in ("Православное Рождество", "Курбан айт")
        ]
        transfers = _transfers(year)
        assert len(transfers) == len(weekend_holidays)
        assert all(d.weekday() < 5 and d.year == year for d in transfers)


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2025, 3, 25), False),  # transferred Nauryz day
        (date(2025, 3, 26), True),
        (date(2025, 3, 29), False),  # ordinary Saturday
        (date(2025, 6, 6), False),   # Kurban Ait on a Friday
        (date(2024, 1, 8), True),    # Orthodox Christmas on Sunday is not moved
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working

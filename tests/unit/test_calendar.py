"""Almaty local time and the Kazakh holiday calendar."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest

from jastar_common.calendar import (
    ALMATY,
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


def _weekdays_off(year):
    """Weekdays of `year` that are not working days, by is_working_day."""
    day, off = date(year, 1, 1), set()
    while day.year == year:
        if day.weekday() < 5 and not is_working_day(day):
            off.add(day)
        day += timedelta(days=1)
    return off


@pytest.mark.parametrize("year", [2025, 2026])
def test_a_whole_year_agrees_with_the_holidays_package(year):
    kazakhstan = holidays.country_holidays("KZ", years=year)
    assert days_off(year) == set(kazakhstan)
    assert set(public_holidays(year)) == set(kazakhstan)
    assert _weekdays_off(year) == {day for day in kazakhstan if day.weekday() < 5}


def test_2026_follows_the_law_the_hand_table_missed():
    # Constitution Day is no longer 30 August, so neither it nor the Monday
    # after it (the hand table's transfer) is a day off.
    assert is_working_day(date(2026, 8, 31))
    assert date(2026, 8, 30) not in days_off(2026)
    assert not is_working_day(date(2026, 3, 25))  # Nauryz on Sat-Sun-Mon moves to Tue, Wed
    assert not is_working_day(date(2026, 5, 27))  # Kurban Ait


def test_religious_holidays_do_not_move_off_a_weekend():
    assert date(2024, 1, 7).weekday() == 6 and date(2024, 1, 7) in days_off(2024)
    assert is_working_day(date(2024, 1, 8))    # Orthodox Christmas on a Sunday
    assert is_working_day(date(2024, 6, 17))   # Kurban Ait on a Sunday


def test_holiday_names_in_kazakh_and_english():
    names = public_holidays(2025)
    assert list(names) == sorted(names)
    assert names[date(2025, 12, 16)]["en"] == "Independence Day"
    assert "Тәуелсіздік" in names[date(2025, 12, 16)]["kk"]
    for pair in names.values():
        assert set(pair) == {"kk", "en"} and all(pair.values())


def test_returned_names_are_copies():
    public_holidays(2025)[date(2025, 1, 1)]["en"] = "changed"
    assert public_holidays(2025)[date(2025, 1, 1)]["en"] != "changed"


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2025, 3, 25), False),  # transferred Nauryz day
        (date(2025, 3, 26), True),
        (date(2025, 3, 29), False),  # ordinary Saturday
        (date(2025, 6, 6), False),   # Kurban Ait on a Friday
        (date(2025, 12, 17), True),  # 17 December is no longer a holiday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working

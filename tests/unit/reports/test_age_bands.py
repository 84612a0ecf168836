"""Age bands change on the birthday itself, in the member's full years."""
from datetime import date

import pytest

from jastar_common.ages import age_band, age_on


@pytest.mark.parametrize("birth, day, band", [
    (date(2008, 6, 15), date(2022, 6, 14), None),       # the day before 14
    (date(2008, 6, 15), date(2022, 6, 15), "14-17"),    # 14 on the birthday
    (date(2008, 6, 15), date(2026, 6, 14), "14-17"),    # 17, the day before 18
    (date(2008, 6, 15), date(2026, 6, 15), "18-24"),
    (date(2001, 6, 15), date(2026, 6, 14), "18-24"),    # 24
    (date(2001, 6, 15), date(2026, 6, 15), "25-29"),
    (date(1996, 6, 15), date(2026, 6, 14), "25-29"),
    (date(1996, 6, 15), date(2026, 6, 15), "30-35"),
    (date(1990, 6, 15), date(2026, 6, 14), "30-35"),    # 35 until the day before 36
    (date(1990, 6, 15), date(2026, 6, 15), None),       # 36: no longer youth
    (None, date(2026, 6, 15), None),
])
def test_band_turns_on_the_birthday(birth, day, band):
    assert age_band(birth, day) == band


def test_a_leap_day_birthday_comes_on_1_march_in_other_years():
    born = date(2008, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 17
    assert age_band(born, date(2026, 2, 28)) == "14-17"
    assert age_band(born, date(2026, 3, 1)) == "18-24"
    assert age_on(born, date(2028, 2, 29)) == 20

"""Age bands of the youth policy's reports (14 to 35, Kazakhstan's law on
state youth policy). A band is what leaves a service that knows a birth date:
never the date itself."""
from datetime import date

AGE_BANDS = (("14-17", 14, 17), ("18-24", 18, 24), ("25-29", 25, 29), ("30-35", 30, 35))
BAND_NAMES = tuple(name for name, _, _ in AGE_BANDS)


def age_on(birth_date: date, day: date) -> int:
    """Full years on `day` (a 29 February birthday comes on 1 March in other years)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_band(birth_date: date | None, day: date) -> str | None:
    """The band of someone born on `birth_date` on `day`; None when the date is
    unknown or the age falls outside 14 to 35."""
    if birth_date is None:
        return None
    age = age_on(birth_date, day)
    return next((name for name, low, high in AGE_BANDS if low <= age <= high), None)

"""Opening hours and specialists' working hours: pure functions, shared by
booking (free slots) and reports (open and scheduled hours).

Everything passed in and returned is a timezone-aware UTC datetime; the
rules themselves (opening hours, schedules, days off, midnight) are Almaty
wall-clock time. Hours are "HH:MM" strings ("24:00" allowed as an end),
intervals are half-open [start, end), dates are Almaty local dates. A centre
is anything with status, opening_hours and closed_dates; a schedule anything
with status, weekly, exceptions, valid_from and valid_to.
"""
from datetime import date, datetime, time, timedelta

from .calendar import days_off, to_utc

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order


# --- small helpers -----------------------------------------------------------

def as_date(value):
    if isinstance(value, datetime):
        raise TypeError("expected a local date, got a datetime")
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _local_instant(day, hhmm):
    """UTC instant of the wall-clock time `hhmm` on local `day` ("24:00" is the next midnight)."""
    hours, minutes = (int(part) for part in str(hhmm).split(":"))
    if hours == 24 and minutes == 0:
        return to_utc(datetime.combine(day + timedelta(days=1), time(0, 0)))
    return to_utc(datetime.combine(day, time(hours, minutes)))


def _intervals_of_day(hours_by_weekday, day):
    """The [start, end) pairs listed for `day`'s weekday, in UTC, unmerged."""
    pairs = (hours_by_weekday or {}).get(WEEKDAY_KEYS[day.weekday()]) or ()
    result = []
    for start, end in pairs:
        start_utc, end_utc = _local_instant(day, start), _local_instant(day, end)
        if start_utc < end_utc:  # an empty or reversed pair opens nothing
            result.append((start_utc, end_utc))
    return result


def merge(intervals):
    """Sorted, with overlapping and touching intervals joined."""
    merged = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _intersect(left, right):
    left, right = merge(left), merge(right)
    result, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        end = min(left[i][1], right[j][1])
        if start < end:
            result.append((start, end))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return result


def _subtract(intervals, cuts):
    result = []
    cuts = merge(cuts)
    for start, end in merge(intervals):
        pieces = [(start, end)]
        for cut_start, cut_end in cuts:
            next_pieces = []
            for a, b in pieces:
                if cut_end <= a or cut_start >= b:
                    next_pieces.append((a, b))
                    continue
                if a < cut_start:
                    next_pieces.append((a, cut_start))
                if cut_end < b:
                    next_pieces.append((cut_end, b))
            pieces = next_pieces
        result.extend(pieces)
    return merge(result)


def overlaps(a_start, a_end, b_start, b_end):
    """Half-open overlap: [10:00, 11:00) and [11:00, 12:00) do not overlap."""
    return a_start < b_end and b_start < a_end


def days_between(date_from, date_to):
    day = date_from
    while day <= date_to:
        yield day
        day += timedelta(days=1)


class DaysOffCache:
    def __init__(self, public_days_off_for):
        self._for = public_days_off_for or days_off
        self._years = {}

    def __call__(self, day):
        if day.year not in self._years:
            self._years[day.year] = set(self._for(day.year))
        return self._years[day.year]


# --- centres and schedules ---------------------------------------------------

def centre_closed_on(centre, day, public_days_off):
    """True when the centre does not open on local `day`: it is not "open",
    the day is a public day off, or it is one of the centre's closed dates."""
    day = as_date(day)
    if centre.status != "open":
        return True
    if day in (public_days_off or ()):
        return True
    return any(as_date(closed) == day for closed in (centre.closed_dates or ()))


def opening_intervals(centre, day):
    """[(start_utc, end_utc)] of the centre's opening hours on local `day`'s
    weekday, sorted and merged. Says nothing about closures: see
    centre_closed_on."""
    return merge(_intervals_of_day(centre.opening_hours, as_date(day)))


def _exception_interval(exception, day):
    start, end = exception.get("start"), exception.get("end")
    if start is None and end is None:
        return (_local_instant(day, "00:00"), _local_instant(day, "24:00"))
    return (_local_instant(day, start or "00:00"), _local_instant(day, end or "24:00"))


def working_intervals(schedule, centre, day, public_days_off):
    """[(start_utc, end_utc)] a specialist works at `centre` on local `day`.

    (weekly hours ∩ opening hours) − leave exceptions ∪ (extra exceptions ∩
    opening hours). Nothing when the schedule is not "open", the day is
    outside valid_from..valid_to (inclusive), or the centre is closed that
    day (extra hours do not open a closed centre). A leave with start and
    end None takes the whole day; an extra with both None gives the whole
    of the opening hours. Sorted, merged, non-overlapping.
    """
    day = as_date(day)
    if schedule.status != "open":
        return []
    if schedule.valid_from is not None and day < as_date(schedule.valid_from):
        return []
    if schedule.valid_to is not None and day > as_date(schedule.valid_to):
        return []
    if centre_closed_on(centre, day, public_days_off):
        return []
    opening = opening_intervals(centre, day)
    base = _intersect(_intervals_of_day(schedule.weekly, day), opening)
    leave, extra = [], []
    for exception in schedule.exceptions or ():
        if as_date(exception["date"]) != day:
            continue
        kind = exception.get("kind")
        if kind == "leave":
            leave.append(_exception_interval(exception, day))
        elif kind == "extra":
            extra.append(_exception_interval(exception, day))
    base = _subtract(base, leave)
    return merge(base + _intersect(extra, opening))

"""Open hours of centres and spaces, scheduled hours of specialists, and
booked hours, laid on local days and hours of the week. Pure functions over
registry copies (plain dicts) and facts."""
from collections import defaultdict
from datetime import date, timedelta
from types import SimpleNamespace

from jastar_common.calendar import days_off, to_local
from jastar_common.hours import (
    WEEKDAY_KEYS, DaysOffCache, centre_closed_on, days_between, opening_intervals, working_intervals,
)

HOUR = timedelta(hours=1)


def _view(data, **defaults):
    """A registry copy as the object jastar_common.hours reads."""
    return SimpleNamespace(**{**defaults, **data})


def centre_view(data):
    return _view(data, status="open", opening_hours={}, closed_dates=[])


def _hours(intervals):
    return sum((end - start for start, end in intervals), timedelta()) / HOUR


def hour_parts(start, end):
    """[(weekday key, local hour, hours)] of the UTC interval [start, end)."""
    parts = []
    local, stop = to_local(start), to_local(end)
    while local < stop:
        boundary = min(stop, local.replace(minute=0, second=0, microsecond=0) + HOUR)
        parts.append((WEEKDAY_KEYS[local.weekday()], local.hour, (boundary - local) / HOUR))
        local = boundary
    return parts


def _space_open_on(space, day):
    opens_on = space.get("opens_on")
    return space.get("status", "open") == "open" and (not opens_on or date.fromisoformat(opens_on) <= day)


def open_hours_by_hour(centre, space, date_from, date_to, public_days_off_for=days_off):
    """{(weekday, hour): open hours} of a space over the local days given."""
    off = DaysOffCache(public_days_off_for)
    view, out = centre_view(centre), defaultdict(float)
    for day in days_between(date_from, date_to):
        if not _space_open_on(space, day) or centre_closed_on(view, day, off(day)):
            continue
        for start, end in opening_intervals(view, day):
            for weekday, hour, hours in hour_parts(start, end):
                out[(weekday, hour)] += hours
    return out


def scheduled_hours(schedule, centre, date_from, date_to, public_days_off_for=days_off):
    """Hours a specialist's schedule gives at its centre over the local days."""
    off = DaysOffCache(public_days_off_for)
    view = _view(schedule, status="open", weekly={}, exceptions=[], valid_from=None, valid_to=None)
    centre = centre_view(centre)
    return sum(_hours(working_intervals(view, centre, day, off(day)))
               for day in days_between(date_from, date_to))


def booked_hours_by_hour(facts):
    out = defaultdict(float)
    for fact in facts:
        for weekday, hour, hours in hour_parts(fact["starts_at"], fact["ends_at"]):
            out[(weekday, hour)] += hours
    return out


def booked_hours(facts):
    return sum((f["ends_at"] - f["starts_at"] for f in facts), timedelta()) / HOUR

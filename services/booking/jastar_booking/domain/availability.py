"""When a specialist, a space or a centre is free: pure functions.

Everything passed in and returned is a timezone-aware UTC datetime; the
rules themselves (opening hours, schedules, days off, midnight) are Almaty
wall-clock time. Hours are "HH:MM" strings ("24:00" allowed as an end),
intervals are half-open [start, end), dates are Almaty local dates.

No database and no nameko: callers load the views (see model.py) and the
busy intervals, and pass `public_days_off_for` (normally
jastar_common.calendar.days_off).
"""
from datetime import timedelta, timezone

from jastar_common.calendar import days_off, local_date, to_local
from jastar_common.errors import RuleBroken
from jastar_common.hours import (
    WEEKDAY_KEYS, DaysOffCache, as_date, centre_closed_on, days_between, merge, opening_intervals,
    overlaps, working_intervals,
)

from .model import Slot

__all__ = [
    "WEEKDAY_KEYS",
    "centre_closed_on",
    "opening_intervals",
    "working_intervals",
    "consultation_slots",
    "space_slots",
    "check_space_request",
    "hold_until",
    "check_slot_request",
    "seats_left",
    "overlaps",
]

# --- helpers of slots ---------------------------------------------------------

def _clamped_days(date_from, date_to, now, min_notice, window):
    """Local days in [date_from, date_to] that can hold a slot allowed by notice and window.

    A slot on a local day before the day of (now + min_notice) starts too
    early, one on a day after the day of (now + window) too late; skipping
    those days also keeps far-off years out of the holiday calendar.
    """
    first = max(as_date(date_from), local_date(now + min_notice))
    last = min(as_date(date_to), local_date(now + window))
    return days_between(first, last)


def _allowed_start(starts_at, now, min_notice, window):
    return now + min_notice <= starts_at <= now + window


def _iso(dt):
    return dt.astimezone(timezone.utc).isoformat()


def _minutes(delta):
    """A timedelta in minutes: an int when whole (details cross RPC as JSON)."""
    minutes = delta / timedelta(minutes=1)
    return int(minutes) if minutes == int(minutes) else minutes


def _hhmm(instant, day):
    """Local "HH:MM" of `instant` on local `day` (the next midnight is "24:00")."""
    return "24:00" if local_date(instant) != day else to_local(instant).strftime("%H:%M")


# --- consultations -----------------------------------------------------------

def _lay(interval, length):
    start, end = interval
    while start + length <= end:
        yield start, start + length
        start += length


def consultation_slots(service, specialists, schedules, centres, busy, date_from, date_to,
                       now, min_notice, window, public_days_off_for=days_off):
    """Free consultation slots for `service` from local date_from to date_to (inclusive).

    For every open specialist who gives the (open) service, and each of
    their schedules in a centre where the service is offered, slots of
    service.slot_minutes are laid end to end from the start of each
    working interval (the schedules of one specialist in one centre are
    joined first); a slot must fit wholly inside the interval. Dropped:
    slots overlapping any of the specialist's `busy` [(start, end)]
    (half-open), starting before now + min_notice, or after now + window.
    Sorted by (starts_at, specialist_id, centre_id).
    """
    if service.status != "open" or service.slot_minutes <= 0:
        return []
    length = timedelta(minutes=service.slot_minutes)
    days_off_on = DaysOffCache(public_days_off_for)
    giving = {s.id for s in specialists if s.status == "open" and service.id in s.service_ids}
    by_place = {}
    for schedule in schedules:
        if schedule.specialist_id not in giving or schedule.centre_id not in service.centre_ids:
            continue
        if schedule.centre_id not in centres:
            continue
        by_place.setdefault((schedule.specialist_id, schedule.centre_id), []).append(schedule)

    days = list(_clamped_days(date_from, date_to, now, min_notice, window))
    found = set()
    for (specialist_id, centre_id), own in by_place.items():
        centre = centres[centre_id]
        taken = (busy or {}).get(specialist_id) or ()
        for day in days:
            closed_days = days_off_on(day)
            intervals = merge([i for s in own for i in working_intervals(s, centre, day, closed_days)])
            for interval in intervals:
                for start, end in _lay(interval, length):
                    if not _allowed_start(start, now, min_notice, window):
                        continue
                    if any(overlaps(start, end, b_start, b_end) for b_start, b_end in taken):
                        continue
                    found.add((start, specialist_id, centre_id, end))
    return [Slot(starts_at=start, ends_at=end, centre_id=centre_id, specialist_id=specialist_id)
            for start, specialist_id, centre_id, end in sorted(found)]


def check_slot_request(slot_start, slot_end, free_slots):
    """RuleBroken("not_a_free_slot") unless exactly [slot_start, slot_end) is among free_slots."""
    for slot in free_slots:
        if slot.starts_at == slot_start and slot.ends_at == slot_end:
            return
    raise RuleBroken("This time is not a free slot", rule="not_a_free_slot",
                     starts_at=_iso(slot_start), ends_at=_iso(slot_end))


# --- spaces ------------------------------------------------------------------

def _space_open_on(space, day):
    return space.status == "open" and (space.opens_on is None or day >= as_date(space.opens_on))


def space_slots(space, centre, busy, date_from, date_to, now, min_notice, window,
                public_days_off_for=days_off, include_full=False):
    """Free grid cells of `space` from local date_from to date_to (inclusive).

    Cells are grid_minutes long, laid from the start of each opening
    interval (a cell must fit wholly inside it), on days the centre is
    open and the space is open (and on or after opens_on). Each cell's
    `free` is capacity minus the number of `busy` [(start, hold_until)]
    intervals overlapping it (half-open; hold_until already includes the
    buffer). Cells with free <= 0 are left out (kept with free 0 when
    include_full, so an app can draw them full), and so are cells starting
    before now + min_notice or after now + window. Sorted by start.
    """
    if space.status != "open" or space.grid_minutes <= 0:
        return []
    length = timedelta(minutes=space.grid_minutes)
    days_off_on = DaysOffCache(public_days_off_for)
    held = list(busy or ())
    cells = []
    for day in _clamped_days(date_from, date_to, now, min_notice, window):
        if not _space_open_on(space, day) or centre_closed_on(centre, day, days_off_on(day)):
            continue
        for interval in opening_intervals(centre, day):
            for start, end in _lay(interval, length):
                if not _allowed_start(start, now, min_notice, window):
                    continue
                free = space.capacity - sum(1 for b_start, b_end in held
                                            if overlaps(start, end, b_start, b_end))
                if free > 0 or include_full:
                    cells.append(Slot(starts_at=start, ends_at=end, centre_id=centre.id,
                                      space_id=space.id, free=max(free, 0)))
    return cells


def hold_until(space, ends_at):
    """What a space booking blocks until: its end plus the space's buffer."""
    return ends_at + timedelta(minutes=space.buffer_minutes or 0)


def check_space_request(space, centre, starts_at, ends_at, now, min_notice, window,
                        public_days_off_for=days_off):
    """Raise RuleBroken for the first fault of a space request [starts_at, ends_at).

    Rules, in order: "space_not_open" (status, or before opens_on),
    "centre_closed" (on the local day of starts_at), "outside_opening_hours"
    (the whole request inside one opening interval of that local day, so
    never across midnight), "off_grid" (start and end a whole number of
    grid cells from that interval's start), "duration" (min_minutes to
    max_minutes), "min_notice", "booking_window".
    """
    day = local_date(starts_at)
    if not _space_open_on(space, day):
        raise RuleBroken("The space is not open for booking", rule="space_not_open",
                         space_id=space.id, status=space.status,
                         opens_on=space.opens_on.isoformat() if space.opens_on else None)
    closed_days = (public_days_off_for or days_off)(day.year)
    if centre_closed_on(centre, day, closed_days):
        raise RuleBroken("The centre is closed that day", rule="centre_closed",
                         centre_id=centre.id, date=day.isoformat())
    low, high = min(starts_at, ends_at), max(starts_at, ends_at)
    interval = next(((a, b) for a, b in opening_intervals(centre, day) if a <= low and high <= b), None)
    if interval is None:
        raise RuleBroken("The booking is outside the centre's opening hours",
                         rule="outside_opening_hours", centre_id=centre.id, date=day.isoformat(),
                         starts_at=_iso(starts_at), ends_at=_iso(ends_at),
                         opening_hours=[[_hhmm(a, day), _hhmm(b, day)]
                                        for a, b in opening_intervals(centre, day)])
    grid = timedelta(minutes=space.grid_minutes)
    if (starts_at - interval[0]) % grid or (ends_at - interval[0]) % grid:
        raise RuleBroken("The booking does not start and end on the space's grid", rule="off_grid",
                         grid_minutes=space.grid_minutes, grid_from=_iso(interval[0]))
    minutes = _minutes(ends_at - starts_at)
    if not space.min_minutes <= minutes <= space.max_minutes:
        raise RuleBroken("The booking is too short or too long", rule="duration",
                         minutes=minutes, min_minutes=space.min_minutes, max_minutes=space.max_minutes)
    if starts_at < now + min_notice:
        raise RuleBroken("Too late to book this time", rule="min_notice",
                         min_notice_minutes=_minutes(min_notice), earliest=_iso(now + min_notice))
    if starts_at > now + window:
        _refuse_window(now, window)


def _refuse_window(now, window):
    raise RuleBroken("Too far ahead to book", rule="booking_window",
                     window_days=window.days, latest=_iso(now + window))


# --- seats -------------------------------------------------------------------

def seats_left(capacity, taken):
    """Free seats; never negative (a capacity cut below the bookings gives 0)."""
    return max(0, capacity - taken)

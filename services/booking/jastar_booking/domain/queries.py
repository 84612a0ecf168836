"""Reading: free slots, free space hours, seats left, and booking lists."""
from datetime import date, datetime, time, timedelta

from jastar_common import calendar
from jastar_common.errors import InvalidInput

from . import access, availability
from .bookings import _get_copy
from .events import booking_data, waitlist_data, with_age_bands
from .waitlist import capacity, seats_taken

MAX_RANGE_DAYS = 31


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _check_day(day, field):
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput("date out of range", fields={field: [f"between {EARLIEST} and {LATEST}"]})


def _day_range(date_from, date_to):
    _check_day(date_from, "from")
    _check_day(date_to, "to")
    if date_to < date_from:
        raise InvalidInput("to is before from", fields={"to": ["must not be before from"]})
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise InvalidInput("range too long", fields={"to": [f"at most {MAX_RANGE_DAYS} days after from"]})
    starts = datetime.combine(date_from, time(0), tzinfo=calendar.ALMATY)
    ends = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=calendar.ALMATY)
    return starts, ends


def consultation_slots(uow, service_id, specialist_id, date_from, date_to, policy, now):
    starts, ends = _day_range(date_from, date_to)
    with uow:
        service = _get_copy(uow, "service", service_id, "service_id")
        specialists = [s for s in uow.copies.all("specialist")
                       if service.id in s.service_ids and (not specialist_id or s.id == specialist_id)]
        ids = {s.id for s in specialists}
        schedules = [s for s in uow.copies.all("schedule") if s.specialist_id in ids]
        centres = {c.id: c for c in uow.copies.all("centre")}
        busy = uow.bookings.busy(ids, starts, ends) if ids else {}
    return availability.consultation_slots(service, specialists, schedules, centres, busy, date_from,
                                           date_to, now, policy.min_notice_book, policy.window,
                                           calendar.days_off)


def space_slots(uow, space_id, date_from, date_to, policy, now, include_full=False):
    starts, ends = _day_range(date_from, date_to)
    with uow:
        space = _get_copy(uow, "space", space_id, "space_id")
        centre = _get_copy(uow, "centre", space.centre_id, "space_id")
        busy = uow.bookings.busy([space.id], starts, ends)[space.id]
    return availability.space_slots(space, centre, busy, date_from, date_to, now,
                                     policy.min_notice_book, policy.window, calendar.days_off,
                                     include_full)


def programme_seats(uow, programme_id):
    """Each open session (or, for a whole course, the course) with seats left
    and the length of its waitlist."""
    with uow:
        programme = _get_copy(uow, "programme", programme_id, "programme_id")
        sessions = sorted((s for s in uow.copies.all("session")
                           if s.programme_id == programme.id and s.status == "open"),
                          key=lambda s: s.starts_at)
        targets = [(programme.id, None)] if programme.whole_course else [(s.id, s) for s in sessions]
        return programme, [
            {"resource_id": resource_id, "session": session,
             "seats_left": availability.seats_left(capacity(programme, session),
                                                   seats_taken(uow, resource_id)),
             "waiting": uow.waitlist.count(resource_id, "waiting")}
            for resource_id, session in targets
        ]


def member_bookings(uow, caller, member_id, limit=100, offset=0):
    """A page of a member's bookings, newest first, and how many there are."""
    member_id, centre_ids = access.member_scope(caller, member_id)
    with uow:
        return (uow.bookings.for_member(member_id, limit, offset, centre_ids),
                uow.bookings.count_for_member(member_id, centre_ids))


def member_centres(uow, caller, member_id):
    """The centres where a member has or had a booking or a waitlist place
    (for staff: only among theirs), sorted. The registry asks it before it
    shows a member's profile to staff."""
    member_id, centre_ids = access.member_scope(caller, member_id)
    with uow:
        return sorted(uow.bookings.centres_of_member(member_id, centre_ids))


def member_waitlist(uow, caller, member_id, limit=100, offset=0):
    """A page of a member's waitlist places, newest first, and how many there are."""
    member_id, centre_ids = access.member_scope(caller, member_id)
    with uow:
        entries = uow.waitlist.for_member(member_id, limit, offset, centre_ids)
        uow.waitlist.place_in_line(entries)
        return entries, uow.waitlist.count_for_member(member_id, centre_ids)


def resource_waitlist(uow, caller, resource_id, limit=100, offset=0):
    """The line for a session (or a whole course), for its centre's staff: a
    page of who waits or holds an offer, in line order, and how many."""
    with uow:
        found = uow.copies.get("session", resource_id) or uow.copies.get("programme", resource_id)
        if found is None:
            raise InvalidInput("unknown session or course", fields={"resource_id": [f"no {resource_id!r}"]})
        access.check_staff(caller, found.centre_id)
        entries = uow.waitlist.in_line(resource_id, limit, offset)
        uow.waitlist.place_in_line(entries)
        return entries, uow.waitlist.count_in_line(resource_id)


def centre_day(uow, caller, centre_id, day, limit=None, offset=0):
    """The staff desk's list for one local day (a page of it), and its length."""
    access.check_staff(caller, centre_id)
    _check_day(day, "date")
    starts = datetime.combine(day, time(0), tzinfo=calendar.ALMATY)
    ends = starts + timedelta(days=1)
    with uow:
        return (uow.bookings.for_centre(centre_id, starts, ends, limit, offset),
                uow.bookings.count_for_centre(centre_id, starts, ends))


def report_facts(uow, caller, what, after, limit):
    """Every booking ("bookings") or waitlist entry ("waitlist") as the data
    of its latest event, a page at a time by id: the reports service rebuilds
    from these. Returns (items, the id to continue after, or None at the end)."""
    access.check_platform(caller)
    with uow:
        if what == "bookings":
            rows = uow.bookings.after(after, limit)
            items = with_age_bands(uow.copies, [booking_data(b) for b in rows])
        else:
            rows = uow.waitlist.after(after, limit)
            items = [waitlist_data(e) for e in rows]
        return items, (rows[-1].id if len(rows) == limit else None)

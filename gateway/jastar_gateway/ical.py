"""Bookings as iCalendar (RFC 5545), built with the `icalendar` package: one
booking to add to a calendar app, or a member's whole feed to subscribe to.

Times are written as Asia/Almaty wall-clock time with its VTIMEZONE (the
zone moved from +06 to +05 on 1 March 2024: a bare offset would be wrong for
one side of it), LOCATION is the centre's name and address. Plain functions
over the dicts the services answer with; no nameko, no I/O."""
from datetime import datetime

import icalendar

from jastar_common.calendar import ALMATY

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Jastar Hub//Bookings//KK"
UID_DOMAIN = "jastar-hub"

# calendar apps know three: an ended or checked-in booking still happened
_STATUS = {"pending": "TENTATIVE", "confirmed": "CONFIRMED", "checked_in": "CONFIRMED",
           "completed": "CONFIRMED", "no_show": "CONFIRMED",
           "cancelled": "CANCELLED", "rejected": "CANCELLED"}


def _local(text):
    return datetime.fromisoformat(text).astimezone(ALMATY)


def name_in(obj, language):
    """An object's name in the member's language (kk or ru), else the other."""
    if not obj:
        return None
    other = "ru" if language == "kk" else "kk"
    return obj.get(f"name_{language}") or obj.get(f"name_{other}")


def location(centre, language):
    """"<centre name>, <address>": what a map search and a person both read."""
    if not centre:
        return None
    return ", ".join(part for part in (name_in(centre, language), centre.get("address")) if part)


def booking_event(booking, title, centre, language, stamp):
    """One VEVENT: the booking's id is its UID, so a feed read again updates
    the same event (a reschedule moves it, a cancellation marks it)."""
    event = icalendar.Event()
    event.add("uid", f"{booking['id']}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", _local(booking["starts_at"]))
    event.add("dtend", _local(booking["ends_at"]))
    event.add("summary", title)
    place = location(centre, language)
    if place:
        event.add("location", place)
    event.add("status", _STATUS.get(booking["state"], "CONFIRMED"))
    if booking.get("updated_at"):
        event.add("last-modified", datetime.fromisoformat(booking["updated_at"]))
    return event


def calendar(events, name=None):
    """The VCALENDAR as bytes, with the VTIMEZONE of every zone its events use."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", ALMATY.key)
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()

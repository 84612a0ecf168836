"""The events booking publishes: its public contract (docs/asyncapi.yaml).

Every booking.* event's data: booking_id, member_id, kind (consultation,
space, seat), state, centre_id, resource_id (the specialist, space, session or
programme held), service_id, specialist_id, space_id, session_id, programme_id
(those that apply, else null), starts_at, ends_at, requested_at (when the
booking was made), changed_at (when it took this state or time; the newest
wins) (UTC ISO-8601), age_band (the member's on the booking's local date:
14-17, 18-24, 25-29, 30-35, or null), and where it applies: reason, by
(member, staff, system), previous_starts_at, previous_ends_at (rescheduled).

Every waitlist.* event's data: entry_id, member_id, resource_id (a session or,
for whole courses, a programme), centre_id, position (the place in line then:
waiting entries ahead + 1), state, joined_at, changed_at (UTC ISO-8601), and
where it applies: offer_expires_at (offered), booking_id (promoted).
"""
from datetime import datetime

from jastar_common import calendar, contracts
from jastar_common.ages import age_band

EVENT_TYPES = contracts.EVENT_TYPES["booking"]


def _iso(moment):
    return moment.isoformat() if moment else None


def booking_data(booking, **more):
    held = booking.resource_id
    return {
        "booking_id": booking.id, "member_id": booking.member_id, "kind": booking.kind,
        "state": booking.state, "centre_id": booking.centre_id, "resource_id": held,
        "service_id": booking.service_id,
        "specialist_id": held if booking.kind == "consultation" else None,
        "space_id": held if booking.kind == "space" else None,
        "session_id": held if booking.kind == "seat" and held != booking.programme_id else None,
        "programme_id": booking.programme_id,
        "starts_at": _iso(booking.starts_at), "ends_at": _iso(booking.ends_at),
        "requested_at": _iso(booking.created_at), "changed_at": _iso(booking.updated_at),
        **{key: _iso(value) if hasattr(value, "isoformat") else value for key, value in more.items()},
    }


def waitlist_data(entry, **more):
    return {
        "entry_id": entry.id, "member_id": entry.member_id, "resource_id": entry.resource_id,
        "centre_id": entry.centre_id, "position": entry.place, "state": entry.state,
        "joined_at": _iso(entry.created_at), "changed_at": _iso(entry.updated_at),
        **{key: _iso(value) if hasattr(value, "isoformat") else value for key, value in more.items()},
    }


def with_age_bands(copies, items):
    """Booking event data with each member's age band on the booking's local
    date added (from booking's member copies: the birth date stays here)."""
    births = copies.birth_dates(item["member_id"] for item in items)
    return [{**item, "age_band": age_band(births.get(item["member_id"]),
                                          calendar.local_date(datetime.fromisoformat(item["starts_at"])))}
            for item in items]

"""Seats in sessions and courses, and the FIFO waitlist behind them.

Seats taken = active seat bookings + offers still open (an offered seat is
held for the member it was offered to). An entry's place in line is the
waiting entries that joined before it + 1, read when shown: the first
waiting reads 1 once those ahead took a seat or left. A freed seat goes to the first in
line as an offer held for policy.offer_hold; accepted, it becomes a seat;
declined or expired, it passes to the next. No staff work needed."""
import uuid

from jastar_common.errors import Conflict, NotFound, RuleBroken

from . import access, policies
from .events import booking_data, waitlist_data
from .model import Booking, WaitlistEntry


def lock_key(resource_id):
    return f"seat:{resource_id}"


def _seat_target(uow, request):
    """(resource_id, programme, session-or-None, starts_at, ends_at)."""
    from .bookings import _get_copy
    if request.get("session_id"):
        session = _get_copy(uow, "session", request["session_id"], "session_id")
        programme = _get_copy(uow, "programme", session.programme_id, "session_id")
        if programme.whole_course:
            raise RuleBroken("this course is booked as a whole", rule="whole_course",
                             programme_id=programme.id)
        return session.id, programme, session, session.starts_at, session.ends_at
    programme = _get_copy(uow, "programme", request.get("programme_id"), "programme_id")
    if not programme.whole_course:
        raise RuleBroken("book one of this programme's sessions", rule="per_session")
    return (programme.id, programme, None, *_course_span(uow, programme))


def _course_span(uow, programme):
    """A whole-course seat runs from the first session's start to the last's end."""
    sessions = [s for s in uow.copies.all("session")
                if s.programme_id == programme.id and s.status == "open"]
    if not sessions:
        raise RuleBroken("the course has no sessions", rule="no_sessions")
    return min(s.starts_at for s in sessions), max(s.ends_at for s in sessions)


def capacity(programme, session):
    return (session.capacity if session and session.capacity else None) or programme.capacity


def seats_taken(uow, resource_id):
    return uow.bookings.active_on(resource_id) + uow.waitlist.count(resource_id, "offered")


def take_seat(uow, caller, member, request, policy, now):
    """Inside create()'s unit of work, with the member locked."""
    resource_id, programme, session, starts_at, ends_at = _seat_target(uow, request)
    access.check_centre_staff(caller, programme.centre_id)
    if programme.status != "open" or (session and session.status != "open"):
        raise RuleBroken("not open for enrolment", rule="not_open")
    if starts_at <= now:
        raise RuleBroken("it has already started", rule="already_started")
    policies.check_eligibility(programme, member, starts_at)
    policies.check_not_suspended(policy, uow.bookings.no_show_times(member.id, now - policy.no_show_window), now)
    uow.lock(lock_key(resource_id))
    if any(b.member_id == member.id for b in uow.bookings.active_for(resource_id)):
        raise Conflict("you already have a seat", rule="one_seat_per_member")
    if uow.waitlist.of_member(resource_id, member.id) is not None:
        raise Conflict("you are already on the waitlist", rule="already_waiting")
    key = request.get("idempotency_key")
    if seats_taken(uow, resource_id) < capacity(programme, session) and \
            uow.waitlist.count(resource_id, "waiting") == 0:
        policies.check_active_limit(policy, "seat", uow.bookings.active_count(member.id, "seat"))
        booking = _seat(str(uuid.uuid4()), member.id, resource_id, programme, starts_at, ends_at, key, now)
        uow.bookings.add(booking)
        uow.emit("booking.confirmed", booking_data(booking, by=access.actor(caller)))
        uow.commit()
        return "booking", booking
    entry = WaitlistEntry(id=str(uuid.uuid4()), resource_id=resource_id, centre_id=programme.centre_id,
                          member_id=member.id, position=uow.waitlist.next_position(resource_id),
                          idempotency_key=key, created_at=now, updated_at=now)
    uow.waitlist.add(entry)
    uow.waitlist.place_in_line([entry])
    uow.emit("waitlist.joined", waitlist_data(entry))
    uow.commit()
    return "waitlist", entry


def _seat(booking_id, member_id, resource_id, programme, starts_at, ends_at, key, now):
    return Booking(id=booking_id, kind="seat", member_id=member_id, centre_id=programme.centre_id,
                   resource_id=resource_id, programme_id=programme.id, starts_at=starts_at,
                   ends_at=ends_at, hold_until=ends_at, state="confirmed", idempotency_key=key,
                   created_at=now, updated_at=now)


def offer_next(uow, resource_id, centre_id, policy, now):
    """Called with the resource locked, when a seat may have come free."""
    programme, session = _programme_and_session(uow, resource_id)
    if programme is None or seats_taken(uow, resource_id) >= capacity(programme, session):
        return None
    entry = uow.waitlist.first_waiting(resource_id)
    if entry is None:
        return None
    announce(uow, entry, entry.offer(now, policy.offer_hold))
    return entry


def announce(uow, entry, change):
    """Publish what a transition of `entry` did, with its place in line now."""
    uow.touch()  # written first: the place counts the line as it is now
    uow.waitlist.place_in_line([entry])
    uow.emit(change.event, waitlist_data(entry, **change.details))


def _programme_and_session(uow, resource_id):
    session = uow.copies.get("session", resource_id)
    programme = uow.copies.get("programme", session.programme_id if session else resource_id)
    return programme, session


def _own_entry(uow, caller, entry_id):
    entry = uow.waitlist.get(entry_id, for_update=True)  # the state checked is the state written over
    if entry is None:
        raise NotFound(f"waitlist entry {entry_id} not found", entity="waitlist_entry", id=entry_id)
    access.check_can_see_entry(caller, entry)
    return entry


def accept(uow, caller, entry_id, policy, now):
    """The offered member takes the held seat."""
    with uow:
        entry = _own_entry(uow, caller, entry_id)
        uow.lock(f"member:{entry.member_id}", lock_key(entry.resource_id))
        promoted = entry.accept(str(uuid.uuid4()), now)
        programme, session = _programme_and_session(uow, entry.resource_id)
        starts_at, ends_at = (session.starts_at, session.ends_at) if session else \
            _course_span(uow, programme)
        booking = _seat(entry.booking_id, entry.member_id, entry.resource_id, programme, starts_at,
                        ends_at, None, now)
        uow.bookings.add(booking)
        announce(uow, entry, promoted)
        uow.emit("booking.confirmed", booking_data(booking, by=access.actor(caller)))
        uow.commit()
        return booking


def decline(uow, caller, entry_id, policy, now):
    """Decline an offer, or leave the line while waiting."""
    with uow:
        entry = _own_entry(uow, caller, entry_id)
        leave(uow, entry, policy, now)
        uow.commit()
        return entry


def leave(uow, entry, policy, now):
    """Inside a unit of work: the entry leaves the line; a held offer passes on."""
    uow.lock(lock_key(entry.resource_id))
    was_offered = entry.state == "offered"
    announce(uow, entry, entry.withdraw(now))
    if was_offered:
        offer_next(uow, entry.resource_id, entry.centre_id, policy, now)


def expire_offer(uow, entry, policy, now):
    """Sweeper: an offer nobody answered in time passes to the next in line."""
    uow.lock(lock_key(entry.resource_id))
    if not entry.offer_expired(now):
        return False
    announce(uow, entry, entry.expire(now))
    offer_next(uow, entry.resource_id, entry.centre_id, policy, now)
    return True


"""Taking, changing and ending bookings. Every change that takes or frees
capacity locks the resource first (uow.lock), then counts, then writes: two
requests for one slot are serialised and the second sees the first."""
import uuid
from datetime import timedelta

from jastar_common import calendar
from jastar_common.errors import InvalidInput, NotFound, RuleBroken, SlotTaken

from . import access, availability, policies, waitlist
from .events import booking_data
from .model import Booking


def new_id():
    return str(uuid.uuid4())


def lock_key(kind, resource_id):
    """One lock per thing that can be over-booked: a specialist, a space, a
    session's (or course's) seats."""
    return f"{kind}:{resource_id}"


def _get_copy(uow, kind, obj_id, field):
    view = uow.copies.get(kind, obj_id) if obj_id else None
    if view is None:
        raise InvalidInput(f"unknown {kind}", fields={field: [f"no {kind} {obj_id!r}"]})
    return view


def _active_member(uow, member_id):
    member = uow.copies.get("member", member_id)
    if member is None:
        raise NotFound("member not known to booking yet", entity="member", id=member_id)
    if member.status != "active":
        raise RuleBroken("the member is not active", rule="member_not_active")
    return member


def _member_rules(uow, policy, member_id, kind, now):
    active, no_shows = uow.bookings.member_standing(member_id, kind, now - policy.no_show_window)
    policies.check_not_suspended(policy, no_shows, now)
    policies.check_active_limit(policy, kind, active)


def create(uow, caller, request, policy, now):
    """Book a consultation, space hours or a seat. Returns ("booking", Booking)
    or, when the seats are gone, ("waitlist", WaitlistEntry). A request whose
    idempotency key was used before returns the first result, unchanged."""
    member_id = access.member_for_request(caller, request.get("member_id"))
    key = request.get("idempotency_key")
    with uow:
        # under the member's lock: a concurrent retry then sees the first one's commit
        uow.lock(f"member:{member_id}")
        earlier = uow.bookings.earlier_request(member_id, key) if key else None
        if earlier is not None:
            what, earlier_id = earlier
            if what == "booking":
                return what, uow.bookings.get(earlier_id)
            entry = uow.waitlist.get(earlier_id)
            uow.waitlist.place_in_line([entry])
            return what, entry
        member = _active_member(uow, member_id)
        kind = request["kind"]
        if kind == "seat":
            return waitlist.take_seat(uow, caller, member, request, policy, now)
        _member_rules(uow, policy, member_id, kind, now)
        booking = (_consultation if kind == "consultation" else _space)(uow, caller, member_id, request,
                                                                        policy, now)
        booking.idempotency_key = key
        booking.changed_by = access.actor(caller)
        uow.bookings.add(booking)
        event = "booking.requested" if booking.state == "pending" else "booking.confirmed"
        uow.emit(event, booking_data(booking))
        uow.commit()
        return "booking", booking


def _consultation(uow, caller, member_id, request, policy, now):
    service = _get_copy(uow, "service", request.get("service_id"), "service_id")
    starts_at = request["starts_at"]
    ends_at = starts_at + timedelta(minutes=service.slot_minutes)
    policies.check_notice(policy, "book", starts_at, now)
    policies.check_window(policy, starts_at, now)
    candidates = _free_specialists_at(uow, service, request.get("specialist_id"), starts_at, now, policy)
    if not candidates:
        raise RuleBroken("no specialist gives this service at that time", rule="not_a_free_slot")
    for slot in candidates:
        access.check_centre_staff(caller, slot.centre_id)
        uow.lock(lock_key("consultation", slot.specialist_id))
        if not uow.bookings.overlapping(slot.specialist_id, starts_at, ends_at):
            return Booking(id=new_id(), kind="consultation", member_id=member_id,
                           centre_id=slot.centre_id, resource_id=slot.specialist_id,
                           service_id=service.id, starts_at=starts_at, ends_at=ends_at,
                           hold_until=ends_at, state="confirmed")
    raise SlotTaken("that slot was just taken", starts_at=starts_at.isoformat())


def _free_specialists_at(uow, service, specialist_id, starts_at, now, policy, excluding=None):
    """The slots at exactly starts_at that the schedules give, ignoring other
    bookings (those are checked under the lock)."""
    specialists = [s for s in uow.copies.all("specialist") if not specialist_id or s.id == specialist_id]
    schedules = [s for s in uow.copies.all("schedule") if s.specialist_id in {p.id for p in specialists}]
    centres = {c.id: c for c in uow.copies.all("centre")}
    day = calendar.local_date(starts_at)
    slots = availability.consultation_slots(
        service, specialists, schedules, centres, {}, day, day, now,
        timedelta(0), policy.window, calendar.days_off)
    return sorted((s for s in slots if s.starts_at == starts_at), key=lambda s: s.specialist_id)


def _space(uow, caller, member_id, request, policy, now):
    space = _get_copy(uow, "space", request.get("space_id"), "space_id")
    centre = _get_copy(uow, "centre", space.centre_id, "space_id")
    access.check_centre_staff(caller, space.centre_id)
    starts_at, ends_at = request["starts_at"], request.get("ends_at")
    if ends_at is None:
        raise InvalidInput("ends_at is required", fields={"ends_at": ["required for space bookings"]})
    policies.check_notice(policy, "book", starts_at, now)
    availability.check_space_request(space, centre, starts_at, ends_at, now,
                                     policy.min_notice_book, policy.window,
                                     calendar.days_off)
    _space_quota(uow, policy, member_id, space, starts_at, ends_at)
    hold_until = availability.hold_until(space, ends_at)
    uow.lock(lock_key("space", space.id))
    if len(uow.bookings.overlapping(space.id, starts_at, hold_until)) >= space.capacity:
        raise SlotTaken("the space is full then", starts_at=starts_at.isoformat())
    return Booking(id=new_id(), kind="space", member_id=member_id, centre_id=space.centre_id,
                   resource_id=space.id, starts_at=starts_at, ends_at=ends_at, hold_until=hold_until,
                   state="pending" if space.needs_approval else "confirmed")


def _space_quota(uow, policy, member_id, space, starts_at, ends_at, excluding=None):
    if policy.space_hours_per_week.get(space.kind) is None:
        return  # no quota for this kind of space
    week_start, week_end = policies.local_week(starts_at)
    same_kind = [s.id for s in uow.copies.all("space") if s.kind == space.kind]
    used = uow.bookings.member_minutes(member_id, same_kind, week_start, week_end, excluding)
    policies.check_space_quota(policy, space.kind, used, (ends_at - starts_at).total_seconds() // 60)


def get(uow, caller, booking_id):
    with uow:
        return _visible(uow, caller, booking_id)


def _visible(uow, caller, booking_id, for_change=False):
    """The booking if the caller may see it; for a change, read under its row
    lock so the state checked is the state written over."""
    booking = uow.bookings.get(booking_id, for_update=for_change)
    if booking is None:
        raise NotFound(f"booking {booking_id} not found", entity="booking", id=booking_id)
    access.check_can_see(caller, booking)
    return booking


def cancel(uow, caller, booking_id, reason, policy, now):
    """Cancel; members keep the minimum notice, staff may cancel any time. A
    freed seat is offered to the first in the waitlist in the same transaction."""
    with uow:
        booking = _visible(uow, caller, booking_id, for_change=True)
        uow.lock(lock_key(booking.kind, booking.resource_id))
        booking.check_may("cancel")
        if access.keeps_notice(caller):
            policies.check_notice(policy, "cancel", booking.starts_at, now)
        announce(uow, booking, booking.cancel(now, reason, by=access.actor(caller)))
        if booking.kind == "seat":
            waitlist.offer_next(uow, booking.resource_id, booking.centre_id, policy, now)
        uow.commit()
        return booking


def reschedule(uow, caller, booking_id, starts_at, ends_at, policy, now):
    """Move a consultation or space booking to a new time in one transaction:
    the old time is freed only if the new one is taken."""
    with uow:
        booking = _visible(uow, caller, booking_id, for_change=True)
        booking.check_movable()
        if access.keeps_notice(caller):
            policies.check_notice(policy, "change", booking.starts_at, now)
        policies.check_notice(policy, "book", starts_at, now)
        policies.check_window(policy, starts_at, now)
        uow.lock(f"member:{booking.member_id}")
        new_time = (_consultation_time if booking.kind == "consultation" else _space_time)(
            uow, booking, starts_at, ends_at, now, policy)
        announce(uow, booking, booking.reschedule(*new_time, now, by=access.actor(caller)))
        uow.commit()
        return booking


def _consultation_time(uow, booking, starts_at, ends_at, now, policy):
    """(starts_at, ends_at, hold_until) of the consultation moved, if free;
    its length is the service's slot (ends_at asked is ignored)."""
    service = _get_copy(uow, "service", booking.service_id, "service_id")
    slots = _free_specialists_at(uow, service, booking.resource_id, starts_at, now, policy)
    if not slots:
        raise RuleBroken("the specialist has no slot at that time", rule="not_a_free_slot")
    ends_at = starts_at + timedelta(minutes=service.slot_minutes)
    uow.lock(lock_key("consultation", booking.resource_id))
    if uow.bookings.overlapping(booking.resource_id, starts_at, ends_at, excluding=booking.id):
        raise SlotTaken("that slot is taken", starts_at=starts_at.isoformat())
    return starts_at, ends_at, ends_at


def _space_time(uow, booking, starts_at, ends_at, now, policy):
    """(starts_at, ends_at, hold_until) of the space hours moved, if free."""
    if ends_at is None:
        raise InvalidInput("ends_at is required", fields={"ends_at": ["required for space bookings"]})
    space = _get_copy(uow, "space", booking.resource_id, "space_id")
    centre = _get_copy(uow, "centre", space.centre_id, "space_id")
    availability.check_space_request(space, centre, starts_at, ends_at, now, policy.min_notice_book,
                                     policy.window, calendar.days_off)
    _space_quota(uow, policy, booking.member_id, space, starts_at, ends_at, excluding=booking.id)
    hold_until = availability.hold_until(space, ends_at)
    uow.lock(lock_key("space", space.id))
    if len(uow.bookings.overlapping(space.id, starts_at, hold_until, excluding=booking.id)) >= space.capacity:
        raise SlotTaken("the space is full then", starts_at=starts_at.isoformat())
    return starts_at, ends_at, hold_until


def check_in(uow, caller, booking_id, policy, now):
    """Staff check a member in, from shortly before the start to the end."""
    return _at_the_desk(uow, caller, booking_id, lambda booking: booking.check_in(now, policy.check_in_opens))


def release_member(uow, member_id, policy, now):
    """An erased member keeps no place ahead: bookings not yet started are
    cancelled and waitlist places left, freed seats going to the next in line.
    Past bookings stay, carrying only the member's id (anonymised)."""
    for booking in uow.bookings.for_member(member_id, limit=10_000):
        if booking.may("cancel") and booking.starts_at > now:
            uow.lock(lock_key(booking.kind, booking.resource_id))
            announce(uow, booking, booking.cancel(now, "member erased", by="system"))
            if booking.kind == "seat":
                waitlist.offer_next(uow, booking.resource_id, booking.centre_id, policy, now)
    for entry in uow.waitlist.for_member(member_id):
        if entry.in_line:
            waitlist.leave(uow, entry, policy, now)


def mark_no_show(uow, caller, booking_id, now):
    """Staff mark a member as not come (the sweeper does it after the grace)."""
    return _at_the_desk(uow, caller, booking_id, lambda booking: booking.mark_no_show(now))


def decide(uow, caller, booking_id, approve, reason, now):
    """Staff approve or reject a pending booking (spaces that need approval)."""
    return _at_the_desk(uow, caller, booking_id,
                        lambda booking: booking.approve(now) if approve else booking.reject(now, reason))


def _at_the_desk(uow, caller, booking_id, transition):
    """A change only the booking centre's staff make, under the resource's lock."""
    with uow:
        booking = _visible(uow, caller, booking_id, for_change=True)
        access.check_staff(caller, booking.centre_id)
        uow.lock(lock_key(booking.kind, booking.resource_id))
        announce(uow, booking, transition(booking))
        uow.commit()
        return booking


def announce(uow, booking, change):
    """Publish what a transition of `booking` did (through the outbox)."""
    uow.emit(change.event, booking_data(booking, **change.details))

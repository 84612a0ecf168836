"""The events booking publishes: its public contract (docs/asyncapi.yaml).

Every booking.* event's data: booking_id, member_id, kind (consultation,
space, seat), state, centre_id, resource_id (the specialist, space, session or
programme held), service_id, specialist_id, space_id, session_id, programme_id
(those that apply, else null), starts_at, ends_at (UTC ISO-8601), and where it
applies: reason, by (member, staff, system), previous_starts_at,
previous_ends_at (rescheduled).

Every waitlist.* event's data: entry_id, member_id, resource_id (a session or,
for whole courses, a programme), centre_id, position, state, and where it
applies: offer_expires_at (offered), booking_id (promoted).
"""
BOOKING_EVENTS = frozenset({
    "booking.requested", "booking.confirmed", "booking.rejected", "booking.cancelled",
    "booking.rescheduled", "booking.checked_in", "booking.no_show", "booking.completed",
})
WAITLIST_EVENTS = frozenset({
    "waitlist.joined", "waitlist.offered", "waitlist.offer_expired", "waitlist.promoted",
    "waitlist.declined", "waitlist.left",
})
EVENT_TYPES = BOOKING_EVENTS | WAITLIST_EVENTS

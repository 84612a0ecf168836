"""The facts that cross service boundaries, written once: the events (their
type is their routing key), the kinds of reference data, and the rules for a
member's fields. topology.py, the gateway's schemas and the services take
them from here; docs/asyncapi.yaml documents the events for integrators."""
from marshmallow import ValidationError, validate

from .phones import InvalidField, normalise_phone

# --- reference data: the registry's kinds, in the order one names the next
REFERENCE_KINDS = ("region", "district", "centre", "space", "partner", "service", "specialist",
                   "schedule", "programme", "session")
REFERENCE_VERBS = ("created", "updated", "closed")
# what booking books against, kept in its own copy (registry down, booking up)
BOOKING_COPIED_KINDS = ("centre", "space", "service", "specialist", "schedule", "programme",
                        "session")
# what reports groups its figures by
REPORTS_COPIED_KINDS = ("region", "district", "centre", "space", "partner", "service",
                        "specialist", "schedule")

# --- events, by the service that emits them
REFERENCE_EVENTS = frozenset(f"{kind}.{verb}" for kind in REFERENCE_KINDS for verb in REFERENCE_VERBS)
MEMBER_EVENTS = frozenset({"member.registered", "member.updated", "member.erased"})
BOOKING_EVENTS = frozenset({
    "booking.requested", "booking.confirmed", "booking.rejected", "booking.cancelled",
    "booking.rescheduled", "booking.checked_in", "booking.no_show", "booking.completed",
})
WAITLIST_EVENTS = frozenset({
    "waitlist.joined", "waitlist.offered", "waitlist.offer_expired", "waitlist.promoted",
    "waitlist.declined", "waitlist.left",
})
EVENT_TYPES = {  # notifications, reports and the gateway emit none
    "registry": REFERENCE_EVENTS | MEMBER_EVENTS,
    "booking": BOOKING_EVENTS | WAITLIST_EVENTS,
}


def every_event_of(*families):
    """Routing keys for all events of these families ("centre" -> "centre.*")."""
    return tuple(f"{family}.*" for family in families)


# --- a member's fields, wherever member input comes in
FULL_NAME = validate.Length(2, 200)
# the shape, as people write it ("8 701 234-56-78"): the gateway checks this
# much, the registry (PHONE) also that it is a Kazakh mobile number
PHONE_LENGTH = validate.Length(5, 40)
EMAIL = validate.Length(max=254)
TELEGRAM = validate.Length(max=100)
IIN = validate.Length(max=20)  # as typed: the registry strips spaces to 12 digits
LANGUAGES = ("kk", "ru")
LANGUAGE = validate.OneOf(LANGUAGES)


def _kazakh_mobile(value):
    try:
        normalise_phone(value)
    except InvalidField as err:
        raise ValidationError(err.message) from None


PHONE = validate.And(PHONE_LENGTH, _kazakh_mobile)

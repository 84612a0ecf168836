"""The life of a booking and of a waitlist place: every transition the tables
allow, and the refusals the API answers with (the same messages and fields)."""
from datetime import datetime, timedelta, timezone

import pytest

from jastar_booking.domain.model import (
    BOOKING_TRANSITIONS, STATES, WAITLIST_STATES, WAITLIST_TRANSITIONS, Booking, WaitlistEntry)
from jastar_common.errors import Conflict, RuleBroken

START = datetime(2026, 12, 2, 5, 0, tzinfo=timezone.utc)  # 10:00 in Almaty
OPENS = timedelta(minutes=30)


def booking(state="confirmed", kind="consultation"):
    return Booking(id="b1", kind=kind, member_id="m1", centre_id="c1", resource_id="sp1",
                   starts_at=START, ends_at=START + timedelta(minutes=30),
                   hold_until=START + timedelta(minutes=30), state=state)


def entry(state="waiting", expires=None):
    return WaitlistEntry(id="w1", resource_id="s1", centre_id="c1", member_id="m1", position=1,
                         state=state, offer_expires_at=expires)


NOW = START + timedelta(minutes=5)  # inside the check-in window, after the start
BOOKING_ACTIONS = {
    "approve": lambda b: b.approve(NOW),
    "reject": lambda b: b.reject(NOW, "full"),
    "cancel": lambda b: b.cancel(NOW, "ill", by="member"),
    "reschedule": lambda b: b.reschedule(START + timedelta(hours=1), START + timedelta(hours=2),
                                         START + timedelta(hours=2), NOW, by="staff"),
    "check_in": lambda b: b.check_in(NOW, OPENS),
    "mark_no_show": lambda b: b.mark_no_show(NOW),
    "complete": lambda b: b.complete(NOW),
}
EVENTS = {"approve": "booking.confirmed", "reject": "booking.rejected", "cancel": "booking.cancelled",
          "reschedule": "booking.rescheduled", "check_in": "booking.checked_in",
          "mark_no_show": "booking.no_show", "complete": "booking.completed"}
REFUSALS = {"approve": "is not waiting for approval", "reject": "is not waiting for approval",
            "cancel": "cannot be cancelled", "reschedule": "cannot be moved",
            "check_in": "cannot be checked in", "mark_no_show": "cannot be a no-show",
            "complete": "cannot be completed"}


def test_every_action_has_an_event_and_a_refusal():
    assert {action for action, _ in BOOKING_TRANSITIONS} == set(BOOKING_ACTIONS) == set(EVENTS)
    assert set(BOOKING_TRANSITIONS.values()) <= set(STATES)


@pytest.mark.parametrize(("action", "state"), sorted(BOOKING_TRANSITIONS))
def test_each_allowed_booking_transition(action, state):
    made = booking(state)
    change = BOOKING_ACTIONS[action](made)
    assert made.state == BOOKING_TRANSITIONS[action, state]
    assert change.event == EVENTS[action]
    assert made.updated_at == NOW


@pytest.mark.parametrize(("action", "state"), sorted(
    (action, state) for action in BOOKING_ACTIONS for state in STATES
    if (action, state) not in BOOKING_TRANSITIONS))
def test_each_refused_booking_transition_is_a_conflict_naming_the_state(action, state):
    made = booking(state)
    with pytest.raises(Conflict) as err:
        BOOKING_ACTIONS[action](made)
    assert str(err.value) == f"a {state} booking {REFUSALS[action]}"
    assert err.value.details == {"state": state}
    assert made.state == state  # unchanged


def test_a_change_records_who_and_why_and_the_event_says_so():
    made = booking("pending")
    change = made.reject(NOW, "the hall is closed")
    assert (made.reason, made.changed_by) == ("the hall is closed", "staff")
    assert change.details == {"reason": "the hall is closed", "by": "staff"}
    kept = booking("confirmed")
    kept.reason = "earlier"
    kept.cancel(NOW, None, by="system")
    assert kept.reason == "earlier"  # no reason given keeps the one there


def test_check_in_opens_before_the_start_and_closes_at_the_end():
    assert booking().check_in(START - OPENS, OPENS).event == "booking.checked_in"
    for too_early_or_late in (START - OPENS - timedelta(seconds=1), START + timedelta(minutes=30)):
        with pytest.raises(RuleBroken) as err:
            booking().check_in(too_early_or_late, OPENS)
        assert err.value.details["rule"] == "check_in_window"
    with pytest.raises(Conflict):  # the state is checked before the time
        booking("pending").check_in(START - timedelta(days=1), OPENS)


def test_no_show_only_once_started():
    with pytest.raises(RuleBroken) as err:
        booking().mark_no_show(START - timedelta(seconds=1))
    assert err.value.details["rule"] == "not_started"
    assert booking().mark_no_show(START).event == "booking.no_show"


def test_seats_are_not_moved_and_a_move_keeps_the_state():
    with pytest.raises(RuleBroken) as err:
        booking(kind="seat").check_movable()
    assert err.value.details["rule"] == "not_reschedulable"
    made = booking("pending")
    change = made.reschedule(START + timedelta(hours=1), START + timedelta(hours=2),
                             START + timedelta(hours=2, minutes=15), NOW, by="member")
    assert made.state == "pending" and made.hold_until == START + timedelta(hours=2, minutes=15)
    assert change.details == {"by": "member", "previous_starts_at": START,
                              "previous_ends_at": START + timedelta(minutes=30)}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", ["consultation", "space", "seat"])
def test_a_member_may_cancel_or_move_until_the_notice_and_only_what_the_table_allows(kind, state):
    held = booking(state, kind)
    hour, two = timedelta(hours=1), timedelta(hours=2)
    assert held.cancel_until(hour) == (START - hour if ("cancel", state) in BOOKING_TRANSITIONS else None)
    movable = kind != "seat" and ("reschedule", state) in BOOKING_TRANSITIONS
    assert held.move_until(two) == (START - two if movable else None)


def test_active_bookings_hold_their_resource():
    assert [s for s in STATES if booking(s).is_active] == ["pending", "confirmed", "checked_in"]


# --- waitlist places

LATER = NOW + timedelta(hours=12)
WAITLIST_ACTIONS = {
    "offer": lambda e: e.offer(NOW, timedelta(hours=12)),
    "accept": lambda e: e.accept("b9", NOW),
    "withdraw": lambda e: e.withdraw(NOW),
    "expire": lambda e: e.expire(LATER),
}
WAITLIST_EVENTS = {("offer", "waiting"): "waitlist.offered", ("accept", "offered"): "waitlist.promoted",
                   ("withdraw", "waiting"): "waitlist.left", ("withdraw", "offered"): "waitlist.declined",
                   ("expire", "offered"): "waitlist.offer_expired"}
WAITLIST_REFUSALS = {"offer": "no one waiting", "accept": "no open offer",
                     "withdraw": "nothing to decline", "expire": "no expired offer"}


@pytest.mark.parametrize(("action", "state"), sorted(WAITLIST_TRANSITIONS))
def test_each_allowed_waitlist_transition(action, state):
    place = entry(state, expires=LATER if state == "offered" else None)
    change = WAITLIST_ACTIONS[action](place)
    assert place.state == WAITLIST_TRANSITIONS[action, state]
    assert change.event == WAITLIST_EVENTS[action, state]


@pytest.mark.parametrize(("action", "state"), sorted(
    (action, state) for action in WAITLIST_ACTIONS for state in WAITLIST_STATES
    if (action, state) not in WAITLIST_TRANSITIONS))
def test_each_refused_waitlist_transition_is_a_conflict_naming_the_state(action, state):
    place = entry(state, expires=LATER)
    with pytest.raises(Conflict) as err:
        WAITLIST_ACTIONS[action](place)
    assert str(err.value) == f"{WAITLIST_REFUSALS[action]} ({state})"
    assert err.value.details == {"state": state}
    assert place.state == state


def test_an_offer_is_held_then_expires():
    place = entry()
    change = place.offer(NOW, timedelta(hours=12))
    assert change.details == {"offer_expires_at": LATER} and place.offer_expires_at == LATER
    assert not place.offer_expired(LATER - timedelta(seconds=1))
    with pytest.raises(Conflict):
        place.expire(LATER - timedelta(seconds=1))
    with pytest.raises(RuleBroken) as err:
        place.accept("b9", LATER)
    assert err.value.details["rule"] == "offer_expired" and place.state == "offered"
    assert place.expire(LATER).event == "waitlist.offer_expired"


def test_an_accepted_offer_names_its_booking():
    place = entry("offered", expires=LATER)
    assert place.accept("b9", NOW).details == {"booking_id": "b9"}
    assert (place.state, place.booking_id, place.in_line) == ("accepted", "b9", False)

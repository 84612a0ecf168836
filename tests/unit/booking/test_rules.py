"""Booking's rules at their edges, through its use cases on the fake unit of
work, at a fixed moment: no broker, no database (tests/service/booking keeps
what rests on them: locks, idempotency, paging, the RPC boundary)."""
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from jastar_booking import schemas
from jastar_booking.domain import bookings, copies, queries, sweeper, waitlist
from jastar_booking.domain.model import Booking
from jastar_booking.domain.policies import Policy
from jastar_common.caller import SYSTEM, Caller
from jastar_common.envelope import Envelope
from jastar_common.errors import Conflict, NotAllowed, NotFound, RuleBroken

from ...service.booking import world
from ...service.booking.world import local
from .fakes import FakeBookingUnitOfWork

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)  # Tuesday, 08:00 in Almaty
DAY = NOW.date() + timedelta(days=2)
POLICY = Policy(max_active_per_kind={"consultation": 100, "space": 100, "seat": 10})


def a_world(**more):
    uow = FakeBookingUnitOfWork()
    world.load(uow, DAY, members=60, **more)
    return uow


@pytest.fixture
def uow():
    return a_world()


def member(member_id):
    return Caller("member", member_id)


def staff(*centre_ids):
    return Caller("staff", "desk-1", centre_ids)


def studio(member_id, start, end, **more):
    return {"kind": "space", "member_id": member_id, "space_id": "studio", "starts_at": start,
            "ends_at": end, **more}


def consultation(member_id, start, **more):
    return {"kind": "consultation", "member_id": member_id, "service_id": "svc", "starts_at": start, **more}


def seat(member_id, **more):
    return {"kind": "seat", "member_id": member_id, "session_id": "s1", **more}


def book(uow, request, caller=SYSTEM, now=NOW, policy=POLICY):
    return bookings.create(uow, caller, request, policy, now)[1]


def rule_of(excinfo):
    return excinfo.value.details.get("rule")


def test_studio_hours_per_week_quota_at_its_edge(uow):
    book(uow, studio("m-002", local(DAY, 10), local(DAY, 13)))
    book(uow, studio("m-002", local(DAY, 14), local(DAY, 15)))  # exactly 4 h
    with pytest.raises(RuleBroken) as err:
        book(uow, studio("m-002", local(DAY, 16), local(DAY, 16, 30)))
    assert rule_of(err) == "space_hours_per_week"


def _past_no_shows(uow, member_id, days_ago):
    for ago in days_ago:
        start = NOW - timedelta(days=ago)
        uow.bookings.add(Booking(id=str(uuid.uuid4()), kind="consultation", member_id=member_id,
                                 centre_id="c1", resource_id="sp2", starts_at=start,
                                 ends_at=start + timedelta(minutes=30), hold_until=start + timedelta(minutes=30),
                                 state="no_show", created_at=start, updated_at=start))
    uow.commit()


def test_three_no_shows_in_ninety_days_suspend_new_bookings(uow):
    _past_no_shows(uow, "m-003", [5, 40, 80])
    _past_no_shows(uow, "m-004", [5, 40, 91])  # the third is outside the 90 days
    with pytest.raises(RuleBroken) as err:
        book(uow, consultation("m-003", local(DAY, 12)))
    assert rule_of(err) == "suspended"
    assert book(uow, consultation("m-004", local(DAY, 12))).state == "confirmed"


def test_booking_window_and_minimum_notice(uow):
    far, near = date(2027, 1, 3), NOW.date() + timedelta(days=29)  # 1 and 2 January are days off
    with pytest.raises(RuleBroken) as err:
        book(uow, studio("m-005", local(far, 10), local(far, 11)))
    assert rule_of(err) == "booking_window"
    assert book(uow, studio("m-005", local(near, 10), local(near, 11)))
    # an hour's notice: 09:00 today is too soon, 09:30 is not
    today = NOW.date()
    with pytest.raises(RuleBroken) as err:
        book(uow, studio("m-006", local(today, 8, 30), local(today, 9, 30)))
    assert rule_of(err) == "min_notice"
    assert book(uow, studio("m-006", local(today, 9), local(today, 10)))


def test_bookings_around_midnight_in_almaty(uow):
    late = book(uow, studio("m-007", local(DAY, 23), local(DAY, 23) + timedelta(hours=1)))
    assert late.ends_at == datetime.combine(DAY, datetime.min.time(), timezone.utc) + timedelta(hours=19)
    with pytest.raises(RuleBroken) as err:
        book(uow, studio("m-008", local(DAY, 23, 30), local(DAY, 23, 30) + timedelta(hours=1)))
    assert rule_of(err) == "outside_opening_hours"
    day_list, total = queries.centre_day(uow, staff("c1"), "c1", DAY)
    assert [b.id for b in day_list] == [late.id] and total == 1


def test_members_see_and_change_only_their_own_bookings(uow):
    own = book(uow, consultation(None, local(DAY, 13)), member("m-010"))
    with pytest.raises(NotAllowed):
        book(uow, consultation("m-011", local(DAY, 14)), member("m-010"))
    theirs = member("m-011")
    with pytest.raises(NotFound):
        bookings.get(uow, theirs, own.id)
    with pytest.raises(NotFound):
        bookings.cancel(uow, theirs, own.id, "not mine", POLICY, NOW)
    assert queries.member_bookings(uow, theirs, "m-010") == ([], 0)  # reads their own instead
    with pytest.raises(NotFound):
        bookings.check_in(uow, staff("another-centre"), own.id, POLICY, NOW)
    assert bookings.get(uow, SYSTEM, own.id).state == "confirmed"


def test_spaces_needing_approval_wait_for_staff(uow):
    hall = book(uow, {"kind": "space", "member_id": "m-030", "space_id": "hall",
                      "starts_at": local(DAY, 10), "ends_at": local(DAY, 12)})
    assert hall.state == "pending"
    with pytest.raises(Conflict):  # a pending booking holds the hall
        book(uow, {"kind": "space", "member_id": "m-031", "space_id": "hall",
                   "starts_at": local(DAY, 11), "ends_at": local(DAY, 12)})
    with pytest.raises(NotAllowed):
        bookings.decide(uow, member("m-030"), hall.id, True, None, NOW)
    assert bookings.decide(uow, staff("c1"), hall.id, True, None, NOW).state == "confirmed"
    with pytest.raises(Conflict) as err:
        bookings.decide(uow, staff("c1"), hall.id, False, "too late", NOW)
    assert str(err.value) == "a confirmed booking is not waiting for approval"
    assert [t for t, _ in uow.events("booking.")] == ["booking.requested", "booking.confirmed"]


def test_one_seat_per_member_and_eligibility(uow):
    copies.resync(uow, "member", [{"member_id": "m-050", "status": "active", "categories": [],
                                   "birth_date": world.birthday_years_ago(DAY, 36).isoformat()},
                                  {"member_id": "m-051", "status": "active", "categories": [],
                                   "birth_date": world.birthday_years_ago(DAY, 35).isoformat()}], NOW)
    book(uow, seat("m-051"))
    with pytest.raises(Conflict) as err:
        book(uow, seat("m-051"))
    assert rule_of(err) == "one_seat_per_member"
    with pytest.raises(RuleBroken) as err:
        book(uow, seat("m-050"))
    assert rule_of(err) == "age"


def test_where_a_member_booked_is_told_to_staff_only_among_their_centres(uow):
    made = book(uow, consultation("m-004", local(DAY, 12)))
    bookings.cancel(uow, SYSTEM, made.id, None, POLICY, NOW)  # had a booking: still counts
    assert queries.member_centres(uow, SYSTEM, "m-004") == ["c1"]
    assert queries.member_centres(uow, SYSTEM, "m-005") == []
    assert queries.member_centres(uow, staff("c1"), "m-004") == ["c1"]
    assert queries.member_centres(uow, staff("c2"), "m-004") == []


def test_members_cancel_with_notice_and_staff_at_any_time(uow):
    soon = book(uow, consultation("m-012", local(NOW.date(), 9, 30)))  # 90 minutes ahead
    with pytest.raises(RuleBroken) as err:
        bookings.cancel(uow, member("m-012"), soon.id, None, POLICY, NOW + timedelta(minutes=31))
    assert rule_of(err) == "min_notice"
    cancelled = bookings.cancel(uow, staff("c1"), soon.id, "ill", POLICY, NOW + timedelta(minutes=89))
    assert (cancelled.state, cancelled.changed_by, cancelled.reason) == ("cancelled", "staff", "ill")
    with pytest.raises(Conflict) as err:
        bookings.cancel(uow, staff("c1"), soon.id, None, POLICY, NOW)
    assert str(err.value) == "a cancelled booking cannot be cancelled"
    [(_, data)] = uow.events("booking.cancelled")
    assert (data["by"], data["reason"], data["state"]) == ("staff", "ill", "cancelled")


# --- after a booking is made: offers, check-in and what time does

@pytest.fixture
def full_course():
    """One seat, taken; two in line."""
    uow = a_world(seats=1)
    taken = book(uow, seat("m-000"))
    second, third = book(uow, seat("m-001")), book(uow, seat("m-002"))
    return uow, taken, second, third


def test_an_offer_accepted_becomes_a_seat_and_a_declined_one_passes_on(full_course):
    uow, taken, second, third = full_course
    assert (second.place, third.place) == (1, 2)
    bookings.cancel(uow, SYSTEM, taken.id, "ill", POLICY, NOW)
    waitlist.decline(uow, member("m-001"), second.id, POLICY, NOW)
    booked = waitlist.accept(uow, member("m-002"), third.id, POLICY, NOW)
    assert (booked.state, booked.member_id, booked.kind) == ("confirmed", "m-002", "seat")
    with pytest.raises(Conflict) as err:
        waitlist.accept(uow, member("m-002"), third.id, POLICY, NOW)
    assert str(err.value) == "no open offer (accepted)"
    assert [t for t, _ in uow.events("waitlist.")] == [
        "waitlist.joined", "waitlist.joined", "waitlist.offered", "waitlist.declined",
        "waitlist.offered", "waitlist.promoted"]
    assert uow.events("waitlist.promoted")[0][1]["booking_id"] == booked.id


def test_no_one_else_may_accept_an_offer_and_an_expired_one_passes_on(full_course):
    uow, taken, second, third = full_course
    bookings.cancel(uow, SYSTEM, taken.id, None, POLICY, NOW)
    with pytest.raises(NotFound):
        waitlist.accept(uow, member("m-002"), second.id, POLICY, NOW)
    later = NOW + POLICY.offer_hold
    with pytest.raises(RuleBroken) as err:
        waitlist.accept(uow, member("m-001"), second.id, POLICY, later)
    assert rule_of(err) == "offer_expired"
    assert sweeper.sweep(uow, POLICY, later)["offers_expired"] == 1
    assert [t for t, _ in uow.events("waitlist.o")] == [
        "waitlist.offered", "waitlist.offer_expired", "waitlist.offered"]
    assert uow.events("waitlist.offered")[-1][1]["entry_id"] == third.id


def test_unattended_bookings_become_no_shows_and_attended_ones_complete(uow):
    start = local(DAY, 10)
    attended = book(uow, consultation("m-040", start, specialist_id="sp1"))
    missed = book(uow, consultation("m-041", start, specialist_id="sp2"))
    desk = staff("c1")
    with pytest.raises(RuleBroken) as err:  # far too early to check in
        bookings.check_in(uow, desk, attended.id, POLICY, NOW)
    assert rule_of(err) == "check_in_window"
    with pytest.raises(RuleBroken) as err:
        bookings.mark_no_show(uow, desk, missed.id, NOW)
    assert rule_of(err) == "not_started"
    bookings.check_in(uow, desk, attended.id, POLICY, start + timedelta(minutes=5))
    assert sweeper.sweep(uow, POLICY, start + timedelta(minutes=14))["no_shows"] == 0  # still in grace
    done = sweeper.sweep(uow, POLICY, start + timedelta(minutes=31))
    assert done == {"offers_expired": 0, "no_shows": 1, "unapproved": 0, "completed": 1}
    states = {d["booking_id"]: (t, d["by"]) for t, d in uow.events("booking.")
              if t in ("booking.no_show", "booking.completed")}
    assert states == {missed.id: ("booking.no_show", "system"), attended.id: ("booking.completed", "system")}
    assert sweeper.sweep(uow, POLICY, start + timedelta(hours=2)) == dict.fromkeys(done, 0)


def test_unapproved_bookings_are_rejected_at_their_start(uow):
    hall = book(uow, {"kind": "space", "member_id": "m-032", "space_id": "hall",
                      "starts_at": local(DAY, 10), "ends_at": local(DAY, 12)})
    assert sweeper.sweep(uow, POLICY, local(DAY, 10))["unapproved"] == 0  # not before the start
    assert sweeper.sweep(uow, POLICY, local(DAY, 10, 1))["unapproved"] == 1
    [(_, data)] = uow.events("booking.rejected")
    assert (data["booking_id"], data["reason"]) == (hall.id, "not approved before the start")


def test_an_erased_member_keeps_no_place_ahead_and_the_seat_passes_on(full_course):
    uow, taken, second, third = full_course
    book(uow, seat("m-003"))  # a fourth in line, erased with m-000
    erased = [Envelope(type="member.erased", source="registry", data={"member_id": m})
              for m in ("m-000", "m-003")]
    for envelope in erased:
        copies.apply_registry_event(
            uow, envelope, on_erased=lambda uow, member_id: bookings.release_member(uow, member_id, POLICY, NOW))
    assert [(d["booking_id"], d["reason"]) for _, d in uow.events("booking.cancelled")] == [
        (taken.id, "member erased")]
    assert [d["entry_id"] for _, d in uow.events("waitlist.offered")] == [second.id]
    assert [d["member_id"] for _, d in uow.events("waitlist.left")] == ["m-003"]
    assert not copies.apply_registry_event(uow, erased[0])  # a duplicate changes nothing


def test_only_the_centres_staff_see_the_line(full_course):
    uow = full_course[0]
    for caller in (staff("another-centre"), member("m-001")):
        with pytest.raises(NotAllowed):
            queries.resource_waitlist(uow, caller, "s1")
    line, total = queries.resource_waitlist(uow, staff("c1"), "s1")
    assert [(e.member_id, e.place) for e in line] == [("m-001", 1), ("m-002", 2)] and total == 2


def test_a_programmes_seats_answer_what_is_left_and_who_waits(full_course):
    uow = full_course[0]
    answer = schemas.ProgrammeSeatsSchema().dump(queries.programme_seats(uow, "course"))
    assert answer == {"programme_id": "course", "whole_course": False, "items": [
        {"resource_id": "s1", "seats_left": 0, "waiting": 2,
         "starts_at": local(DAY, 10).isoformat()}]}  # as the registry gave it

"""Free slots of specialists and spaces, and space-request rules (pure functions)."""
from datetime import date, datetime, timedelta, timezone

import pytest

from jastar_booking.domain.availability import (
    centre_closed_on,
    check_slot_request,
    check_space_request,
    consultation_slots,
    hold_until,
    opening_intervals,
    seats_left,
    space_slots,
    working_intervals,
)
from jastar_booking.domain.model import CentreView, ScheduleView, ServiceView, Slot, SpaceView, SpecialistView
from jastar_common.calendar import days_off, to_utc
from jastar_common.errors import RuleBroken

UTC = timezone.utc
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONDAY = date(2026, 6, 1)  # a Monday with no holiday around it
NOW = datetime(2026, 5, 25, 0, 0, tzinfo=UTC)  # a week before, well inside the window
NOTICE = timedelta(minutes=60)
WINDOW = timedelta(days=30)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def local(*args):
    """Almaty wall-clock time as aware UTC (UTC+5)."""
    return to_utc(datetime(*args))


def no_days_off(year):
    return set()


def every_day(*pairs):
    return {key: [list(pair) for pair in pairs] for key in DAYS}


def centre(hours=None, **kw):
    return CentreView(id=kw.pop("id", "talgar-yrc"), status=kw.pop("status", "open"),
                      opening_hours=hours if hours is not None else every_day(("09:00", "18:00")), **kw)


def schedule(weekly=None, **kw):
    return ScheduleView(id=kw.pop("id", "sch-1"), specialist_id=kw.pop("specialist_id", "sp-1"),
                        centre_id=kw.pop("centre_id", "talgar-yrc"),
                        weekly=weekly if weekly is not None else every_day(("09:00", "18:00")), **kw)


def service(**kw):
    defaults = dict(id="career", topic="career", slot_minutes=60, centre_ids=("talgar-yrc",), status="open")
    return ServiceView(**{**defaults, **kw})


def specialist(id="sp-1", **kw):
    return SpecialistView(id=id, service_ids=kw.pop("service_ids", ("career",)), status=kw.pop("status", "open"))


def space(**kw):
    defaults = dict(id="cowork-1", centre_id="talgar-yrc", kind="coworking", capacity=20, grid_minutes=30,
                    min_minutes=30, max_minutes=240, buffer_minutes=0, needs_approval=False, status="open")
    return SpaceView(**{**defaults, **kw})


def slots_for(day, *, svc=None, specialists=None, schedules=None, centres=None, busy=None,
              now=NOW, notice=NOTICE, window=WINDOW, days_off_for=no_days_off, date_to=None):
    centres = centres or {"talgar-yrc": centre()}
    return consultation_slots(svc or service(), specialists or [specialist()], schedules or [schedule()],
                              centres, busy or {}, day, date_to or day, now, notice, window, days_off_for)


def starts(slots):
    return [s.starts_at for s in slots]


def rule_of(excinfo):
    return excinfo.value.details["rule"]


# --- centres ----------------------------------------------------------------


def test_a_centre_is_closed_when_not_open_on_a_day_off_or_a_closed_date():
    assert not centre_closed_on(centre(), MONDAY, set())
    assert centre_closed_on(centre(status="planned"), MONDAY, set())
    assert centre_closed_on(centre(), MONDAY, {MONDAY})
    assert centre_closed_on(centre(closed_dates=("2026-06-01",)), MONDAY, set())
    assert centre_closed_on(centre(closed_dates=(MONDAY,)), MONDAY, set())
    assert not centre_closed_on(centre(closed_dates=("2026-06-02",)), MONDAY, set())


def test_opening_intervals_are_utc_for_the_weekday_and_24_00_is_midnight():
    hours = {"mon": [["20:00", "24:00"], ["09:00", "13:00"]], "tue": [["10:00", "11:00"]]}
    assert opening_intervals(centre(hours), MONDAY) == [
        (local(2026, 6, 1, 9), local(2026, 6, 1, 13)),
        (utc(2026, 6, 1, 15), utc(2026, 6, 1, 19)),  # 20:00-24:00 local is 15:00-19:00 UTC
    ]
    assert opening_intervals(centre(hours), MONDAY + timedelta(days=6)) == []  # Sunday: no key


# --- working intervals --------------------------------------------------------


def test_working_hours_are_the_schedule_within_the_opening_hours():
    sch = schedule(every_day(("08:00", "12:00"), ("14:00", "20:00")))
    assert working_intervals(sch, centre(), MONDAY, set()) == [
        (local(2026, 6, 1, 9), local(2026, 6, 1, 12)),
        (local(2026, 6, 1, 14), local(2026, 6, 1, 18)),
    ]


def test_no_working_hours_on_a_closed_day_or_for_a_closed_schedule():
    assert working_intervals(schedule(), centre(), MONDAY, {MONDAY}) == []
    assert working_intervals(schedule(), centre(closed_dates=("2026-06-01",)), MONDAY, set()) == []
    assert working_intervals(schedule(status="closed"), centre(), MONDAY, set()) == []


def test_valid_from_and_valid_to_are_inclusive():
    sch = schedule(valid_from=date(2026, 6, 2), valid_to=date(2026, 6, 4))
    assert working_intervals(sch, centre(), date(2026, 6, 1), set()) == []
    assert working_intervals(sch, centre(), date(2026, 6, 2), set()) != []
    assert working_intervals(sch, centre(), date(2026, 6, 4), set()) != []
    assert working_intervals(sch, centre(), date(2026, 6, 5), set()) == []


def test_leave_for_part_of_a_day_cuts_that_part_out():
    sch = schedule(exceptions=({"date": "2026-06-01", "kind": "leave", "start": "11:00", "end": "13:30"},))
    assert working_intervals(sch, centre(), MONDAY, set()) == [
        (local(2026, 6, 1, 9), local(2026, 6, 1, 11)),
        (local(2026, 6, 1, 13, 30), local(2026, 6, 1, 18)),
    ]
    # other days untouched
    assert working_intervals(sch, centre(), MONDAY + timedelta(days=1), set()) == [
        (local(2026, 6, 2, 9), local(2026, 6, 2, 18))]


def test_leave_without_times_takes_the_whole_day():
    sch = schedule(exceptions=({"date": MONDAY, "kind": "leave", "start": None, "end": None},))
    assert working_intervals(sch, centre(), MONDAY, set()) == []


def test_extra_hours_are_added_but_clipped_to_opening_hours_and_merged():
    weekly = {"mon": [["09:00", "12:00"]]}
    sch = schedule(weekly, exceptions=(
        {"date": "2026-06-01", "kind": "extra", "start": "11:00", "end": "14:00"},  # joins the morning
        {"date": "2026-06-01", "kind": "extra", "start": "17:00", "end": "21:00"},  # centre shuts at 18
    ))
    assert working_intervals(sch, centre(), MONDAY, set()) == [
        (local(2026, 6, 1, 9), local(2026, 6, 1, 14)),
        (local(2026, 6, 1, 17), local(2026, 6, 1, 18)),
    ]


def test_extra_hours_on_a_day_without_weekly_hours():
    sch = schedule({"tue": [["09:00", "12:00"]]},
                   exceptions=({"date": "2026-06-01", "kind": "extra", "start": "15:00", "end": "16:00"},))
    assert working_intervals(sch, centre(), MONDAY, set()) == [(local(2026, 6, 1, 15), local(2026, 6, 1, 16))]


def test_extra_hours_do_not_open_a_closed_centre():
    sch = schedule(exceptions=({"date": "2026-12-16", "kind": "extra", "start": "10:00", "end": "12:00"},))
    assert working_intervals(sch, centre(), date(2026, 12, 16), days_off(2026)) == []


# --- consultation slots --------------------------------------------------------


def test_slots_are_laid_end_to_end_and_must_fit_the_interval():
    sch = schedule({"mon": [["09:00", "11:30"]]})
    slots = slots_for(MONDAY, schedules=[sch])
    assert slots == [
        Slot(local(2026, 6, 1, 9), local(2026, 6, 1, 10), "talgar-yrc", specialist_id="sp-1"),
        Slot(local(2026, 6, 1, 10), local(2026, 6, 1, 11), "talgar-yrc", specialist_id="sp-1"),
    ]  # 11:00-12:00 would overrun 11:30


def test_slots_around_midnight_in_almaty():
    c = centre({"mon": [["20:00", "24:00"]]})
    sch = schedule({"mon": [["20:00", "24:00"]]})
    slots = slots_for(MONDAY, svc=service(slot_minutes=30), schedules=[sch], centres={"talgar-yrc": c})
    assert len(slots) == 8
    assert slots[0].starts_at == utc(2026, 6, 1, 15, 0)
    last = slots[-1]  # 23:30-24:00 local on Monday 1 June
    assert (last.starts_at, last.ends_at) == (utc(2026, 6, 1, 18, 30), utc(2026, 6, 1, 19, 0))
    # dates are local: the Tuesday (no hours) gives nothing, though its UTC
    # day 1 June 19:00-24:00 is the same calendar date as Monday's slots
    assert slots_for(MONDAY + timedelta(days=1), svc=service(slot_minutes=30), schedules=[sch],
                     centres={"talgar-yrc": c}) == []


def test_a_local_date_starts_at_19_00_utc_the_day_before():
    c = centre({"tue": [["00:00", "02:00"]]})
    sch = schedule({"tue": [["00:00", "02:00"]]})
    slots = slots_for(date(2026, 6, 2), schedules=[sch], centres={"talgar-yrc": c})
    assert starts(slots) == [utc(2026, 6, 1, 19), utc(2026, 6, 1, 20)]


def test_independence_day_gives_no_slots():
    now = utc(2026, 12, 10)
    holiday = slots_for(date(2026, 12, 16), now=now, days_off_for=days_off)
    assert holiday == []
    assert slots_for(date(2026, 12, 15), now=now, days_off_for=days_off) != []


def test_only_specialists_giving_an_open_service_in_its_centres():
    specialists = [specialist("sp-1"), specialist("sp-2", service_ids=("legal",)),
                   specialist("sp-3", status="closed"), specialist("sp-4")]
    schedules = [schedule(id=f"s{i}", specialist_id=f"sp-{i}") for i in (1, 2, 3)]
    schedules.append(schedule(id="s4", specialist_id="sp-4", centre_id="other-yrc"))
    centres = {"talgar-yrc": centre(), "other-yrc": centre(id="other-yrc")}
    slots = slots_for(MONDAY, specialists=specialists, schedules=schedules, centres=centres)
    assert {s.specialist_id for s in slots} == {"sp-1"}
    assert slots_for(MONDAY, svc=service(status="closed")) == []


def test_slots_of_several_specialists_sorted_by_start_then_specialist():
    schedules = [schedule(id="a", specialist_id="sp-b", weekly={"mon": [["09:00", "11:00"]]}),
                 schedule(id="b", specialist_id="sp-a", weekly={"mon": [["10:00", "11:00"]]})]
    slots = slots_for(MONDAY, specialists=[specialist("sp-a"), specialist("sp-b")], schedules=schedules)
    assert [(s.starts_at, s.specialist_id) for s in slots] == [
        (local(2026, 6, 1, 9), "sp-b"), (local(2026, 6, 1, 10), "sp-a"), (local(2026, 6, 1, 10), "sp-b")]


def test_busy_intervals_of_different_lengths_remove_the_overlapped_slots():
    sch = schedule({"mon": [["09:00", "15:00"]]})
    busy = {"sp-1": [
        (local(2026, 6, 1, 9, 30), local(2026, 6, 1, 9, 45)),   # inside 09-10
        (local(2026, 6, 1, 11, 30), local(2026, 6, 1, 13, 30)),  # across 11-12, 12-13 and 13-14
    ], "sp-other": [(local(2026, 6, 1, 14), local(2026, 6, 1, 15))]}
    slots = slots_for(MONDAY, schedules=[sch], busy=busy)
    assert starts(slots) == [local(2026, 6, 1, 10), local(2026, 6, 1, 14)]


def test_touching_busy_intervals_do_not_overlap():
    sch = schedule({"mon": [["09:00", "12:00"]]})
    busy = {"sp-1": [(local(2026, 6, 1, 9), local(2026, 6, 1, 10)),  # exactly the first slot
                     (local(2026, 6, 1, 11, 30), local(2026, 6, 1, 12, 30))]}
    assert starts(slots_for(MONDAY, schedules=[sch], busy=busy)) == [local(2026, 6, 1, 10)]
    busy = {"sp-1": [(local(2026, 6, 1, 8), local(2026, 6, 1, 9)),  # ends as 09:00 begins
                     (local(2026, 6, 1, 12), local(2026, 6, 1, 13))]}  # starts as 11:00-12:00 ends
    assert len(slots_for(MONDAY, schedules=[sch], busy=busy)) == 3


def test_min_notice_edge():
    sch = schedule({"mon": [["09:00", "12:00"]]})
    now = local(2026, 6, 1, 9) - NOTICE  # 09:00 slot exactly at now + min notice
    assert starts(slots_for(MONDAY, schedules=[sch], now=now))[0] == local(2026, 6, 1, 9)
    later = now + timedelta(minutes=1)  # 09:00 is now a minute short of the notice
    assert starts(slots_for(MONDAY, schedules=[sch], now=later))[0] == local(2026, 6, 1, 10)


def test_booking_window_edge():
    sch = schedule({"mon": [["09:00", "12:00"]]})
    now = local(2026, 6, 1, 10) - WINDOW  # 10:00 is exactly at the window's end
    assert starts(slots_for(MONDAY, schedules=[sch], now=now)) == [local(2026, 6, 1, 9), local(2026, 6, 1, 10)]
    now -= timedelta(minutes=1)
    assert starts(slots_for(MONDAY, schedules=[sch], now=now)) == [local(2026, 6, 1, 9)]


def test_a_date_range_is_inclusive_and_far_days_never_reach_the_calendar():
    def strict(year):
        if year != 2026:
            raise ValueError("unknown year")
        return set()
    slots = slots_for(MONDAY, date_to=date(2099, 1, 1), days_off_for=strict,
                      schedules=[schedule({"mon": [["09:00", "10:00"]], "tue": [["09:00", "10:00"]]})])
    # Mondays and Tuesdays from 1 June until the window closes (24 June 00:00 UTC)
    assert [s.starts_at.date() for s in slots] == [
        date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 8), date(2026, 6, 9),
        date(2026, 6, 15), date(2026, 6, 16), date(2026, 6, 22), date(2026, 6, 23)]


def test_check_slot_request():
    free = slots_for(MONDAY)
    check_slot_request(local(2026, 6, 1, 10), local(2026, 6, 1, 11), free)
    with pytest.raises(RuleBroken) as err:
        check_slot_request(local(2026, 6, 1, 10, 30), local(2026, 6, 1, 11, 30), free)
    assert rule_of(err) == "not_a_free_slot"
    with pytest.raises(RuleBroken):
        check_slot_request(local(2026, 6, 1, 10), local(2026, 6, 1, 12), free)


# --- space slots ------------------------------------------------------------


def space_cells(sp=None, c=None, busy=(), day=MONDAY, now=NOW, days_off_for=no_days_off,
                include_full=False):
    return space_slots(sp or space(), c or centre({"mon": [["09:00", "12:00"]]}), list(busy), day, day,
                       now, NOTICE, WINDOW, days_off_for, include_full)


def test_full_space_hours_show_with_free_0_only_when_asked():
    room = space(id="studio", capacity=1)
    busy = [(local(2026, 6, 1, 10), local(2026, 6, 1, 11))] * 2  # over-booked: still 0, never -1
    plain = {c.starts_at: c.free for c in space_cells(room, busy=busy)}
    full = {c.starts_at: c.free for c in space_cells(room, busy=busy, include_full=True)}
    assert local(2026, 6, 1, 10) not in plain and local(2026, 6, 1, 10, 30) not in plain
    assert full == {**plain, local(2026, 6, 1, 10): 0, local(2026, 6, 1, 10, 30): 0}
    assert starts(space_cells(room, busy=busy, include_full=True)) == sorted(full)
    # closed days and hours outside notice and window stay out: they are not "full"
    assert space_cells(space(status="closed"), include_full=True) == []


def test_space_cells_follow_the_grid_from_each_opening_interval():
    c = centre({"mon": [["09:15", "10:30"], ["14:00", "15:00"]]})
    cells = space_cells(c=c)
    assert starts(cells) == [local(2026, 6, 1, 9, 15), local(2026, 6, 1, 9, 45),
                             local(2026, 6, 1, 14), local(2026, 6, 1, 14, 30)]  # 10:15-10:45 overruns
    assert all(cell.free == 20 and cell.space_id == "cowork-1" and cell.specialist_id is None for cell in cells)


def test_coworking_capacity_counts_overlapping_bookings():
    at_10 = (local(2026, 6, 1, 10), local(2026, 6, 1, 10, 30))
    cells = {c.starts_at: c.free for c in space_cells(busy=[at_10] * 19)}
    assert cells[local(2026, 6, 1, 10)] == 1
    assert cells[local(2026, 6, 1, 9, 30)] == 20  # touching, not overlapping
    cells = {c.starts_at: c.free for c in space_cells(busy=[at_10] * 20)}
    assert local(2026, 6, 1, 10) not in cells
    assert cells[local(2026, 6, 1, 10, 30)] == 20


def test_busy_of_different_lengths_on_a_room():
    room = space(id="studio", kind="recording_studio", capacity=1, min_minutes=60)
    busy = [(local(2026, 6, 1, 9, 10), local(2026, 6, 1, 9, 20)),
            (local(2026, 6, 1, 10), local(2026, 6, 1, 11, 15))]
    assert starts(space_cells(room, busy=busy)) == [local(2026, 6, 1, 9, 30), local(2026, 6, 1, 11, 30)]


def test_the_buffer_blocks_the_cell_after_a_booking():
    room = space(capacity=1, buffer_minutes=15)
    ends = local(2026, 6, 1, 10)
    assert hold_until(room, ends) == local(2026, 6, 1, 10, 15)
    busy = [(local(2026, 6, 1, 9), hold_until(room, ends))]
    assert starts(space_cells(room, busy=busy)) == [local(2026, 6, 1, 10, 30), local(2026, 6, 1, 11),
                                                    local(2026, 6, 1, 11, 30)]
    no_buffer = [(local(2026, 6, 1, 9), hold_until(space(capacity=1), ends))]
    assert local(2026, 6, 1, 10) in starts(space_cells(room, busy=no_buffer))


def test_no_space_cells_when_closed_not_yet_opened_or_on_a_holiday():
    assert space_cells(space(status="closed")) == []
    assert space_cells(space(opens_on=date(2026, 6, 2))) == []
    assert space_cells(space(opens_on=MONDAY)) != []
    assert space_cells(c=centre({"mon": [["09:00", "12:00"]]}, status="closed")) == []
    holiday = date(2026, 12, 16)
    c = centre(every_day(("09:00", "12:00")))
    assert space_cells(c=c, day=holiday, now=utc(2026, 12, 10), days_off_for=days_off) == []


def test_space_cells_respect_notice_and_window():
    now = local(2026, 6, 1, 10) - NOTICE
    assert starts(space_cells(now=now))[0] == local(2026, 6, 1, 10)
    now = local(2026, 6, 1, 10) - WINDOW
    assert starts(space_cells(now=now))[-1] == local(2026, 6, 1, 10)


# --- space requests -----------------------------------------------------------


def request(sp=None, c=None, start=None, end=None, now=NOW, days_off_for=no_days_off):
    c = c or centre({"mon": [["09:00", "18:00"]], "sun": [["20:00", "24:00"]]})
    start = start or local(2026, 6, 1, 10)
    end = end or start + timedelta(hours=1)
    check_space_request(sp or space(), c, start, end, now, NOTICE, WINDOW, days_off_for)


def refused(**kw):
    with pytest.raises(RuleBroken) as err:
        request(**kw)
    return rule_of(err)


def test_a_good_space_request_passes():
    request()
    request(start=local(2026, 6, 1, 9), end=local(2026, 6, 1, 13))  # max 240 minutes
    request(start=local(2026, 6, 1, 17, 30), end=local(2026, 6, 1, 18))  # min 30, to closing
    request(start=local(2026, 5, 31, 23), end=local(2026, 6, 1, 0))  # up to midnight


def test_space_not_open():
    assert refused(sp=space(status="closed")) == "space_not_open"
    assert refused(sp=space(opens_on=date(2026, 6, 2))) == "space_not_open"


def test_centre_closed():
    assert refused(c=centre(closed_dates=("2026-06-01",))) == "centre_closed"
    assert refused(c=centre(status="planned")) == "centre_closed"
    assert refused(start=local(2026, 12, 16, 10), now=utc(2026, 12, 10), days_off_for=days_off) == "centre_closed"


def test_outside_opening_hours():
    assert refused(start=local(2026, 6, 1, 8, 30)) == "outside_opening_hours"
    assert refused(start=local(2026, 6, 1, 17, 30), end=local(2026, 6, 1, 18, 30)) == "outside_opening_hours"
    split = centre({"mon": [["09:00", "12:00"], ["13:00", "18:00"]]})
    assert refused(c=split, start=local(2026, 6, 1, 11), end=local(2026, 6, 1, 14)) == "outside_opening_hours"


def test_a_booking_may_not_cross_midnight():
    c = centre({"sun": [["20:00", "24:00"]], "mon": [["00:00", "04:00"]]})
    assert refused(c=c, start=local(2026, 5, 31, 23, 30), end=local(2026, 6, 1, 0, 30)) == "outside_opening_hours"


def test_off_grid_is_measured_from_the_interval_start():
    assert refused(start=local(2026, 6, 1, 10, 15)) == "off_grid"
    assert refused(start=local(2026, 6, 1, 10), end=local(2026, 6, 1, 10, 45)) == "off_grid"
    c = centre({"mon": [["09:15", "18:00"]]})
    request(c=c, start=local(2026, 6, 1, 10, 15))
    assert refused(c=c, start=local(2026, 6, 1, 10)) == "off_grid"


def test_duration():
    assert refused(start=local(2026, 6, 1, 9), end=local(2026, 6, 1, 13, 30)) == "duration"
    assert refused(sp=space(min_minutes=60), end=local(2026, 6, 1, 10, 30)) == "duration"


def test_min_notice_and_window_edges():
    start = local(2026, 6, 1, 10)
    request(start=start, now=start - NOTICE)
    assert refused(start=start, now=start - NOTICE + timedelta(minutes=1)) == "min_notice"
    request(start=start, now=start - WINDOW)
    assert refused(start=start, now=start - WINDOW - timedelta(minutes=1)) == "booking_window"


def test_the_first_fault_is_reported():
    # closed space on a closed day, off the grid and too late: the space's fault comes first
    assert refused(sp=space(status="closed"), c=centre(status="closed"),
                   start=local(2026, 6, 1, 10, 5), now=local(2026, 6, 1, 10)) == "space_not_open"
    assert refused(start=local(2026, 6, 1, 10, 5), now=local(2026, 6, 1, 10)) == "off_grid"


def test_far_future_request_is_outside_the_window():
    with pytest.raises(RuleBroken) as err:
        request(start=local(2040, 6, 4, 10), days_off_for=days_off)
    assert rule_of(err) == "booking_window"


def test_seats_left_never_below_zero():
    assert seats_left(10, 3) == 7
    assert seats_left(10, 10) == 0
    assert seats_left(10, 12) == 0

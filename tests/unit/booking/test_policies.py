"""Configurable booking policies (pure functions)."""
from datetime import date, datetime, timedelta, timezone

import pytest

from jastar_booking.domain.model import MemberView, ProgrammeView
from jastar_booking.domain.policies import (
    Policy,
    age_on,
    check_active_limit,
    check_eligibility,
    check_not_suspended,
    check_notice,
    check_space_quota,
    check_window,
    local_week,
    suspended_until,
)
from jastar_common.calendar import to_utc
from jastar_common.errors import RuleBroken

UTC = timezone.utc
POLICY = Policy()
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def local(*args):
    return to_utc(datetime(*args))


def rule(call, *args):
    with pytest.raises(RuleBroken) as err:
        call(*args)
    return err.value.details


# --- Policy and settings ------------------------------------------------------


def test_defaults():
    assert POLICY.max_active_per_kind == {"consultation": 3, "space": 3, "seat": 10}
    assert POLICY.space_hours_per_week == {"recording_studio": 4, "podcast_zone": 4}
    assert (POLICY.no_show_limit, POLICY.no_show_window, POLICY.suspension) == (
        3, timedelta(days=90), timedelta(days=30))
    assert (POLICY.min_notice_book, POLICY.min_notice_change, POLICY.min_notice_cancel) == (
        timedelta(minutes=60), timedelta(minutes=120), timedelta(minutes=60))
    assert POLICY.window == timedelta(days=30)
    assert POLICY.no_show_grace == timedelta(minutes=15)
    assert POLICY.offer_hold == timedelta(hours=12)
    assert POLICY.check_in_opens == timedelta(minutes=30)


def getter(values):
    seen = []

    def get(key, default=None, cast=None):
        seen.append(key)
        value = values.get(key)
        if value in (None, ""):
            return default
        return cast(value) if cast else value
    get.seen = seen
    return get


def test_from_settings_with_nothing_set_gives_the_defaults():
    get = getter({})
    assert Policy.from_settings(get) == Policy()
    assert set(get.seen) == {
        "BOOKING_MAX_ACTIVE_CONSULTATION", "BOOKING_MAX_ACTIVE_SPACE", "BOOKING_MAX_ACTIVE_SEAT",
        "BOOKING_STUDIO_HOURS_PER_WEEK", "BOOKING_PODCAST_HOURS_PER_WEEK",
        "BOOKING_NO_SHOW_LIMIT", "BOOKING_NO_SHOW_WINDOW_DAYS", "BOOKING_SUSPENSION_DAYS",
        "BOOKING_MIN_NOTICE_BOOK_MINUTES", "BOOKING_MIN_NOTICE_CHANGE_MINUTES",
        "BOOKING_MIN_NOTICE_CANCEL_MINUTES", "BOOKING_WINDOW_DAYS", "BOOKING_NO_SHOW_GRACE_MINUTES",
        "BOOKING_OFFER_HOLD_HOURS", "BOOKING_CHECK_IN_OPENS_MINUTES"}
    for key in get.seen:
        assert key in Policy.from_settings.__doc__


def test_from_settings_reads_env_style_strings():
    policy = Policy.from_settings(getter({
        "BOOKING_MAX_ACTIVE_CONSULTATION": "5", "BOOKING_MAX_ACTIVE_SEAT": "2",
        "BOOKING_STUDIO_HOURS_PER_WEEK": "6", "BOOKING_PODCAST_HOURS_PER_WEEK": "unlimited",
        "BOOKING_NO_SHOW_LIMIT": "4", "BOOKING_NO_SHOW_WINDOW_DAYS": "60", "BOOKING_SUSPENSION_DAYS": "14",
        "BOOKING_MIN_NOTICE_BOOK_MINUTES": "30", "BOOKING_MIN_NOTICE_CHANGE_MINUTES": "240",
        "BOOKING_MIN_NOTICE_CANCEL_MINUTES": "0", "BOOKING_WINDOW_DAYS": "14",
        "BOOKING_NO_SHOW_GRACE_MINUTES": "10", "BOOKING_OFFER_HOLD_HOURS": "24",
        "BOOKING_CHECK_IN_OPENS_MINUTES": "45",
    }))
    assert policy.max_active_per_kind == {"consultation": 5, "space": 3, "seat": 2}
    assert policy.space_hours_per_week == {"recording_studio": 6, "podcast_zone": None}
    assert policy.no_show_limit == 4
    assert policy.no_show_window == timedelta(days=60)
    assert policy.suspension == timedelta(days=14)
    assert policy.min_notice_book == timedelta(minutes=30)
    assert policy.min_notice_change == timedelta(hours=4)
    assert policy.min_notice_cancel == timedelta(0)
    assert policy.window == timedelta(days=14)
    assert policy.no_show_grace == timedelta(minutes=10)
    assert policy.offer_hold == timedelta(hours=24)
    assert policy.check_in_opens == timedelta(minutes=45)


# --- active bookings -----------------------------------------------------------


@pytest.mark.parametrize("kind,limit", [("consultation", 3), ("space", 3), ("seat", 10)])
def test_active_limit_edge(kind, limit):
    check_active_limit(POLICY, kind, limit - 1)
    details = rule(check_active_limit, POLICY, kind, limit)
    assert details == {"rule": "max_active_bookings", "kind": kind, "limit": limit, "active": limit}


def test_active_limit_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        check_active_limit(POLICY, "sauna", 0)


# --- weekly quota --------------------------------------------------------------


def test_local_week_runs_monday_to_monday_in_almaty():
    # Sunday 23:30 local (18:30 UTC) is still the week of Monday 1 June
    assert local_week(local(2026, 6, 7, 23, 30)) == (utc(2026, 5, 31, 19), utc(2026, 6, 7, 19))
    # Monday 00:30 local is Sunday 19:30 UTC, but already the next week
    assert local_week(utc(2026, 6, 7, 19, 30)) == (utc(2026, 6, 7, 19), utc(2026, 6, 14, 19))
    assert local_week(utc(2026, 6, 7, 19)) == (utc(2026, 6, 7, 19), utc(2026, 6, 14, 19))


def test_quota_exactly_at_the_limit_is_allowed_one_minute_over_is_not():
    check_space_quota(POLICY, "recording_studio", 180, 60)
    check_space_quota(POLICY, "podcast_zone", 0, 240)
    details = rule(check_space_quota, POLICY, "recording_studio", 181, 60)
    assert details["rule"] == "space_hours_per_week"
    assert details["limit_hours"] == 4 and details["remaining_minutes"] == 59


def test_other_space_kinds_have_no_quota():
    check_space_quota(POLICY, "coworking", 10_000, 600)


# --- no-shows -------------------------------------------------------------------


def test_three_no_shows_in_90_days_suspend_for_30_days_from_the_last():
    times = [NOW - timedelta(days=80), NOW - timedelta(days=20), NOW - timedelta(days=5)]
    assert suspended_until(POLICY, times, NOW) == NOW + timedelta(days=25)
    details = rule(check_not_suspended, POLICY, times, NOW)
    assert details["rule"] == "suspended"
    assert details["until"] == (NOW + timedelta(days=25)).isoformat()


def test_two_no_shows_do_not_suspend():
    times = [NOW - timedelta(days=2), NOW - timedelta(days=1)]
    assert suspended_until(POLICY, times, NOW) is None
    check_not_suspended(POLICY, times, NOW)


def test_a_no_show_91_days_old_no_longer_counts():
    times = [NOW - timedelta(days=91), NOW - timedelta(days=10), NOW - timedelta(days=1)]
    assert suspended_until(POLICY, times, NOW) is None
    exactly_90 = [NOW - timedelta(days=90), NOW - timedelta(days=10), NOW - timedelta(days=1)]
    assert suspended_until(POLICY, exactly_90, NOW) is None  # window is (now - 90 days, now]
    just_inside = [NOW - timedelta(days=90) + timedelta(minutes=1)] + exactly_90[1:]
    assert suspended_until(POLICY, just_inside, NOW) == NOW + timedelta(days=29)


def test_suspension_ending_exactly_now_is_over():
    last = NOW - timedelta(days=30)
    times = [last - timedelta(days=2), last - timedelta(days=1), last]
    assert suspended_until(POLICY, times, NOW) is None
    check_not_suspended(POLICY, times, NOW)
    assert suspended_until(POLICY, times, NOW - timedelta(seconds=1)) == NOW


def test_future_no_shows_are_not_counted():
    times = [NOW - timedelta(days=2), NOW - timedelta(days=1), NOW + timedelta(days=1)]
    assert suspended_until(POLICY, times, NOW) is None


# --- notice and window ------------------------------------------------------------


@pytest.mark.parametrize("action,minutes", [("book", 60), ("change", 120), ("cancel", 60)])
def test_notice_edges(action, minutes):
    starts_at = NOW + timedelta(minutes=minutes)
    check_notice(POLICY, action, starts_at, NOW)
    details = rule(check_notice, POLICY, action, starts_at - timedelta(minutes=1), NOW)
    assert details["rule"] == "min_notice"
    assert details["action"] == action and details["min_notice_minutes"] == minutes


def test_notice_unknown_action():
    with pytest.raises(ValueError):
        check_notice(POLICY, "move", NOW + timedelta(days=1), NOW)


def test_window_edge():
    check_window(POLICY, NOW + timedelta(days=30), NOW)
    details = rule(check_window, POLICY, NOW + timedelta(days=30, minutes=1), NOW)
    assert details["rule"] == "booking_window" and details["window_days"] == 30


# --- age and eligibility -------------------------------------------------------------


def test_age_in_full_years():
    born = date(2010, 6, 15)
    assert age_on(born, date(2024, 6, 14)) == 13
    assert age_on(born, date(2024, 6, 15)) == 14
    assert age_on(born, date(2025, 1, 1)) == 14


def test_a_29_february_birthday_counts_on_1_march_in_other_years():
    born = date(2008, 2, 29)
    assert age_on(born, date(2022, 2, 28)) == 13
    assert age_on(born, date(2022, 3, 1)) == 14
    assert age_on(born, date(2024, 2, 28)) == 15
    assert age_on(born, date(2024, 2, 29)) == 16


def programme(**kw):
    defaults = dict(id="prog-1", centre_id="talgar-yrc", kind="course", capacity=20, min_age=14, max_age=35,
                    target_group=None, whole_course=False, status="open")
    return ProgrammeView(**{**defaults, **kw})


def member(birth_date, **kw):
    return MemberView(id="m-1", status=kw.pop("status", "active"), birth_date=birth_date, **kw)


SESSION = local(2026, 9, 1, 10)


@pytest.mark.parametrize("birth_date,age,allowed", [
    (date(2012, 9, 2), 13, False),  # 14 tomorrow
    (date(2012, 9, 1), 14, True),   # 14th birthday today
    (date(1991, 9, 1), 35, True),   # 35th birthday today
    (date(1990, 9, 2), 35, True),   # 36 tomorrow
    (date(1990, 9, 1), 36, False),  # 36th birthday today
])
def test_ages_on_the_exact_birthday(birth_date, age, allowed):
    m = member(birth_date)
    if allowed:
        check_eligibility(programme(), m, SESSION)
    else:
        details = rule(check_eligibility, programme(), m, SESSION)
        assert details["rule"] == "age" and details["age"] == age
        assert (details["min_age"], details["max_age"]) == (14, 35)


def test_age_is_taken_on_the_sessions_local_date():
    # 1 Sep 02:00 in Almaty is still 31 Aug in UTC: the 14th birthday counts
    session = local(2026, 9, 1, 2)
    assert session.date() == date(2026, 8, 31)
    check_eligibility(programme(), member(date(2012, 9, 1)), session)
    # and 31 Aug 23:00 local is 31 Aug in UTC too, a day short
    assert rule(check_eligibility, programme(), member(date(2012, 9, 1)), local(2026, 8, 31, 23))["rule"] == "age"


def test_unknown_birth_date_fails_the_age_rule():
    assert rule(check_eligibility, programme(), member(None), SESSION)["rule"] == "age"


def test_target_group():
    p = programme(target_group="neet")
    check_eligibility(p, member(date(2000, 1, 1), categories=("student", "neet")), SESSION)
    details = rule(check_eligibility, p, member(date(2000, 1, 1), categories=("student",)), SESSION)
    assert details == {"rule": "target_group", "target_group": "neet"}
    check_eligibility(programme(), member(date(2000, 1, 1)), SESSION)  # no target group: anyone


def test_member_not_active_comes_first():
    details = rule(check_eligibility, programme(target_group="neet"), member(None, status="erased"), SESSION)
    assert details["rule"] == "member_not_active"

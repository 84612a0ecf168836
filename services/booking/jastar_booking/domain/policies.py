"""Booking rules with configurable limits: pure functions over a `Policy`.

Each check returns None or raises RuleBroken whose details['rule'] names
the rule broken ("max_active_bookings", "space_hours_per_week",
"suspended", "min_notice", "booking_window", "member_not_active", "age",
"target_group"). Datetimes are timezone-aware UTC; weeks and birthdays are
counted in Almaty local time.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from jastar_common.calendar import local_date, to_utc
from jastar_common.errors import RuleBroken

from .model import KINDS

__all__ = [
    "Policy",
    "check_active_limit",
    "local_week",
    "check_space_quota",
    "suspended_until",
    "check_not_suspended",
    "check_notice",
    "check_window",
    "age_on",
    "check_eligibility",
]

_UNLIMITED = {"", "none", "null", "unlimited", "off", "-"}


def _hours_or_none(value):
    """Cast for the weekly-hours settings: a number of hours, or 'unlimited'/'none'."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip().lower()
    if text in _UNLIMITED:
        return None
    hours = float(text)
    return int(hours) if hours == int(hours) else hours


def _default_max_active():
    return {"consultation": 3, "space": 3, "seat": 10}


def _default_space_hours():
    return {"recording_studio": 4, "podcast_zone": 4}


@dataclass(frozen=True)
class Policy:
    """The configurable limits of booking.

    max_active_per_kind: active bookings (pending, confirmed, checked in) a
        member may hold per kind; a kind missing or None is unlimited.
    space_hours_per_week: hours a member may book per local week, by space
        kind; kinds not listed (or None) are unlimited.
    no_show_limit / no_show_window / suspension: that many no-shows within
        the window suspend the member for `suspension` after the latest.
    min_notice_book / _change / _cancel: how long before the start a
        booking may still be made, changed or cancelled by the member.
    window: how far ahead bookings may start.
    no_show_grace: after the start, how long before an unchecked booking
        counts as a no-show.
    offer_hold: how long a waitlist offer is held for the member.
    check_in_opens: how long before the start check-in opens.
    """

    max_active_per_kind: dict = field(default_factory=_default_max_active)
    space_hours_per_week: dict = field(default_factory=_default_space_hours)
    no_show_limit: int = 3
    no_show_window: timedelta = timedelta(days=90)
    suspension: timedelta = timedelta(days=30)
    min_notice_book: timedelta = timedelta(minutes=60)
    min_notice_change: timedelta = timedelta(minutes=120)
    min_notice_cancel: timedelta = timedelta(minutes=60)
    window: timedelta = timedelta(days=30)
    no_show_grace: timedelta = timedelta(minutes=15)
    offer_hold: timedelta = timedelta(hours=12)
    check_in_opens: timedelta = timedelta(minutes=30)

    @classmethod
    def from_settings(cls, get):
        """A Policy from env-style settings; `get(key, default, cast)` as in
        jastar_common.config.setting (returns `default` when unset).

        Keys (default in brackets):
          BOOKING_MAX_ACTIVE_CONSULTATION   [3]   active consultation bookings per member
          BOOKING_MAX_ACTIVE_SPACE          [3]   active space bookings per member
          BOOKING_MAX_ACTIVE_SEAT           [10]  active programme seats per member
          BOOKING_STUDIO_HOURS_PER_WEEK     [4]   recording_studio hours per member per week
          BOOKING_PODCAST_HOURS_PER_WEEK    [4]   podcast_zone hours per member per week
              (a number of hours, may be fractional; "unlimited" or "none" lifts the quota)
          BOOKING_NO_SHOW_LIMIT             [3]   no-shows that suspend a member
          BOOKING_NO_SHOW_WINDOW_DAYS       [90]  ... counted over this many days
          BOOKING_SUSPENSION_DAYS           [30]  suspension after the latest of them
          BOOKING_MIN_NOTICE_BOOK_MINUTES   [60]  least notice to book
          BOOKING_MIN_NOTICE_CHANGE_MINUTES [120] least notice to change a booking
          BOOKING_MIN_NOTICE_CANCEL_MINUTES [60]  least notice to cancel
          BOOKING_WINDOW_DAYS               [30]  how far ahead a booking may start
          BOOKING_NO_SHOW_GRACE_MINUTES     [15]  minutes after the start before a no-show
          BOOKING_OFFER_HOLD_HOURS          [12]  how long a waitlist offer is held
          BOOKING_CHECK_IN_OPENS_MINUTES    [30]  minutes before the start check-in opens
        """
        d = cls()

        def minutes(key, default):
            return timedelta(minutes=get(key, default / timedelta(minutes=1), float))

        def hours(key, default):
            return timedelta(hours=get(key, default / timedelta(hours=1), float))

        def days(key, default):
            return timedelta(days=get(key, default / timedelta(days=1), float))

        max_active = dict(d.max_active_per_kind)
        for kind in KINDS:
            max_active[kind] = get(f"BOOKING_MAX_ACTIVE_{kind.upper()}", max_active.get(kind), int)
        space_hours = dict(d.space_hours_per_week)
        space_hours["recording_studio"] = get(
            "BOOKING_STUDIO_HOURS_PER_WEEK", space_hours["recording_studio"], _hours_or_none)
        space_hours["podcast_zone"] = get(
            "BOOKING_PODCAST_HOURS_PER_WEEK", space_hours["podcast_zone"], _hours_or_none)
        return cls(
            max_active_per_kind=max_active,
            space_hours_per_week=space_hours,
            no_show_limit=get("BOOKING_NO_SHOW_LIMIT", d.no_show_limit, int),
            no_show_window=days("BOOKING_NO_SHOW_WINDOW_DAYS", d.no_show_window),
            suspension=days("BOOKING_SUSPENSION_DAYS", d.suspension),
            min_notice_book=minutes("BOOKING_MIN_NOTICE_BOOK_MINUTES", d.min_notice_book),
            min_notice_change=minutes("BOOKING_MIN_NOTICE_CHANGE_MINUTES", d.min_notice_change),
            min_notice_cancel=minutes("BOOKING_MIN_NOTICE_CANCEL_MINUTES", d.min_notice_cancel),
            window=days("BOOKING_WINDOW_DAYS", d.window),
            no_show_grace=minutes("BOOKING_NO_SHOW_GRACE_MINUTES", d.no_show_grace),
            offer_hold=hours("BOOKING_OFFER_HOLD_HOURS", d.offer_hold),
            check_in_opens=minutes("BOOKING_CHECK_IN_OPENS_MINUTES", d.check_in_opens),
        )

    def min_notice(self, action):
        """The least notice for "book", "change" or "cancel"."""
        try:
            return {"book": self.min_notice_book, "change": self.min_notice_change,
                    "cancel": self.min_notice_cancel}[action]
        except KeyError:
            raise ValueError(f"unknown action {action!r}; expected book, change or cancel") from None


def _iso(dt):
    return dt.astimezone(timezone.utc).isoformat()


def _minutes(delta):
    minutes = delta / timedelta(minutes=1)
    return int(minutes) if minutes == int(minutes) else minutes


# --- limits ------------------------------------------------------------------

def check_active_limit(policy, kind, active_count):
    """"max_active_bookings" when the member already holds the limit for `kind`."""
    if kind not in KINDS:
        raise ValueError(f"unknown booking kind {kind!r}")
    limit = policy.max_active_per_kind.get(kind)
    if limit is not None and active_count >= limit:
        raise RuleBroken(f"You already have {active_count} active {kind} bookings (limit {limit})",
                         rule="max_active_bookings", kind=kind, limit=limit, active=active_count)


def local_week(starts_at):
    """(start_utc, end_utc) of the Almaty week (Monday 00:00 to next Monday 00:00) holding starts_at."""
    day = local_date(starts_at)
    monday = day - timedelta(days=day.weekday())
    return (to_utc(datetime.combine(monday, time(0, 0))),
            to_utc(datetime.combine(monday + timedelta(days=7), time(0, 0))))


def check_space_quota(policy, space_kind, booked_minutes_this_week, requested_minutes):
    """"space_hours_per_week" when the member's minutes in this space kind
    during the local week of the booking (see local_week), plus the
    requested ones, go over the kind's weekly hours. Exactly at the quota
    is allowed."""
    hours = policy.space_hours_per_week.get(space_kind)
    if hours is None:
        return
    limit_minutes = hours * 60
    if booked_minutes_this_week + requested_minutes > limit_minutes:
        raise RuleBroken(f"Weekly limit of {hours} h for this space reached",
                         rule="space_hours_per_week", space_kind=space_kind, limit_hours=hours,
                         booked_minutes=booked_minutes_this_week, requested_minutes=requested_minutes,
                         remaining_minutes=max(0, limit_minutes - booked_minutes_this_week))


# --- no-shows ----------------------------------------------------------------

def suspended_until(policy, no_show_times, now):
    """When the member's suspension ends, or None if not suspended.

    No-shows counted are those in (now - no_show_window, now]. With at
    least no_show_limit of them, the member is suspended until the latest
    one + suspension, provided that is after now (ending exactly now means
    no longer suspended).
    """
    recent = [t for t in no_show_times if now - policy.no_show_window < t <= now]
    if policy.no_show_limit is None or len(recent) < policy.no_show_limit:
        return None
    until = max(recent) + policy.suspension
    return until if until > now else None


def check_not_suspended(policy, no_show_times, now):
    """"suspended" (details: until, no_shows) while suspended_until is set."""
    until = suspended_until(policy, no_show_times, now)
    if until is not None:
        raise RuleBroken("Booking is suspended after repeated no-shows", rule="suspended",
                         until=_iso(until), no_show_limit=policy.no_show_limit,
                         window_days=policy.no_show_window.days)


# --- timing ------------------------------------------------------------------

def check_notice(policy, action, starts_at, now):
    """"min_notice" when `action` ("book", "change" or "cancel") comes later
    than the policy's notice before starts_at. Exactly at the edge is allowed."""
    notice = policy.min_notice(action)
    if starts_at < now + notice:
        raise RuleBroken(f"Too late to {action}: at least {_minutes(notice)} minutes' notice needed",
                         rule="min_notice", action=action, min_notice_minutes=_minutes(notice),
                         starts_at=_iso(starts_at), latest=_iso(starts_at - notice))


def check_window(policy, starts_at, now):
    """"booking_window" when starts_at is after now + window (the edge itself is allowed)."""
    if starts_at > now + policy.window:
        raise RuleBroken(f"Bookings open {policy.window.days} days ahead", rule="booking_window",
                         window_days=policy.window.days, starts_at=_iso(starts_at),
                         latest=_iso(now + policy.window))


# --- eligibility -------------------------------------------------------------

def age_on(birth_date, day):
    """Full years on `day`; a 29 February birthday counts on 1 March in non-leap years."""
    if isinstance(day, datetime):
        raise TypeError("age_on expects a local date, not a datetime")
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def check_eligibility(programme, member, session_start):
    """"member_not_active", "age" (age on the session's local date outside
    [min_age, max_age]) or "target_group" (the programme has one and the
    member's categories lack it), checked in that order."""
    if member.status != "active":
        raise RuleBroken("The member's account is not active", rule="member_not_active",
                         member_id=member.id, status=member.status)
    if programme.min_age is not None or programme.max_age is not None:
        day = local_date(session_start)
        if member.birth_date is None:
            raise RuleBroken("Date of birth is needed for this programme", rule="age",
                             min_age=programme.min_age, max_age=programme.max_age, age=None)
        age = age_on(_as_date(member.birth_date), day)
        too_young = programme.min_age is not None and age < programme.min_age
        too_old = programme.max_age is not None and age > programme.max_age
        if too_young or too_old:
            raise RuleBroken(f"This programme is for ages {programme.min_age}-{programme.max_age}",
                             rule="age", age=age, min_age=programme.min_age,
                             max_age=programme.max_age, on=day.isoformat())
    if programme.target_group and programme.target_group not in (member.categories or ()):
        raise RuleBroken("This programme is for a particular group", rule="target_group",
                         target_group=programme.target_group)


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value))

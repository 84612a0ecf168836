"""A small, fixed world in booking's copy of the registry, for booking tests:
one centre open every day 08:00-24:00, a specialist giving 30-minute
consultations 08:00-20:00, a studio, a coworking, a course of sessions, and
many young members."""
from datetime import date, datetime, time, timedelta

from jastar_booking.domain import copies
from jastar_booking.repository import BookingUnitOfWork
from jastar_common import calendar
from jastar_common.database import make_engine, make_session_factory

EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def working_day(days_ahead=2):
    """A local date at least `days_ahead` days from today that is not a public day off."""
    day = datetime.now(calendar.ALMATY).date() + timedelta(days=days_ahead)
    while day in calendar.days_off(day.year):
        day += timedelta(days=1)
    return day


def local(day, hh, mm=0):
    return datetime.combine(day, time(hh, mm), tzinfo=calendar.ALMATY)


def items(session_day, members=250, seats=10, target_group=None):
    """The world's registry objects by kind, as the registry lists them."""
    return {
        "centre": [dict(id="c1", status="open", closed_dates=[],
                        opening_hours={d: [["08:00", "24:00"]] for d in EVERY_DAY})],
        "service": [dict(id="svc", topic="jobs", slot_minutes=30, centre_ids=["c1"], status="open")],
        "specialist": [dict(id="sp1", service_ids=["svc"], status="open"),
                       dict(id="sp2", service_ids=["svc"], status="open")],
        "schedule": [dict(id="sch1", specialist_id="sp1", centre_id="c1", status="open", exceptions=[],
                          weekly={d: [["08:00", "20:00"]] for d in EVERY_DAY}),
                     dict(id="sch2", specialist_id="sp2", centre_id="c1", status="open", exceptions=[],
                          weekly={d: [["08:00", "20:00"]] for d in EVERY_DAY})],
        "space": [dict(id="studio", centre_id="c1", kind="recording_studio", capacity=1, grid_minutes=30,
                       min_minutes=30, max_minutes=180, buffer_minutes=15, needs_approval=False,
                       status="open"),
                  dict(id="desks", centre_id="c1", kind="coworking", capacity=20, grid_minutes=60,
                       min_minutes=60, max_minutes=480, buffer_minutes=0, needs_approval=False,
                       status="open"),
                  dict(id="hall", centre_id="c1", kind="hall", capacity=1, grid_minutes=60,
                       min_minutes=60, max_minutes=240, buffer_minutes=0, needs_approval=True,
                       status="open")],
        "programme": [dict(id="course", centre_id="c1", kind="course", capacity=seats, min_age=14,
                           max_age=35, target_group=target_group, whole_course=False, status="open")],
        "session": [dict(id="s1", programme_id="course", centre_id="c1", capacity=None, status="open",
                         starts_at=local(session_day, 10).isoformat(),
                         ends_at=local(session_day, 12).isoformat())],
        "member": [dict(member_id=f"m-{n:03d}", status="active", birth_date="2000-01-01",
                        categories=[]) for n in range(members)],
    }


def load(unit_of_work, session_day, **more):
    """The world into booking's copy; `unit_of_work()` makes a unit of work."""
    read_at = datetime.now(calendar.ALMATY) - timedelta(days=1)
    for kind, rows in items(session_day, **more).items():
        copies.resync(unit_of_work(), kind, rows, read_at)


def build(url, members=250, seats=10, session_day=None, target_group=None):
    session_day = session_day or working_day()
    engine = make_engine(url, pool_size=1)
    factory = make_session_factory(engine)
    load(lambda: BookingUnitOfWork(factory, "booking"), session_day, members=members, seats=seats,
         target_group=target_group)
    engine.dispose()
    return session_day


def set_member(url, member_id, **fields):
    engine = make_engine(url, pool_size=1)
    factory = make_session_factory(engine)
    data = {"member_id": member_id, "status": "active", "birth_date": "2000-01-01", "categories": [],
            **fields}
    copies.resync(BookingUnitOfWork(factory, "booking"), "member", [data], datetime.now(calendar.ALMATY))
    engine.dispose()


def birthday_years_ago(day, years):
    """The birth date that makes someone exactly `years` old on `day`."""
    try:
        return date(day.year - years, day.month, day.day)
    except ValueError:  # 29 February
        return date(day.year - years, 3, 1)

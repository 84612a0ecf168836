"""A member's quiet hours (Almaty time, may cross midnight): non-urgent
messages due inside wait for the end of the window, urgent ones go at once;
the service's SMS window and the member's combine."""
from datetime import datetime, timedelta, timezone

import pytest

from jastar_common.caller import SYSTEM
from jastar_common.errors import InvalidInput
from jastar_common.validation import load
from jastar_notifications import schemas
from jastar_notifications.domain import services
from jastar_notifications.domain.localtime import parse_quiet_hours
from jastar_notifications.domain.quiet import is_urgent, send_after

from .fakes import FakeUnitOfWork

ALMATY = timezone(timedelta(hours=5))
NIGHT = {"from": "22:00", "to": "08:00"}  # crosses midnight
LUNCH = {"from": "13:00", "to": "14:00"}  # within one day


def at(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=ALMATY).astimezone(timezone.utc)


def reminder_after(now, quiet, channel="email", sms_quiet=None):
    return send_after(now, message_type="reminder", channel=channel, member_quiet=quiet, sms_quiet=sms_quiet)


@pytest.mark.parametrize("now, expected", [
    (at(1, 21, 59), at(1, 21, 59)),   # just before: goes
    (at(1, 22, 0), at(2, 8, 0)),      # the first minute is quiet
    (at(1, 23, 30), at(2, 8, 0)),     # before midnight: the next morning
    (at(2, 0, 0), at(2, 8, 0)),       # midnight itself
    (at(2, 7, 59), at(2, 8, 0)),      # after midnight: the same morning
    (at(2, 8, 0), at(2, 8, 0)),       # the end is not quiet
])
def test_a_window_across_midnight_holds_until_its_end(now, expected):
    assert reminder_after(now, NIGHT) == expected


@pytest.mark.parametrize("now, expected", [
    (at(1, 12, 59), at(1, 12, 59)),
    (at(1, 13, 0), at(1, 14, 0)),
    (at(1, 13, 59), at(1, 14, 0)),
    (at(1, 14, 0), at(1, 14, 0)),
    (at(1, 23, 0), at(1, 23, 0)),
])
def test_a_window_within_a_day(now, expected):
    assert reminder_after(now, LUNCH) == expected


def test_no_quiet_hours_hold_nothing():
    assert reminder_after(at(1, 23), None) == at(1, 23)


@pytest.mark.parametrize("message_type, data, urgent", [
    ("login_code", {}, True),
    ("waitlist_offered", {}, True),                   # the offer runs out
    ("booking_rejected", {"by": "staff"}, True),
    ("booking_cancelled", {"by": "staff"}, True),     # the centre cancelled
    ("booking_cancelled", {"by": "system"}, True),
    ("booking_cancelled", {"by": "member"}, False),   # they did it themselves
    ("booking_rescheduled", {"by": "staff"}, True),
    ("booking_rescheduled", {"by": "member"}, False),
    ("reminder", {}, False),
    ("booking_confirmed", {"by": "member"}, False),
    ("welcome", {}, False),
    ("waitlist_offer_expired", {}, False),
])
def test_urgent_kinds_go_at_once_in_quiet_hours(message_type, data, urgent):
    assert is_urgent(message_type, data) == urgent
    due = send_after(at(1, 23), message_type=message_type, channel="email", data=data, member_quiet=NIGHT)
    assert (due == at(1, 23)) == urgent


def test_the_services_sms_window_and_the_members_combine():
    sms_night = parse_quiet_hours("22:00-08:00")
    early = {"from": "06:00", "to": "09:00"}
    # 23:00: the SMS window ends at 08:00, inside the member's: 09:00
    assert reminder_after(at(1, 23), early, channel="sms", sms_quiet=sms_night) == at(2, 9)
    assert reminder_after(at(1, 23), early, channel="email", sms_quiet=sms_night) == at(1, 23)
    assert reminder_after(at(2, 7), early, channel="email", sms_quiet=sms_night) == at(2, 9)


def test_a_reminder_due_in_the_members_quiet_hours_is_written_for_their_end():
    uow = FakeUnitOfWork()
    settings = services.Settings(default_channels=("email",), reminder_offsets=())
    services.set_preferences(uow, SYSTEM, at(1, 12), "m-1", ["email"], quiet_hours=NIGHT)
    uow.reminders.rows["r-1"] = {
        "id": "r-1", "booking_id": "b-1", "member_id": "m-1", "kind": "2h", "state": "scheduled",
        "starts_at": at(2, 9), "due_at": at(2, 7), "data": {"booking_id": "b-1"}, "created_at": at(1, 12)}
    assert services.materialise_due_reminders(uow, settings, at(2, 7)) == 1
    [message] = uow.messages.rows.values()
    assert message["message_type"] == "reminder" and message["next_attempt_at"] == at(2, 8)


@pytest.mark.parametrize("quiet, field", [
    ({"from": "22:00"}, "to"),
    ({"from": "24:00", "to": "08:00"}, "from"),
    ({"from": "22:00", "to": "8:00"}, "to"),
    ({"from": "22:00", "to": "22:00"}, "to"),
    ({"from": "22:00", "to": "08:00", "tz": "UTC"}, "tz"),
])
def test_bad_quiet_hours_name_the_field(quiet, field):
    with pytest.raises(InvalidInput) as err:
        load(schemas.PreferencesInSchema(), {"channels": ["sms"], "quiet_hours": quiet})
    assert field in err.value.details["fields"]["quiet_hours"]


def test_good_quiet_hours_load_and_none_turns_them_off():
    loaded = load(schemas.PreferencesInSchema(), {"channels": ["sms"], "quiet_hours": NIGHT})
    assert loaded["quiet_hours"] == NIGHT
    assert load(schemas.PreferencesInSchema(), {"channels": ["sms"], "quiet_hours": None})["quiet_hours"] is None

"""Bookings as iCalendar (the feed tokens behind a member's feed URL: test_accounts.py)."""
from datetime import datetime, timedelta, timezone

import icalendar
import pytest

from jastar_gateway import ical

CENTRE = {"id": "karasai-yrc", "name_kk": "Қарасай ауданының Жастар ресурстық орталығы",
          "name_ru": "Молодёжный ресурсный центр Карасайского района", "address": "Қаскелең қ., Абай к-сі 1"}


def booking(booking_id="b-1", state="confirmed", starts="2026-12-02T05:00:00+00:00",
            ends="2026-12-02T06:00:00+00:00"):
    return {"id": booking_id, "kind": "consultation", "state": state, "centre_id": CENTRE["id"],
            "starts_at": starts, "ends_at": ends, "updated_at": "2026-11-30T10:00:00+00:00"}


def read(bookings, language="kk"):
    stamp = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
    events = [ical.booking_event(b, "Мансап кеңесі", CENTRE, language, stamp) for b in bookings]
    return icalendar.Calendar.from_ical(ical.calendar(events, "Jastar Hub"))


def test_a_booking_is_an_event_in_almaty_time_at_the_centre():
    cal = read([booking()])
    [zone] = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Almaty"
    [event] = cal.events
    assert event["DTSTART"].params["TZID"] == "Asia/Almaty"
    assert event["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 12, 2, 10, 0)  # 05:00 UTC
    assert event["DTSTART"].dt == datetime(2026, 12, 2, 5, tzinfo=timezone.utc)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=1)
    assert str(event["LOCATION"]) == f"{CENTRE['name_kk']}, {CENTRE['address']}"
    assert str(event["SUMMARY"]) == "Мансап кеңесі"
    assert str(event["UID"]) == "b-1@jastar-hub" and str(event["STATUS"]) == "CONFIRMED"
    assert str(cal["METHOD"]) == "PUBLISH" and str(cal["X-WR-TIMEZONE"]) == "Asia/Almaty"


def test_the_time_zone_carries_the_2024_move_to_utc_plus_5():
    # 10:00 in Almaty was 04:00 UTC before 1 March 2024, 05:00 UTC after
    cal = read([booking("old", starts="2024-02-01T04:00:00+00:00", ends="2024-02-01T05:00:00+00:00"),
                booking("new", starts="2024-04-01T05:00:00+00:00", ends="2024-04-01T06:00:00+00:00")])
    for event in cal.events:
        assert event["DTSTART"].dt.hour == 10 and event["DTSTART"].params["TZID"] == "Asia/Almaty"
    text = cal.to_ical().decode()
    assert "TZOFFSETTO:+0500" in text and "TZOFFSETFROM:+0600" in text


@pytest.mark.parametrize("state, status", [("pending", "TENTATIVE"), ("confirmed", "CONFIRMED"),
                                           ("checked_in", "CONFIRMED"), ("cancelled", "CANCELLED"),
                                           ("rejected", "CANCELLED")])
def test_states_become_calendar_statuses(state, status):
    assert str(read([booking(state=state)]).events[0]["STATUS"]) == status


def test_names_in_the_members_language_and_the_other_when_missing():
    assert ical.location(CENTRE, "ru").startswith("Молодёжный ресурсный центр")
    assert ical.name_in({"name_kk": "", "name_ru": "Зал"}, "kk") == "Зал"
    assert ical.location(None, "kk") is None


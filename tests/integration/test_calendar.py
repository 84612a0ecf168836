"""Bookings in a calendar app, through the public API with every service a
real process: one booking as .ics, and a member's private feed URL that a new
one replaces and that can be revoked."""
import subprocess
from datetime import datetime, timedelta

import icalendar
import pytest
import requests

from jastar_devkit.helpers import ahead

from .test_gateway_access import Gateway, bearer, register


@pytest.fixture(scope="module")
def booked(system):
    subprocess.run(["jastar-registry-seed"], env=system.env("registry"), check=True, capture_output=True)
    gw = Gateway(system.url)
    owner, other = register(gw, "Calendar Owner"), register(gw, "Calendar Other")
    slots = ahead(gw.retry("GET", "/v1/availability", params={"service_id": "jobs"}).json()["items"])
    booking = gw.retry("POST", "/v1/bookings", bearer(owner.token),
                       {"kind": "consultation", "service_id": "jobs", "starts_at": slots[0]["starts_at"]},
                       expect=(201,)).json()["booking"]
    return gw, owner, other, booking


def ics(response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_my_booking_as_an_ics_file_in_almaty_time_at_the_centre(booked):
    gw, owner, other, booking = booked
    cal = ics(gw.request("GET", f"/v1/me/bookings/{booking['id']}.ics", bearer(owner.token)))
    [event] = cal.events
    assert str(event["UID"]).startswith(booking["id"])
    assert event["DTSTART"].params["TZID"] == "Asia/Almaty" and cal.walk("VTIMEZONE")
    assert event["DTSTART"].dt == datetime.fromisoformat(booking["starts_at"])  # the same instant
    assert event["DTSTART"].dt.utcoffset() == timedelta(hours=5)
    assert "Қаскелең" in str(event["LOCATION"])  # the Karasai centre's address
    # someone else's booking, and no sign-in at all
    assert gw.request("GET", f"/v1/me/bookings/{booking['id']}.ics", bearer(other.token)).status_code == 404
    assert gw.request("GET", f"/v1/me/bookings/{booking['id']}.ics").status_code == 401


def test_a_private_feed_url_works_without_sign_in_until_replaced_or_revoked(booked):
    gw, owner, other, booking = booked
    made = gw.request("POST", "/v1/me/calendar-feed", bearer(owner.token))
    assert made.status_code == 201 and made.headers["Location"] == made.json()["url"]
    first = made.json()["url"]
    cal = ics(requests.get(first, timeout=30))  # no credentials but the URL
    assert [str(e["UID"]) for e in cal.events] == [f"{booking['id']}@jastar-hub"]
    others = gw.ok("POST", "/v1/me/calendar-feed", bearer(other.token))["url"]
    assert ics(requests.get(others, timeout=30)).events == []  # only the member's own bookings

    second = gw.ok("POST", "/v1/me/calendar-feed", bearer(owner.token))["url"]
    assert requests.get(first, timeout=30).status_code == 404  # the new URL replaced it
    assert len(ics(requests.get(second, timeout=30)).events) == 1
    assert gw.request("DELETE", "/v1/me/calendar-feed", bearer(owner.token)).status_code == 204
    gone = requests.get(second, timeout=30)
    assert gone.status_code == 404 and gone.headers["Content-Type"] == "application/problem+json"
    assert requests.get(others, timeout=30).status_code == 200
    # a member who erases their data takes the feed with them
    assert gw.request("DELETE", "/v1/me", bearer(other.token)).status_code == 204
    assert requests.get(others, timeout=30).status_code == 404

"""The sewing workshop's course fills; the next member joins the waitlist in
the browser, sees her place in line, gets the offer when a seat frees and
takes it before it runs out (kk and ru)."""
import uuid
from datetime import datetime, timedelta, timezone

import requests

from page_objects.member import Member
from tests.system import ADMIN_KEY

from .conftest import bearer, new_phone, sign_up_by_api

ADMIN = {"X-Api-Key": ADMIN_KEY}


def api_member(base, n):
    """A member signed up through the API (the ones who fill the course)."""
    return bearer(sign_up_by_api(base, f"Қатысушы {n}", ["young_women_and_mothers"])[1])


def small_sewing_course(base):
    """A fresh run of the sewing workshop's course with two seats (the demo one
    is shared with other tests, whose waiting members would be ahead in line)."""
    seed = requests.get(base + "/v1/programmes/sewing-course", timeout=30).json()
    course_id = f"sewing-{uuid.uuid4().hex[:8]}"
    fields = {k: seed[k] for k in ("centre_id", "kind", "name_kk", "name_ru", "description_kk",
                                   "description_ru", "target_group", "whole_course", "languages")}
    made = requests.post(base + "/v1/admin/programme", headers=ADMIN, timeout=30,
                         json={**fields, "id": course_id, "capacity": 2})
    assert made.status_code == 201, made.text
    start = (datetime.now(timezone.utc) + timedelta(days=9)).replace(hour=5, minute=0, second=0, microsecond=0)
    for week in range(2):
        at = start + timedelta(days=7 * week)
        session = requests.post(base + "/v1/admin/session", headers=ADMIN, timeout=30, json={
            "programme_id": course_id, "space_id": "karasai-sewing", "starts_at": at.isoformat(),
            "ends_at": (at + timedelta(hours=2)).isoformat()})
        assert session.status_code == 201, session.text
    return course_id, seed


def test_the_course_fills_the_next_member_waits_gets_the_offer_and_takes_it(web, axe, seeded):
    base = seeded.url
    course_id, seed = small_sewing_course(base)
    seated = []
    for n in range(2):
        headers = api_member(base, n)
        made = requests.post(base + "/v1/bookings", headers=headers, timeout=30,
                             json={"kind": "seat", "programme_id": course_id})
        assert made.status_code == 201, made.text
        seated.append((headers, made.json()["booking"]))

    member = Member(web, new_phone(), f"Дана {web.lang.upper()}", birth_date="1998-11-02",
                    categories=["young_women_and_mothers"])
    web.open(f"/programme/{course_id}")
    assert web.heading() == web.named(seed)
    assert web.t("programme.full") in web.main_text()
    axe(web, "programme (full)")
    web.press(web.t("programme.sign_in_to_enrol"))
    member.sign_in_or_register()
    assert web.heading() == web.named(seed)
    web.press(web.t("programme.join_waitlist"))
    web.wait(lambda: web.t("programme.waitlisted", n=1) in web.main_text(), message="not on the waitlist")

    web.go("/me/bookings")
    entry = web.wait(member.waitlist_card)
    assert entry.get_attribute("data-state") == "waiting"
    assert web.t("mine.position", n=1) in entry.text
    axe(web, "my bookings (waiting)")

    # a seated member cancels: the seat is offered to the first in line
    headers, booking = seated[0]
    assert requests.post(f"{base}/v1/bookings/{booking['id']}/cancel", headers=headers, json={},
                         timeout=30).status_code == 200
    web.open("/me/bookings")
    entry = web.wait(member.waitlist_card)
    assert entry.get_attribute("data-state") == "offered"
    countdown = web.find(".countdown", entry).text
    assert ":" in countdown and countdown != "0:00"
    axe(web, "my bookings (offer)")
    web.click(web.button(web.t("mine.accept"), entry))
    web.wait(lambda: web.find_all("[data-kind='seat'][data-state='confirmed']"), message="no seat")
    assert not web.find_all("[data-entry]")
    seats = requests.get(base + "/v1/availability", params={"programme_id": course_id}, timeout=30).json()
    assert seats["items"][0]["seats_left"] == 0

"""End-to-end journeys over HTTP, as client apps make them, with every
service running as its own process on PostgreSQL."""
import subprocess
import uuid
from datetime import date

import requests

from jastar_devkit import helpers

from .conftest import ADMIN_KEY


class App:
    """A client app signed in as one member (or anonymous)."""

    def __init__(self, base, token=None):
        self.base, self.session = base, requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path, **params):
        return self.session.get(self.base + path, params=params, timeout=30)

    def post(self, path, body=None, **headers):
        return self.session.post(self.base + path, json=body or {}, headers=headers, timeout=30)


def sign_up(base, n, birth=date(2004, 5, 17)):
    """Register member n and sign in with the code sent by SMS."""
    made, token = helpers.sign_up(base, helpers.new_phone(n, "705"), full_name=f"Жас қатысушы {n}",
                                  birth_date=birth.isoformat(), district_id="karasai",
                                  categories=["young_women_and_mothers"])
    return made, App(base, token["access_token"])


def test_browse_register_book_conflict_cancel(system):
    subprocess.run(["jastar-registry-seed"], env=system.env("registry"), check=True, capture_output=True)
    visitor = App(system.url)
    centres = visitor.get("/v1/centers", district_id="karasai").json()["items"]
    karasai = visitor.get(f"/v1/centers/{centres[0]['id']}").json()
    assert {p["id"] for p in karasai["partners"]} == {"career-centre", "otbasy-bank", "youth-health-centre"}
    assert karasai["floors"] == 2 and karasai["area_m2"] == 1000

    base = uuid.uuid4().int % 9000
    _, aigerim = sign_up(system.url, base)
    _, dana = sign_up(system.url, base + 1)
    slot = helpers.ahead(visitor.get("/v1/availability", service_id="housing").json()["items"])[0]
    booked = aigerim.post("/v1/bookings", {"kind": "consultation", "service_id": "housing",
                                           "starts_at": slot["starts_at"]}, **{"Idempotency-Key": "a-1"})
    assert booked.status_code == 201, booked.text
    again = aigerim.post("/v1/bookings", {"kind": "consultation", "service_id": "housing",
                                          "starts_at": slot["starts_at"]}, **{"Idempotency-Key": "a-1"})
    assert again.json() == booked.json()  # the same request, repeated: the same booking
    taken = dana.post("/v1/bookings", {"kind": "consultation", "service_id": "housing",
                                       "starts_at": slot["starts_at"]})
    assert taken.status_code == 409 and taken.json()["code"] == "slot_taken"
    assert taken.headers["Content-Type"] == "application/problem+json"

    booking_id = booked.json()["booking"]["id"]
    assert dana.get(f"/v1/bookings/{booking_id}").status_code == 404  # not hers
    cancelled = aigerim.post(f"/v1/bookings/{booking_id}/cancel", {"reason": "екі жұмыс сәйкес келді"})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    # the freed slot can be taken now
    assert dana.post("/v1/bookings", {"kind": "consultation", "service_id": "housing",
                                      "starts_at": slot["starts_at"]}).status_code == 201


def test_sewing_course_fills_then_the_waitlist_gets_an_offer_and_takes_it(system):
    subprocess.run(["jastar-registry-seed"], env=system.env("registry"), check=True, capture_output=True)
    course = App(system.url).get("/v1/programmes/sewing-course").json()
    assert course["whole_course"] is True and course["target_group"] == "young_women_and_mothers"
    base = 5000 + uuid.uuid4().int % 4000
    seat = {"kind": "seat", "programme_id": "sewing-course"}
    left = App(system.url).get("/v1/availability", programme_id="sewing-course").json()["items"][0]["seats_left"]
    seated = []
    for n in range(left):
        _, app = sign_up(system.url, base + n)
        made = app.post("/v1/bookings", seat)
        assert made.status_code == 201, made.text
        seated.append((app, made.json()["booking"]))
    _, late = sign_up(system.url, base + left)
    waiting = late.post("/v1/bookings", seat)
    assert waiting.status_code == 202 and waiting.json()["waitlist"]["state"] == "waiting"
    entry = waiting.json()["waitlist"]

    first_app, first_seat = seated[0]
    assert first_app.post(f"/v1/bookings/{first_seat['id']}/cancel").status_code == 200
    places = late.get("/v1/me/waitlist").json()["items"]
    offered = next(p for p in places if p["id"] == entry["id"])
    assert offered["state"] == "offered" and offered["offer_expires_at"]
    taken = late.post(f"/v1/waitlist/{entry['id']}/accept")
    assert taken.status_code == 200 and taken.json()["state"] == "confirmed"
    assert App(system.url).get("/v1/availability", programme_id="sewing-course").json()["items"][0][
        "seats_left"] == 0


def test_the_desk_checks_in_and_admins_manage_staff(system):
    admin = {"X-Api-Key": ADMIN_KEY}
    phone = f"+7 707 {uuid.uuid4().int % 900 + 100} 11 22"
    made = requests.post(system.url + "/v1/staff", headers=admin, json={
        "phone": phone, "full_name": "Сәуле Ахметова", "centre_ids": ["karasai-yrc"]}, timeout=30)
    assert made.status_code == 201, made.text
    code = requests.post(system.url + "/v1/auth/otp", json={"phone": phone, "role": "staff"}).json()["code"]
    token = requests.post(system.url + "/v1/auth/token",
                          json={"phone": phone, "code": code, "role": "staff"}).json()["access_token"]
    desk = App(system.url, token)
    today = date.today().isoformat()
    assert desk.get("/v1/centers/karasai-yrc/day", date=today).status_code == 200
    assert desk.get("/v1/centers/ili-coworking/day", date=today).status_code == 403

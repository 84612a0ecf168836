"""Centre staff and admins in a real browser, in Kazakh and in Russian: the
day list (check in, no-show), a walk-in booked on the spot, an admin adding a
staff account and a webhook, and the reports page's charts and CSV. Every
page is scanned by axe-core."""
import csv
import io
import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from page_objects import DESKTOP
from page_objects.desk import TABLET, Admin, Staff, chart_kinds
from sqlalchemy import create_engine, text

from jastar_devkit.helpers import BOOKING_LEAD, bearer, new_phone, sign_up
from tests.system import ADMIN_KEY

ADMIN = {"X-Api-Key": ADMIN_KEY}
KARASAI = "karasai-yrc"
ALMATY = ZoneInfo("Asia/Almaty")


def api(base, method, path, expect=(200, 201, 202), **kwargs):
    response = requests.request(method, base + path, timeout=30, **kwargs)
    assert response.status_code in expect, f"{method} {path}: {response.status_code} {response.text[:300]}"
    return response.json() if response.content else None


def member_signed_in(base, name):
    made, token = sign_up(base, full_name=name, birth_date="2002-03-04")
    return made, bearer(token)


def book_consultation(base, headers, service_id):
    """The member books the service's next free slot (the booking service learns
    new members from events: a few tries)."""
    slots = api(base, "GET", "/v1/availability", params={"service_id": service_id, "limit": 20})["items"]
    for attempt in range(60):
        response = requests.post(base + "/v1/bookings", timeout=30, json={
            "kind": "consultation", "service_id": service_id, "starts_at": slots[attempt % len(slots)]["starts_at"]},
            headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
        if response.status_code == 201:
            return response.json()["booking"]
        time.sleep(0.5)
    raise AssertionError(f"could not book {service_id}: {response.text[:300]}")


def due_now(system, booking_id):
    """The clock moves on: the booking starts a minute ago (check-in and no-show
    are for bookings under way; the API books an hour ahead at least)."""
    starts = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    engine = create_engine(system.base_env["BOOKING_DATABASE_URL"])
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE bookings SET starts_at = :s, ends_at = :e, hold_until = :e WHERE id = :id"),
                         {"s": starts, "e": starts + timedelta(minutes=30), "id": booking_id})
    finally:
        engine.dispose()
    return starts.astimezone(ALMATY).date().isoformat()


def clear_banner(app):
    """A message still shown from a step before is not this step's answer."""
    app.driver.execute_script("document.getElementById('banner').replaceChildren()")


REFUSED = "[data-webhook='{}'] .deliveries .alert.error"


def replayed(app):
    return app.t("admin.replayed") in app.find("#banner").text


def new_staff(base):
    phone = new_phone()
    api(base, "POST", "/v1/staff", headers=ADMIN, json={
        "phone": phone, "full_name": "Дана Серікова", "role": "staff", "centre_ids": [KARASAI]})
    return phone


@pytest.fixture
def desk(web):
    web.viewport(DESKTOP)
    return web


def test_staff_check_a_member_in_and_mark_a_no_show(desk, axe, seeded):
    base = seeded.url
    came, came_headers = member_signed_in(base, f"Айгерім {desk.lang}")
    _missed, missed_headers = member_signed_in(base, f"Ерлан {desk.lang}")
    first = book_consultation(base, came_headers, "jobs")
    second = book_consultation(base, missed_headers, "lawyer")
    day = due_now(seeded, first["id"])
    due_now(seeded, second["id"])

    staff = Staff(desk, new_staff(base))
    staff.sign_in(f"/desk?centre={KARASAI}&date={day}")
    assert desk.heading() == desk.t("desk.title")
    assert staff.state(first["id"]) == "confirmed" and staff.state(second["id"]) == "confirmed"
    assert came["full_name"] in staff.row(first["id"]).text
    assert desk.t("state.confirmed") in staff.row(second["id"]).text
    axe(desk, "day list")

    staff.act(first["id"], "desk.check_in")
    desk.wait(lambda: staff.state(first["id"]) == "checked_in", message="not checked in")
    assert desk.t("state.checked_in") in staff.row(first["id"]).text

    desk.click(desk.button(desk.t("desk.no_show"), staff.row(second["id"])))
    dialog = desk.wait(lambda: desk.find("dialog[open]"))
    axe(desk, "no-show dialog")
    desk.click(desk.button(desk.t("desk.no_show"), dialog))
    desk.wait(lambda: staff.state(second["id"]) == "no_show", message="not marked as a no-show")

    # the API agrees
    assert api(base, "GET", f"/v1/bookings/{first['id']}", headers=ADMIN)["state"] == "checked_in"
    assert api(base, "GET", f"/v1/bookings/{second['id']}", headers=ADMIN)["state"] == "no_show"
    # a second check-in is refused, in the user's language, by the row
    desk.driver.refresh()
    desk.wait_ready()
    assert not desk.find_all(f"tr[data-booking='{first['id']}'] [data-action]")


def test_staff_register_a_walk_in_and_book_the_next_free_slot(desk, axe, seeded):
    base = seeded.url
    desk.viewport(TABLET)  # the desk on a tablet too
    staff = Staff(desk, new_staff(base))
    staff.sign_in("/desk/walk-in")
    assert desk.heading() == desk.t("desk.walk_in_title")
    axe(desk, "walk-in: find")

    phone = new_phone()
    desk.fill(desk.t("auth.phone"), phone)
    desk.press(desk.t("desk.find"))
    desk.wait(lambda: desk.find("form[data-form='walk-in-register']"))
    # consent is asked: without it nothing is sent
    desk.fill(desk.t("member.full_name"), f"Мадина {desk.lang}")
    desk.fill(desk.t("member.birth_date"), "2004-09-15")
    desk.press(desk.t("desk.register"))
    assert desk.t("member.consent_required") in desk.main_text()
    axe(desk, "walk-in: register")
    desk.check(desk.t("desk.consent"))
    desk.press(desk.t("desk.register"))

    card = desk.wait(lambda: desk.find("[data-member]"))
    member_id = card.get_attribute("data-member")
    assert f"Мадина {desk.lang}" in card.text
    found = api(base, "GET", "/v1/members", headers=ADMIN, params={"phone": phone})
    assert found["id"] == member_id

    desk.wait(lambda: desk.find(".slots button[data-slot]"), message="no free slot offered")
    earliest = datetime.now(UTC) + BOOKING_LEAD

    def offered():  # the first time offered that is not at the edge of the notice
        return next((b for b in desk.find_all(".slots button[data-slot]")
                     if datetime.fromisoformat(b.get_attribute("data-slot")) >= earliest), None)
    starts_at = desk.wait(offered, message="no free slot offered far enough ahead").get_attribute("data-slot")
    axe(desk, "walk-in: next free slots")
    # the booking service learns a new member from an event: retry until it has
    for _ in range(30):
        desk.click(desk.wait(offered))
        desk.wait(lambda: "booked=" in desk.hash or desk.find_all(".walk-in-slots .alert"))
        if "booked=" in desk.hash:
            break
        time.sleep(1)
    desk.wait(lambda: "booked=" in desk.hash, message="walk-in not booked")
    desk.settle()
    booking_id = desk.hash.split("booked=")[1].split("&")[0]
    assert desk.t("desk.walk_in_booked") in desk.main_text()
    assert staff.state(booking_id) == "confirmed"
    booking = api(base, "GET", f"/v1/bookings/{booking_id}", headers=ADMIN)
    assert booking["member_id"] == member_id and booking["starts_at"][:16] == starts_at[:16]
    axe(desk, "day list on a tablet")

    # next time they walk in, the phone finds them
    desk.go("/desk/walk-in")
    desk.fill(desk.t("auth.phone"), phone)
    desk.press(desk.t("desk.find"))
    card = desk.wait(lambda: desk.find(f"[data-member='{member_id}']"), message="member not found by phone")
    assert f"Мадина {desk.lang}" in card.text


def test_an_admin_adds_a_staff_account_and_a_webhook(desk, axe, seeded):
    base = seeded.url
    admin = Admin(desk, ADMIN_KEY)
    admin.sign_in()
    assert desk.heading() == desk.t("admin.title")
    axe(desk, "staff and keys")

    phone = new_phone()
    name = f"Әсел {desk.lang} {uuid.uuid4().hex[:4]}"
    # a bad phone is refused next to the field, in the user's language
    desk.fill(desk.t("admin.col.name"), name)
    desk.fill(desk.t("auth.phone"), "12")
    desk.press(desk.t("admin.add_staff"))
    desk.wait(lambda: desk.find("form[data-form='new-staff'] [name='phone'][aria-invalid='true']"))
    desk.fill(desk.t("auth.phone"), phone)
    desk.check(desk.named(api(base, "GET", f"/v1/centers/{KARASAI}")))
    desk.press(desk.t("admin.add_staff"))
    desk.wait(lambda: name in desk.main_text(), message="staff account not listed")
    accounts = api(base, "GET", "/v1/staff", headers=ADMIN, params={"limit": 100})["items"]
    made = next(a for a in accounts if a["full_name"] == name)
    assert made["centre_ids"] == [KARASAI] and made["role"] == "staff" and made["active"]

    # an API key, shown once
    desk.fill(desk.t("admin.key_name"), f"integrator {desk.lang}")
    desk.press(desk.t("admin.create_key"))
    key = admin.secret_shown("key")
    assert api(base, "GET", "/v1/webhooks", headers={"X-Api-Key": key})["total"] == 0

    desk.go("/admin/webhooks")
    assert desk.heading() == desk.t("admin.webhooks")
    axe(desk, "webhooks")
    url = f"https://1.1.1.1/jastar-browser-{uuid.uuid4().hex[:8]}"
    desk.fill(desk.t("admin.url"), url)
    desk.fill(desk.t("admin.description"), "CRM")
    desk.press(desk.t("admin.create_webhook"))
    assert admin.secret_shown("webhook").startswith("whsec_")
    card = desk.wait(lambda: next((c for c in desk.find_all("[data-webhook]") if url in c.text), None))
    assert "CRM" in card.text and "booking.*" in card.text
    hooks = api(base, "GET", "/v1/webhooks", headers=ADMIN, params={"limit": 100})["items"]
    hook = next(h for h in hooks if h["url"] == url)
    assert hook["event_types"] == ["booking.*"]

    # an event makes a delivery; the admin sees it and sends it again
    _, headers = member_signed_in(base, "Дамир")
    book_consultation(base, headers, "psychologist")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not api(base, "GET", f"/v1/webhooks/{hook['id']}/deliveries", headers=ADMIN)["items"]:
        time.sleep(0.5)
    axed = False
    for _ in range(20):
        # a delivery being sent right now cannot be replayed (409, said by the row): wait it out
        while time.monotonic() < deadline + 60 and any(
                d["status"] == "sending"
                for d in api(base, "GET", f"/v1/webhooks/{hook['id']}/deliveries", headers=ADMIN)["items"]):
            time.sleep(0.5)
        clear_banner(desk)
        desk.click(desk.button(desk.t("admin.deliveries"), desk.find(f"[data-webhook='{hook['id']}']")))
        desk.settle()
        replay = desk.wait(lambda: desk.find(f"[data-webhook='{hook['id']}'] button[data-action='replay']"))
        if not axed:
            axe(desk, "deliveries")
            axed = True
        desk.click(replay)
        desk.wait(lambda: replayed(desk) or desk.find_all(REFUSED.format(hook["id"])), message="no answer to the replay")
        if replayed(desk):
            break
        time.sleep(1)
    assert replayed(desk)


def test_reports_draw_their_charts_and_download_a_csv(desk, axe, seeded, tmp_path):
    base = seeded.url
    _, headers = member_signed_in(base, "Нұрсұлтан")
    booking = book_consultation(base, headers, "housing")
    today = datetime.now(ALMATY).date()
    period = {"from": (today - timedelta(days=29)).isoformat(), "to": (today + timedelta(days=30)).isoformat()}
    deadline = time.monotonic() + 60  # the reports service builds its figures from events
    while time.monotonic() < deadline:
        rows = api(base, "GET", "/v1/reports/consultations", headers=ADMIN, params=period)["rows"]
        if rows:
            break
        time.sleep(0.5)
    assert rows, f"no consultations reported for {booking['id']}"

    staff = Staff(desk, new_staff(base))
    staff.sign_in(f"/reports?from={period['from']}&to={period['to']}")
    assert desk.heading() == desk.t("reports.title")
    charts = chart_kinds(desk)
    assert charts.get("line", 0) == 60 * 2  # a point a day, bookings and served
    assert charts.get("bar", 0) >= 1
    assert desk.t("reports.chart_daily") in desk.main_text()
    # reach against the youth population: the region's 432 000; a district without a number is "unknown"
    region = desk.wait(lambda: desk.find("tr[data-reach='almaty-region']"), message="no reach table")
    assert "432 000" in region.text.replace("\u00a0", " ")
    unknown = [r for r in api(base, "GET", "/v1/reports/reach", headers=ADMIN, params=period)["rows"]
               if r["level"] == "district" and r["youth_population"] is None and r["members_served"]]
    for row in unknown:
        assert desk.t("reports.unknown") in desk.find(f"tr[data-reach='{row['id']}']").text
    axe(desk, "reports")

    # a wrong period is refused by its field, in the user's language
    desk.fill(desk.t("reports.from"), period["to"])
    desk.fill(desk.t("reports.to"), period["from"])
    desk.press(desk.t("reports.show"))
    assert desk.t("reports.to_before_from") in desk.main_text()

    desk.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    desk.select(desk.t("reports.report"), desk.t("reports.name.overview"))
    desk.press(desk.t("reports.download"))
    files = desk.wait(lambda: [p for p in tmp_path.glob("*.csv")] or None, message="no CSV downloaded")
    content = files[0].read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    columns = api(base, "GET", "/v1/reports/overview", headers=ADMIN, params=period)["columns"]
    assert files[0].name == f"jastar-overview-{period['from']}-{period['to']}.csv"
    assert rows[0] == columns and len(rows) >= 2


@pytest.fixture
def reference_restored(seeded):
    """What the test changes in the shared demo data is put back after."""
    base = seeded.url
    programme = api(base, "GET", "/v1/admin/programme/sewing-course", headers=ADMIN)
    schedule = api(base, "GET", "/v1/admin/schedule/lawyer-karasai", headers=ADMIN)
    yield
    api(base, "PATCH", "/v1/admin/programme/sewing-course", headers=ADMIN, json={"name_ru": programme["name_ru"]})
    api(base, "PATCH", "/v1/admin/schedule/lawyer-karasai", headers=ADMIN, json={"weekly": schedule["weekly"]})


def test_staff_see_rosters_and_edit_reference_data(desk, axe, seeded, reference_restored):
    base = seeded.url
    programme = api(base, "GET", "/v1/programmes/sewing-course")
    # a one-seat workshop: one member holds the seat, the next waits in line
    workshop = api(base, "POST", "/v1/admin/programme", headers=ADMIN, json={
        "id": f"desk-workshop-{uuid.uuid4().hex[:8]}", "centre_id": KARASAI, "kind": "training", "capacity": 1,
        "name_kk": "Подкаст шеберханасы", "name_ru": "Мастерская подкаста"})
    starts = datetime.now(ALMATY).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=3)
    session = api(base, "POST", "/v1/admin/session", headers=ADMIN, json={
        "programme_id": workshop["id"], "language": "kk",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()})
    seated, seated_headers = member_signed_in(base, f"Жанар {desk.lang}")
    waiting, waiting_headers = member_signed_in(base, f"Гүлім {desk.lang}")
    for headers, expect in ((seated_headers, 201), (waiting_headers, 202)):
        for _ in range(60):  # booking learns new members and sessions from events
            made = requests.post(base + "/v1/bookings", json={"kind": "seat", "session_id": session["id"]},
                                 headers={**headers, "Idempotency-Key": str(uuid.uuid4())}, timeout=30)
            if made.status_code == expect:
                break
            time.sleep(0.5)
        assert made.status_code == expect, made.text
    staff = Staff(desk, new_staff(base))
    staff.sign_in(f"/desk/rosters?centre={KARASAI}")
    assert desk.heading() == desk.t("desk.rosters_title")
    card = desk.wait(lambda: desk.find("[data-programme='sewing-course']"))
    first = programme["sessions"][0]
    row = desk.find(f"tr[data-session='{first['id']}']", card)
    assert str(first["seats_left"]) in row.text
    desk.click(desk.button(desk.t("desk.show_roster"), row))
    desk.wait(lambda: desk.find(f"tr[data-session='{first['id']}'] ol, tr[data-session='{first['id']}'] p.muted"))
    axe(desk, "rosters")

    row = desk.wait(lambda: desk.find(f"tr[data-session='{session['id']}']"))
    desk.click(desk.button(desk.t("desk.show_roster"), row))
    line = desk.wait(lambda: desk.find(f"tr[data-session='{session['id']}'] ol.waitlist"), message="no line shown")
    assert waiting["full_name"] in line.text and desk.t("state.waiting") in line.text
    assert seated["full_name"] in desk.find(f"tr[data-session='{session['id']}'] ol:not(.waitlist)").text

    # a programme's Russian name, changed at the desk, is what the API says
    desk.go(f"/desk/reference?centre={KARASAI}&tab=programmes")
    form = desk.wait(lambda: desk.find("[data-programme='sewing-course'] form"))
    axe(desk, "reference: programmes")
    new_name = f"Курс кройки и шитья ({desk.lang})"
    field = desk.find("[name='name_ru']", form)
    field.clear()
    field.send_keys(new_name)
    clear_banner(desk)
    desk.click(desk.button(desk.t("desk.save"), form))
    desk.wait(lambda: desk.t("desk.saved") in " ".join(desk.alerts()), message="no saved message")
    desk.wait(lambda: api(base, "GET", "/v1/admin/programme/sewing-course", headers=ADMIN)["name_ru"] == new_name,
              message="not saved")
    # a capacity the registry refuses comes back by its field
    capacity = desk.find("[name='capacity']", form)
    capacity.clear()
    capacity.send_keys("0")
    desk.click(desk.button(desk.t("desk.save"), form))
    desk.wait(lambda: capacity.get_attribute("aria-invalid") == "true", message="no error by the capacity")

    desk.go(f"/desk/reference?centre={KARASAI}&tab=sessions")
    desk.wait(lambda: desk.find("[data-session] form"))
    axe(desk, "reference: sessions")
    desk.go(f"/desk/reference?centre={KARASAI}&tab=schedules")
    form = desk.wait(lambda: desk.find("[data-schedule='lawyer-karasai'] form"))
    axe(desk, "reference: schedules")
    saturday = desk.find("[name='weekly.sat']", form)
    saturday.clear()
    saturday.send_keys("10:00-14:00")
    clear_banner(desk)
    desk.click(desk.button(desk.t("desk.save"), form))
    desk.wait(lambda: desk.t("desk.saved") in " ".join(desk.alerts()), message="no saved message")
    desk.wait(lambda: api(base, "GET", "/v1/admin/schedule/lawyer-karasai", headers=ADMIN)["weekly"].get("sat")
              == [["10:00", "14:00"]], message="schedule not saved")
    schedule = api(base, "GET", "/v1/admin/schedule/lawyer-karasai", headers=ADMIN)
    assert schedule["weekly"]["mon"] == [["09:00", "13:00"], ["14:00", "18:00"]]
    # saved again 2.5 s later: the first message's 4 s must not take the second one with it
    time.sleep(2.5)
    desk.click(desk.button(desk.t("desk.save"), form))
    time.sleep(2.5)
    assert desk.t("desk.saved") in " ".join(desk.alerts()), "the second 'saved' went with the first"


def test_an_expired_desk_session_asks_the_staff_sign_in_again(desk, seeded):
    staff = Staff(desk, new_staff(seeded.url))
    staff.sign_in(f"/desk/walk-in?centre={KARASAI}")
    # the token goes stale (as after a deactivation or a new secret): the API says 401
    desk.driver.execute_script(
        "const s = JSON.parse(localStorage.getItem('jastar.session'));"
        "s.token = s.token.slice(0, -4) + 'AAAA'; localStorage.setItem('jastar.session', JSON.stringify(s));")
    desk.go("/desk/rosters")
    desk.wait(lambda: "signin" in desk.hash and "role=staff" in desk.hash, message="not asked to sign in")
    assert desk.t("auth.expired") in " ".join(desk.alerts())
    desk.wait(lambda: desk.heading() == desk.t("auth.title_staff"))
    # signed in again, back where they were
    desk.fill(desk.t("auth.phone"), staff.phone)
    desk.press(desk.t("auth.send_code"))
    code = desk.wait(lambda: desk.find(".dev-code").get_attribute("data-code"))
    desk.fill(desk.t("auth.code"), code)
    desk.press(desk.t("auth.sign_in"))
    desk.wait(lambda: desk.hash.startswith("#/desk/rosters"), message="not back at the rosters")

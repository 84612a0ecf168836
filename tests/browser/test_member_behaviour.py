"""What people expect when things go wrong or differ: a taken slot, a lost
answer, an expired session, the keyboard alone; and the other member pages
(space hours, notifications, profile, erasure), each scanned by axe-core."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from page_objects.member import Member

from .conftest import bearer, sign_up_by_api


def signed_in(web, base):
    """(phone, token answer) of a member signed in through the API."""
    member, token = sign_up_by_api(base, "Ерлан Бекұлы")
    web.sign_in_as(token)
    return member["phone"], token


def booked_hours_ahead(base, token, service_id="jobs", hours=3):
    """A consultation booked by API at the first free time at least `hours`
    ahead: past the notice to move it, whatever the time of day."""
    earliest = datetime.now(timezone.utc) + timedelta(hours=hours)
    slots = requests.get(base + "/v1/availability", params={"service_id": service_id, "limit": 100},
                         timeout=30).json()["items"]
    slot = next(s for s in slots if datetime.fromisoformat(s["starts_at"]) >= earliest)
    made = requests.post(base + "/v1/bookings", headers=bearer(token), timeout=30, json={
        "kind": "consultation", "service_id": service_id, "starts_at": slot["starts_at"]})
    assert made.status_code == 201, made.text
    return made.json()["booking"]


def my_bookings(base, token):
    return requests.get(base + "/v1/me/bookings", headers=bearer(token), timeout=30).json()["items"]


@pytest.mark.parametrize("lang", ["ru"])
def test_a_slot_taken_meanwhile_says_so_and_offers_the_next_free_ones(web, seeded):
    _, token = signed_in(web, seeded.url)
    web.open("/book?centre=karasai-yrc&service=lawyer")
    starts_at = Member(web, "", "").first_free_time()
    # someone else takes it first (the lawyer is the only specialist for this topic)
    _, other = sign_up_by_api(seeded.url, "Басқа")
    taken = requests.post(seeded.url + "/v1/bookings", headers=bearer(other), timeout=30, json={
        "kind": "consultation", "service_id": "lawyer", "starts_at": starts_at})
    assert taken.status_code == 201, taken.text
    web.press(web.t("book.confirm"))
    alert = web.wait(lambda: web.find(".slots .alert.error"), message="no 'taken' message")
    assert web.t("book.taken") in alert.text and web.t("book.next_free") in alert.text
    offered = alert.find_elements(By.CSS_SELECTOR, "button")
    assert offered
    web.click(offered[0])
    web.press(web.t("book.confirm"))
    web.wait(lambda: "booked=" in web.hash, message="the next free slot was not booked")
    assert [b["starts_at"] > starts_at for b in my_bookings(seeded.url, token)] == [True]


@pytest.mark.parametrize("lang", ["kk"])
def test_a_lost_answer_is_retried_with_the_same_key_and_books_once(web, seeded):
    _, token = signed_in(web, seeded.url)
    web.open("/book?centre=karasai-yrc&service=psychologist")
    Member(web, "", "").first_free_time()
    # the first booking request reaches the API, but its answer never comes back
    web.driver.execute_script("""
        const real = window.fetch;
        window.fetch = async (url, options) => {
          if (String(url).endsWith('/v1/bookings') && options.method === 'POST' && !window.lostOnce) {
            window.lostOnce = options.headers['Idempotency-Key'];
            await real(url, options);
            throw new TypeError('Failed to fetch');
          }
          return real(url, options);
        };""")
    web.press(web.t("book.confirm"))
    box = web.wait(lambda: web.find(".confirm .alert.error"), message="the lost answer was not reported")
    assert web.t("error.offline") in box.text
    assert len(my_bookings(seeded.url, token)) == 1  # it was made
    web.click(web.button(web.t("common.retry"), box))
    web.wait(lambda: "booked=" in web.hash, message="the retry did not finish")
    assert len(my_bookings(seeded.url, token)) == 1  # and made once
    assert web.driver.execute_script("return window.lostOnce")


@pytest.mark.parametrize("lang", ["ru"])
def test_an_expired_session_asks_to_sign_in_again_and_keeps_what_was_typed(web, seeded):
    phone, _ = signed_in(web, seeded.url)
    web.open("/me/account")
    web.fill(web.t("member.full_name"), "Ерлан Бекұлы Жаңа")
    web.driver.execute_script(  # the token runs out while the form is open
        "const s = JSON.parse(localStorage.getItem('jastar.session')); s.token = 'expired';"
        "localStorage.setItem('jastar.session', JSON.stringify(s));")
    web.press(web.t("common.save"))
    web.wait(lambda: "signin" in web.hash, message="not asked to sign in")
    assert web.t("auth.expired") in " ".join(web.alerts())
    Member(web, phone, "").sign_in()
    assert "/me/account" in web.hash
    assert web.field(web.t("member.full_name")).get_attribute("value") == "Ерлан Бекұлы Жаңа"
    web.press(web.t("common.save"))
    web.wait(lambda: web.t("account.saved") in web.main_text(), message="not saved")


@pytest.mark.parametrize("lang", ["kk"])
def test_the_booking_journey_works_with_the_keyboard_alone(web, seeded):
    _, token = signed_in(web, seeded.url)
    web.open("/book?centre=karasai-yrc&service=health")
    web.wait(lambda: web.find_all(".times input"), message="no times")
    body = web.driver.switch_to.active_element

    def tab_to(css, limit=80):
        for _ in range(limit):
            active = web.driver.switch_to.active_element
            if active.get_attribute("data-probe") is None and web.driver.execute_script(
                    "return arguments[0].matches(arguments[1])", active, css):
                return active
            active.send_keys(Keys.TAB)
        raise AssertionError(f"Tab never reached {css}")

    body.send_keys(Keys.TAB)
    tab_to(".times input[type=radio]").send_keys(Keys.SPACE)  # the first time of the day, chosen
    confirm = tab_to("button[data-action='confirm']")
    confirm.send_keys(Keys.ENTER)
    web.wait(lambda: "booked=" in web.hash, message="not booked by keyboard")
    assert len(my_bookings(seeded.url, token)) == 1


@pytest.mark.parametrize("lang", ["ru"])
def test_space_hours_that_need_approval_are_booked_as_pending(web, axe, seeded):
    signed_in(web, seeded.url)
    web.open("/space/karasai-hall?centre=karasai-yrc")
    assert web.t("space.needs_approval") in web.main_text()
    Member(web, "", "").first_free_time()
    web.wait(lambda: web.find(".confirm select[name=minutes]"))
    axe(web, "space")
    web.press(web.t("space.book"))
    web.wait(lambda: "booked=" in web.hash, message="space not booked")
    card = web.wait(lambda: web.find("[data-kind='space']"), message="no space booking card")
    assert card.get_attribute("data-state") == "pending" and web.t("state.pending") in card.text


@pytest.mark.parametrize("lang", ["kk"])
def test_notifications_preferences_and_erasing_the_account(web, axe, seeded):
    _, token = signed_in(web, seeded.url)
    web.open("/me/notifications")
    web.check(web.t("notes.channel.email"))
    web.press(web.t("common.save"))
    web.wait(lambda: web.t("common.saved") in web.main_text(), message="preferences not saved")
    prefs = requests.get(seeded.url + "/v1/me/notification-preferences", headers=bearer(token), timeout=30)
    assert "email" in prefs.json()["channels"]
    axe(web, "notifications")

    web.go("/me/account")
    axe(web, "account")
    web.press(web.t("account.delete_button"))
    dialog = web.wait(lambda: web.find("dialog[open]"))
    assert web.t("account.delete_text") in dialog.text
    web.click(web.button(web.t("account.delete_confirm"), dialog))
    web.wait(lambda: web.t("account.deleted") in " ".join(web.alerts()), message="not erased")
    assert web.driver.execute_script("return localStorage.getItem('jastar.session')") is None
    me = requests.get(seeded.url + "/v1/me", headers=bearer(token), timeout=30).json()
    assert me["status"] == "erased" and me["full_name"] is None and me["phone"] is None


@pytest.mark.parametrize("lang", ["ru"])
def test_programmes_list_and_a_problem_shown_next_to_its_field(web, axe, seeded):
    web.open("/programmes")
    assert web.find_all("[data-programme='sewing-course']")
    axe(web, "programmes")
    web.go("/signin")
    web.fill(web.t("auth.phone"), "+7 000")  # not a Kazakh number: the API names the field
    web.press(web.t("auth.send_code"))
    error = web.wait(lambda: (lambda e: e if e.is_displayed() and e.text else None)(
        web.find("[data-field='phone'] .field-error")), message="no error next to the phone")
    assert error.text
    assert web.field(web.t("auth.phone")).get_attribute("aria-invalid") == "true"
    axe(web, "sign in with an error")


@pytest.mark.parametrize("lang", ["kk"])
def test_a_consultation_is_moved_to_another_free_time(web, axe, seeded):
    _, token = signed_in(web, seeded.url)
    booked = booked_hours_ahead(seeded.url, token)
    booking_id = booked["id"]
    web.open("/me/bookings")
    card = web.find(f"[data-booking='{booking_id}']")
    web.click(web.button(web.t("mine.reschedule"), card))
    web.settle()
    assert web.heading() == web.t("book.title_reschedule")
    new_start = Member(web, "", "").first_free_time()
    assert new_start != booked["starts_at"]
    axe(web, "reschedule")
    web.press(web.t("book.move_here"))
    web.wait(lambda: f"moved={booking_id}" in web.hash, message="not moved")
    moved = requests.get(f"{seeded.url}/v1/bookings/{booking_id}", headers=bearer(token), timeout=30).json()
    assert moved["starts_at"][:16] == new_start[:16]
    assert web.t("mine.moved") in web.main_text()


@pytest.mark.parametrize("lang", ["kk"])
def test_a_slot_chosen_when_the_session_ran_out_is_kept_through_signing_in_again(web, seeded):
    phone, token = signed_in(web, seeded.url)
    web.open("/book?centre=karasai-yrc&service=state-programmes")
    starts_at = Member(web, "", "").first_free_time()
    web.driver.execute_script(
        "const s = JSON.parse(localStorage.getItem('jastar.session')); s.token = 'expired';"
        "localStorage.setItem('jastar.session', JSON.stringify(s));")
    web.press(web.t("book.confirm"))
    web.wait(lambda: "signin" in web.hash, message="not asked to sign in")
    Member(web, phone, "").sign_in()
    assert web.heading() == web.t("book.title") and web.t("book.kept") in web.main_text()
    web.press(web.t("book.confirm"))
    web.wait(lambda: "booked=" in web.hash, message="not booked after signing in again")
    assert [b["starts_at"][:16] for b in my_bookings(seeded.url, token)] == [starts_at[:16]]


@pytest.mark.parametrize("lang", ["ru"])
def test_near_its_start_a_booking_says_until_when_it_could_be_moved_or_cancelled(web, axe, seeded):
    _, token = signed_in(web, seeded.url)
    booked = booked_hours_ahead(seeded.url, token)
    move_until, cancel_until = (datetime.fromisoformat(booked[k]) for k in ("move_until", "cancel_until"))
    assert move_until < cancel_until < datetime.fromisoformat(booked["starts_at"])

    def card_seen_at(moment):
        with web.clock_at(moment):
            web.fresh()
            web.sign_in_as(token)  # stored at the page's time, as the sign-in page would
            web.open("/me/bookings")
            return web.find(f"[data-booking='{booked['id']}']")

    def hh_mm(moment):
        return moment.astimezone(ZoneInfo("Asia/Almaty")).strftime("%H:%M")

    card = card_seen_at(move_until - timedelta(minutes=5))
    assert web.link(web.t("mine.reschedule"), card) and web.button(web.t("mine.cancel"), card)
    assert not card.find_elements(By.CSS_SELECTOR, "[data-closed]")

    card = card_seen_at(move_until + timedelta(minutes=5))  # may still cancel, no longer move
    assert not card.find_elements(By.XPATH, ".//a[contains(@href, 'reschedule=')]")
    assert web.button(web.t("mine.cancel"), card)
    assert card.find_element(By.CSS_SELECTOR, "[data-closed=move]").text == web.t("mine.move_closed", time=hh_mm(move_until))

    card = card_seen_at(cancel_until + timedelta(minutes=5))  # neither
    assert not card.find_elements(By.CSS_SELECTOR, "[data-action=cancel]")
    assert card.find_element(By.CSS_SELECTOR, "[data-closed=cancel]").text == web.t("mine.cancel_closed", time=hh_mm(cancel_until))
    assert card.find_elements(By.CSS_SELECTOR, "[data-action=calendar]")  # still there to add
    axe(web, "my bookings near the start")

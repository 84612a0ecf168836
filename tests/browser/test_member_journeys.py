"""A young person's journeys in a real browser, in Kazakh and in Russian,
each page scanned by axe-core."""
import requests
from selenium.webdriver.common.by import By

from page_objects import DESKTOP
from page_objects.member import Member

from .conftest import new_phone


def test_first_visit_asks_the_language_then_shows_the_centres(web, axe, seeded):
    web.driver.get(web.base_url + "/")
    chooser = web.wait(lambda: web.find(".chooser"))
    axe(web, "language chooser")
    web.click(chooser.find_element(By.CSS_SELECTOR, f"button[data-lang='{web.lang}']"))
    web.wait_ready()
    assert web.heading() == web.t("centres.title")
    centres = requests.get(seeded.url + "/v1/centers", params={"limit": 100}, timeout=30).json()["items"]
    karasai = next(c for c in centres if c["id"] == "karasai-yrc")
    planned = next(c for c in centres if c["status"] == "planned")
    text = web.main_text()
    assert web.named(karasai) in text
    assert web.t("centre.opens_in", year=planned["planned_year"]) in text
    axe(web, "centres")
    # remembered: the next visit starts in the same language
    web.driver.refresh()
    web.wait_ready()
    assert web.heading() == web.t("centres.title")
    assert web.driver.execute_script("return document.documentElement.lang") == web.lang

    web.click(web.link(web.named(karasai)))
    # (settle alone can run before the hashchange: the centres page is still there, or nothing yet)
    web.wait(lambda: web.heading() == web.named(karasai), message="the centre's page did not open")
    web.settle()
    assert web.find_all("[data-service='jobs']") and web.find_all("[data-space='karasai-studio']")
    axe(web, "centre")
    web.viewport(DESKTOP)  # the wide layout too
    assert web.find("header nav").is_displayed()
    axe(web, "centre (desktop)")


def test_register_book_a_consultation_see_it_and_cancel_it(web, axe, seeded):
    member = Member(web, new_phone(), f"Айгерім {web.lang.upper()}")
    web.open("/centre/karasai-yrc")
    card = web.find("[data-service='housing']")
    web.click(web.button(web.t("centre.book_consultation"), card))
    web.settle()
    assert web.heading() == web.t("book.title")
    starts_at = member.first_free_time()
    axe(web, "booking page")
    web.press(web.t("book.sign_in_to_book"))
    assert "signin" in web.hash
    axe(web, "sign in")
    member.sign_in_or_register()

    # back on the booking page, the chosen time kept
    assert web.heading() == web.t("book.title")
    assert web.t("book.kept") in web.main_text()
    web.press(web.t("book.confirm"))
    web.wait(lambda: "booked=" in web.hash, message="not booked")
    web.settle()
    booking_id = web.hash.split("booked=")[1]
    card = member.booking_card(booking_id)
    assert card.get_attribute("data-state") == "confirmed"
    assert web.t("state.confirmed") in card.text
    axe(web, "my bookings")

    # the API agrees: booked at the time picked
    token = web.driver.execute_script("return JSON.parse(localStorage.getItem('jastar.session')).token")
    booking = requests.get(f"{seeded.url}/v1/bookings/{booking_id}", timeout=30,
                           headers={"Authorization": f"Bearer {token}"}).json()
    assert booking["starts_at"][:16] == starts_at[:16] and booking["service_id"] == "housing"

    web.click(web.button(web.t("mine.cancel"), card))
    dialog = web.wait(lambda: web.find("dialog[open]"))
    axe(web, "cancel dialog")
    web.click(web.button(web.t("mine.cancel_yes"), dialog))
    web.wait(lambda: member.booking_card(booking_id).get_attribute("data-state") == "cancelled",
             message="not cancelled")
    assert web.t("state.cancelled") in member.booking_card(booking_id).text

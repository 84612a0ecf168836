"""A young person's journeys through the app."""
from datetime import datetime, timezone

from selenium.webdriver.common.by import By

from jastar_devkit.helpers import BOOKING_LEAD


class Member:
    def __init__(self, app, phone, full_name, birth_date="2003-04-12", categories=()):
        self.app, self.phone, self.full_name, self.birth_date = app, phone, full_name, birth_date
        self.categories = categories

    def sign_in_or_register(self):
        """On the sign-in page: the phone, then register (a new phone) and the code."""
        app = self.app
        app.fill(app.t("auth.phone"), self.phone)
        app.press(app.t("auth.send_code"))
        app.press(app.t("auth.register"))
        app.fill(app.t("member.full_name"), self.full_name)
        app.fill(app.t("member.birth_date"), self.birth_date)
        for category in self.categories:
            app.check(app.t(f"member.category.{category}"))
        app.check(app.t("member.consent"))
        app.press(app.t("auth.register_submit"))
        self.enter_code()

    def sign_in(self):
        app = self.app
        app.fill(app.t("auth.phone"), self.phone)
        app.press(app.t("auth.send_code"))
        self.enter_code()

    def enter_code(self):
        app = self.app
        # LOGIN_CODE_ECHO: the code comes back in the API's answer and the app shows it
        code = app.wait(lambda: app.find(".dev-code").get_attribute("data-code"), message="no code shown")
        app.fill(app.t("auth.code"), code)
        before = app.hash
        app.press(app.t("auth.sign_in"))
        app.wait(lambda: app.hash != before and "signin" not in app.hash, message="not signed in")
        app.settle()

    def bookings(self):
        """The cards on My bookings: {id: (state, text)}."""
        self.app.go("/me/bookings")
        return {card.get_attribute("data-booking"): (card.get_attribute("data-state"), card.text)
                for card in self.app.find_all("[data-booking]")}

    def booking_card(self, booking_id):
        return self.app.find(f"[data-booking='{booking_id}']")

    def waitlist_card(self):
        cards = self.app.find_all("[data-entry]")
        return cards[0] if cards else None

    def first_free_time(self, lead=BOOKING_LEAD):
        """Pick the first free time of the chosen day, or of the days after,
        that starts `lead` or more from now; returns its start (ISO, UTC)."""
        app = self.app
        app.wait(lambda: app.find_all(".times input[type=radio]"), message="no free times")
        earliest = datetime.now(timezone.utc) + lead
        while True:
            radio = next((r for r in app.find_all(".times input[type=radio]") if r.is_enabled()
                          and datetime.fromisoformat(r.get_attribute("data-slot")) >= earliest), None)
            if radio:
                break
            days = app.find_all(".days input[type=radio]")
            chosen = next(n for n, day in enumerate(days) if day.is_selected())
            assert chosen + 1 < len(days), f"no free time {lead} or more ahead"
            app.click(app.driver.find_element(By.CSS_SELECTOR, f"label[for='{days[chosen + 1].get_attribute('id')}']"))
        app.click(app.driver.find_element(By.CSS_SELECTOR, f"label[for='{radio.get_attribute('id')}']"))
        return radio.get_attribute("data-slot")

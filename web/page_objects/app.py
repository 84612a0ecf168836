"""The app as a user sees it: open a page in a language, read a message,
click a button or a link by its text, fill a field by its label."""
import json
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from selenium.common.exceptions import (ElementClickInterceptedException, NoSuchElementException,
                                        StaleElementReferenceException)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WEB = Path(__file__).resolve().parents[1]
PHONE = {"width": 390, "height": 844, "mobile": True}
DESKTOP = {"width": 1280, "height": 900, "mobile": False}
WAIT_SECONDS = 30
# the page's Date, moved by a fixed number of milliseconds and running on
SHIFTED_CLOCK = """(() => {
  const shift = %d, Real = Date;
  class Shifted extends Real {
    constructor(...args) { if (args.length) super(...args); else super(Real.now() + shift); }
    static now() { return Real.now() + shift; }
  }
  globalThis.Date = Shifted;
})();"""


def literal(text):
    """An XPath string literal for any text (quotes included)."""
    if "'" not in text:
        return f"'{text}'"
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


class WebApp:
    def __init__(self, driver, base_url, lang="kk"):
        self.driver, self.base_url, self.lang = driver, base_url.rstrip("/"), lang
        self.messages = json.loads((WEB / "messages" / f"{lang}.json").read_text(encoding="utf-8"))

    # --- language and messages -------------------------------------------------

    def t(self, key, **params):
        text = self.messages[key]
        if isinstance(text, dict):
            text = text.get("other")
        for name, value in params.items():
            text = text.replace("{" + name + "}", str(value))
        return text

    def named(self, obj, field="name"):
        return obj.get(f"{field}_{self.lang}") or obj.get(f"{field}_ru")

    # --- the browser -------------------------------------------------------------

    def viewport(self, size):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": size["width"], "height": size["height"], "deviceScaleFactor": 1,
            "mobile": size["mobile"]})

    @contextmanager
    def clock_at(self, moment):
        """Pages loaded inside read their clock as `moment` (aware) and on from
        there: for what the app itself judges against the time. The services
        keep their own clock."""
        shift_ms = round((moment - datetime.now(timezone.utc)).total_seconds() * 1000)
        added = self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                            {"source": SHIFTED_CLOCK % shift_ms})
        try:
            yield self
        finally:
            self.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                                        {"identifier": added["identifier"]})

    def fresh(self):
        """A first visit: nothing stored, nobody signed in."""
        self.driver.get(self.base_url + "/health")
        self.driver.execute_script("localStorage.clear(); sessionStorage.clear();")

    def open(self, path="/", remember_language=True):
        """Load the app at #<path> (a full load, not a hash change)."""
        self.driver.get(self.base_url + "/health")  # then the app loads anew, not by a hash change
        if remember_language:
            self.driver.execute_script("localStorage.setItem('jastar.lang', arguments[0])", self.lang)
        self.driver.get(f"{self.base_url}/#{path}")
        self.wait_ready()
        return self

    def sign_in_as(self, token, role="member"):
        """Start signed in with a token the API gave (what the sign-in page stores)."""
        self.driver.execute_script(
            "localStorage.setItem('jastar.session', JSON.stringify({token: arguments[0], role: arguments[1],"
            " expiresAt: Date.now() + arguments[2] * 1000}))",
            token["access_token"], role, token["expires_in"] - 60)

    def go(self, path):
        """Move inside the app, as a link would."""
        self.driver.execute_script("location.hash = arguments[0]", path)
        self.settle()

    def wait(self, condition, seconds=WAIT_SECONDS, message=""):
        return WebDriverWait(self.driver, seconds, ignored_exceptions=(
            NoSuchElementException, StaleElementReferenceException)).until(lambda d: condition(), message)

    def wait_ready(self):
        self.wait(lambda: self.driver.execute_script("return document.body.dataset.ready === 'true'"),
                  message="the app did not start")
        self.settle()

    def settle(self):
        """Nothing is loading any more."""
        self.wait(lambda: not self.driver.find_elements(By.CSS_SELECTOR, "main .loading"),
                  message="still loading")

    @property
    def hash(self):
        return self.driver.execute_script("return location.hash")

    def main_text(self):
        return self.driver.find_element(By.ID, "main").text

    def heading(self):
        return self.driver.find_element(By.CSS_SELECTOR, "main h1").text

    # --- finding things by what people read ------------------------------------

    def find(self, css, within=None):
        return (within or self.driver).find_element(By.CSS_SELECTOR, css)

    def find_all(self, css, within=None):
        return (within or self.driver).find_elements(By.CSS_SELECTOR, css)

    def button(self, text, within=None):
        """A button (or a link styled as one) in the page's main part, unless `within` says where."""
        within = within or self.driver.find_element(By.ID, "main")
        xpath = (f".//button[normalize-space()={literal(text)}] | "
                 f".//a[contains(@class, 'button') and normalize-space()={literal(text)}]")
        return self.wait(lambda: self._visible(within.find_elements(By.XPATH, xpath)),
                         message=f"no button {text!r}")

    def link(self, text, within=None):
        xpath = f".//a[normalize-space()={literal(text)}]"
        return self.wait(lambda: self._visible((within or self.driver).find_elements(By.XPATH, xpath)),
                         message=f"no link {text!r}")

    def field(self, label):
        """The control a <label> names (fails if the label is missing)."""
        def found():
            for element in self.driver.find_elements(By.XPATH, f"//label[normalize-space()={literal(label)}]"):
                if element.is_displayed():
                    return self.driver.find_element(By.ID, element.get_attribute("for"))
            return None
        return self.wait(found, message=f"no field labelled {label!r}")

    @staticmethod
    def _visible(elements):
        return next((e for e in elements if e.is_displayed()), None)

    # --- doing things ------------------------------------------------------------

    def click(self, element):
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        for _ in range(20):
            try:
                element.click()
                return
            except ElementClickInterceptedException:
                time.sleep(0.1)
        element.click()

    def press(self, text, within=None):
        self.click(self.button(text, within))
        self.settle()

    def fill(self, label, value):
        control = self.field(label)
        if control.get_attribute("type") in ("date", "time"):
            # date and time inputs take keys in the browser's locale order: set the value as a script would
            self.driver.execute_script(
                "arguments[0].value = arguments[1];"
                "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
                "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", control, value)
        else:
            control.clear()
            control.send_keys(value)
        return control

    def check(self, label):
        control = self.field(label)
        if not control.is_selected():
            self.click(self.driver.find_element(By.CSS_SELECTOR, f"label[for='{control.get_attribute('id')}']"))

    def choose(self, label):
        """A radio (a topic, a day, a time) by its label."""
        self.check(label)

    def select(self, label, option_text):
        control = self.field(label)
        control.find_element(By.XPATH, f".//option[normalize-space()={literal(option_text)}]").click()

    def alerts(self):
        return [e.text for e in self.find_all("main .alert, #banner .alert") if e.is_displayed()]

    def screenshot(self, path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))
        return path

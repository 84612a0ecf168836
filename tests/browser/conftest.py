"""Browser tests: Debian's Chromium driven by Selenium (chromium-driver),
against the whole system as tests/integration runs it (the shared `system`
fixture, tests/system.py), with the demo data loaded. The web app's page
objects live beside its source (web/page_objects). On failure the test's
screenshot goes to var/browser-failures/."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from jastar_devkit.helpers import bearer, new_phone, sign_up, wait_until  # noqa: F401 (tests import them)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "web"))  # the page objects live with the app

from page_objects import DESKTOP, PHONE, WebApp  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
AXE = ROOT / "web/node_modules/axe-core/axe.min.js"
FAILURES = ROOT / "var/browser-failures"


@pytest.fixture(scope="session")
def seeded(system):
    """The system with the demo data, once it sends sign-in codes: right after
    start a first code can take notifications past the gateway's RPC deadline
    (a 503 the app shows with a retry); the journeys start after that."""
    subprocess.run(["jastar-registry-seed"], env=system.env("registry"), check=True, capture_output=True)
    phone = "+7 701 000 00 01"
    requests.post(system.url + "/v1/members", timeout=30, json={
        "full_name": "Warm Up", "birth_date": "2000-01-01", "phone": phone, "language": "ru", "consent": True})
    wait_until(lambda: requests.post(system.url + "/v1/auth/otp", json={"phone": phone}, timeout=30)
               .status_code == 202, seconds=120, what="no sign-in codes")
    # the same for the registry while it sends the seed's events and booking and reports
    # copy it: a first page of 100 can take it past the deadline (CI saw 503s for
    # /v1/specialists and /v1/programmes on the first desk page)
    for path in ("/v1/centers", "/v1/services", "/v1/programmes", "/v1/specialists"):
        wait_until(lambda path=path: requests.get(system.url + path, params={"limit": 100}, timeout=30)
                   .status_code == 200, seconds=120, what=f"{path} does not answer")
    return system


def sign_up_by_api(base, name="Қатысушы", categories=()):
    """A member registered and signed in through the API: (member, token answer)."""
    return sign_up(base, full_name=name, categories=list(categories))


@pytest.fixture(scope="session")
def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--disable-extensions", "--no-first-run"):
        options.add_argument(arg)  # --no-sandbox: CI runs as root
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(params=["kk", "ru"])
def lang(request):
    return request.param


@pytest.fixture
def web(chromium, seeded, lang, request):
    """The app in a fresh browser state, on a phone, in `lang`."""
    app = WebApp(chromium, seeded.url, lang)
    app.viewport(PHONE)
    app.fresh()
    request.node.web_app = app
    yield app
    chromium.get_log("browser")  # drop this test's console lines


@pytest.fixture
def axe(chromium):
    """axe-core (npm, web/node_modules) injected into the page: a scan returns
    the serious and critical violations of WCAG 2.1 A/AA."""
    assert AXE.exists(), f"{AXE} is missing: `make test` installs it (or: cd web && npm ci)"
    source = AXE.read_text(encoding="utf-8")

    def scan(app, where=""):
        app.settle()
        chromium.execute_script(source)
        result = chromium.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},"
            " resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));")
        assert isinstance(result, list), f"axe failed: {result}"
        bad = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5]}
               for v in result if v["impact"] in ("serious", "critical")]
        assert not bad, f"accessibility violations on {where or app.hash}: {bad}"
        return result

    return scan


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    app = getattr(item, "web_app", None)
    if report.failed and app is not None and call.when in ("call", "setup"):
        name = item.nodeid.split("::")[-1].replace("/", "_").replace("[", "-").replace("]", "")
        try:
            path = app.screenshot(FAILURES / f"{name}.png")
            report.sections.append(("browser", f"screenshot: {path}\nurl: {app.driver.current_url}\n"
                                               f"console: {app.driver.get_log('browser')[-10:]}"))
        except Exception as exc:  # the browser itself may be what failed
            report.sections.append(("browser", f"no screenshot: {exc}"))


__all__ = ["DESKTOP", "PHONE"]

"""Screenshots of the web app for docs/screenshots/, taken from a running
system (`make run`, demo data loaded) with Debian's Chromium:

    .venv/bin/python scripts/web_screenshots.py http://127.0.0.1:8000 [--all]

Without --all: only the images the README shows. With --all: every member
page in kk and ru, on a phone and on a desktop, into var/screenshots/ (for
looking, not for the repository)."""
import argparse
import sys
import uuid
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "web"))

from page_objects import DESKTOP, PHONE, WebApp  # noqa: E402
from page_objects.member import Member  # noqa: E402


def chromium():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def booking_page(app, out):
    """The booking page with a time picked, as a signed-out visitor sees it."""
    app.open("/book?centre=karasai-yrc&service=jobs")
    Member(app, "", "").first_free_time()
    app.settle()
    # the times and the summary, as the visitor sees them before confirming
    app.driver.execute_script("document.querySelector('.confirm').scrollIntoView({block: 'end'})")
    app.screenshot(out)


def every_page(app, folder, size_name):
    n = uuid.uuid4().int
    member = Member(app, f"+7 701 {n % 900 + 100} {n // 1000 % 90 + 10} {n // 100000 % 90 + 10}",
                    "Әсел Нұрланқызы", categories=["young_women_and_mothers"])
    shots = [("centres", "/centres"), ("centre", "/centre/karasai-yrc"), ("programmes", "/programmes"),
             ("programme", "/programme/sewing-course"), ("space", "/space/karasai-hall?centre=karasai-yrc")]
    for name, path in shots:
        app.open(path)
        app.screenshot(folder / f"{name}-{app.lang}-{size_name}.png")
    booking_page(app, folder / f"book-{app.lang}-{size_name}.png")
    app.press(app.t("book.sign_in_to_book"))
    app.screenshot(folder / f"signin-{app.lang}-{size_name}.png")
    member.sign_in_or_register()
    app.press(app.t("book.confirm"))
    app.wait(lambda: "booked=" in app.hash)
    app.settle()
    app.screenshot(folder / f"my-bookings-{app.lang}-{size_name}.png")
    for name, path in (("notifications", "/me/notifications"), ("account", "/me/account")):
        app.go(path)
        app.screenshot(folder / f"{name}-{app.lang}-{size_name}.png")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args()
    driver = chromium()
    try:
        if args.all:
            folder = ROOT / "var/screenshots"
            for lang in ("kk", "ru"):
                for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
                    app = WebApp(driver, args.base_url, lang)
                    app.viewport(size)
                    app.fresh()
                    every_page(app, folder, size_name)
            print(f"screenshots in {folder}")
            return
        for lang in ("kk", "ru"):
            app = WebApp(driver, args.base_url, lang)
            app.viewport(PHONE)
            app.fresh()
            booking_page(app, ROOT / f"docs/screenshots/booking-phone-{lang}.png")
        print("docs/screenshots/booking-phone-{kk,ru}.png")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()

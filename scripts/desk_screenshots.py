"""Screenshots of the desk for docs/screenshots/, from a running system
(`make run`, demo data loaded; the admin key it prints) with Debian's Chromium:

    .venv/bin/python scripts/desk_screenshots.py http://127.0.0.1:8000 ADMIN_KEY [--all]

It adds a staff account for Karasai and fills the next working day with
bookings (members registered through the API), then signs in at the desk.
Without --all: the staff day list on a desktop in kk and ru, as the README
shows it. With --all: every desk, admin and reports page in kk and ru, on a
desktop and a tablet, into var/screenshots/ (for looking, not for the
repository)."""
import argparse
import sys
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "web"))
sys.path.insert(0, str(ROOT / "scripts"))

from page_objects import DESKTOP, WebApp
from page_objects.desk import TABLET, Admin, Staff
from web_screenshots import chromium

from jastar_devkit.helpers import bearer, new_phone, sign_up

KARASAI = "karasai-yrc"
PEOPLE = [("Айгерім Сапарова", "jobs"), ("Ерлан Жұмабаев", "housing"), ("Алия Нұрланова", "lawyer"),
          ("Мадина Ахметова", "health"), ("Нұрсұлтан Оспанов", "state-programmes"), ("Дамир Қасымов", "psychologist")]


def member(base, name):
    return bearer(sign_up(base, new_phone(operator="702"), full_name=name, birth_date="2001-05-04")[1])


def fill_a_day(base):
    """Bookings on the first day with free consultations; returns that day (Almaty)."""
    first = requests.get(f"{base}/v1/availability", params={"service_id": "jobs", "limit": 1}, timeout=30).json()
    day = first["items"][0]["starts_at"][:10]
    for i, (name, service) in enumerate(PEOPLE):
        headers = member(base, name)
        slots = requests.get(f"{base}/v1/availability", timeout=30,
                             params={"service_id": service, "from": day, "to": day, "limit": 50}).json()["items"]
        if slots:
            slot = slots[min(i, len(slots) - 1)]
            requests.post(f"{base}/v1/bookings", timeout=30, headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                          json={"kind": "consultation", "service_id": service, "starts_at": slot["starts_at"]})
    hours = requests.get(f"{base}/v1/availability", timeout=30,
                         params={"space_id": "karasai-hall", "from": day, "to": day}).json()["items"]
    if hours:  # the hall needs staff approval: a pending booking
        hour = hours[len(hours) // 2]
        requests.post(f"{base}/v1/bookings", timeout=30,
                      headers={**member(base, "Әсел Бекова"), "Idempotency-Key": str(uuid.uuid4())},
                      json={"kind": "space", "space_id": "karasai-hall", "starts_at": hour["starts_at"],
                            "ends_at": hour["ends_at"]})
    return day


def shoot(app, path, out):
    app.go(path)
    app.settle()
    app.screenshot(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("admin_key")
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    staff_phone = new_phone(operator="702")
    requests.post(f"{base}/v1/staff", headers={"X-Api-Key": args.admin_key}, timeout=30, json={
        "phone": staff_phone, "full_name": "Дана Серікова", "role": "staff", "centre_ids": [KARASAI]}
    ).raise_for_status()
    day = fill_a_day(base)
    driver = chromium()
    try:
        for lang in ("kk", "ru"):
            sizes = (("desktop", DESKTOP), ("tablet", TABLET)) if args.all else (("desktop", DESKTOP),)
            for size_name, size in sizes:
                app = WebApp(driver, base, lang)
                app.viewport(size)
                app.fresh()
                Staff(app, staff_phone).sign_in(f"/desk?centre={KARASAI}&date={day}")
                if not args.all:
                    app.screenshot(ROOT / f"docs/screenshots/desk-day-desktop-{lang}.png")
                    continue
                folder = ROOT / "var/screenshots"
                app.screenshot(folder / f"desk-day-{lang}-{size_name}.png")
                for name, path in (("walk-in", "/desk/walk-in"), ("rosters", "/desk/rosters"),
                                   ("reference", "/desk/reference"), ("sessions", "/desk/reference?tab=sessions"),
                                   ("schedules", "/desk/reference?tab=schedules"), ("reports", "/reports")):
                    shoot(app, path, folder / f"{name}-{lang}-{size_name}.png")
                app.fresh()
                Admin(app, args.admin_key).sign_in()
                app.screenshot(folder / f"admin-{lang}-{size_name}.png")
                shoot(app, "/admin/webhooks", folder / f"webhooks-{lang}-{size_name}.png")
        print("var/screenshots/" if args.all else "docs/screenshots/desk-day-desktop-{kk,ru}.png")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()

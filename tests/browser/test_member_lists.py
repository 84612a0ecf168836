"""Lists the member pages read are paged by the API ({items, total, limit,
offset}, 20 unless asked): the app reads every page it shows, not the first."""
from datetime import datetime
from zoneinfo import ZoneInfo

import requests

ALMATY = ZoneInfo("Asia/Almaty")


def all_free_starts(base, **query):
    """Every free slot's start in the fortnight, read page by page from the API."""
    items, offset = [], 0
    while True:
        page = requests.get(base + "/v1/availability", params={**query, "limit": 100, "offset": offset},
                            timeout=30).json()
        items += page["items"]
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return page["total"], sorted({s["starts_at"] for s in items if s["free"] > 0})


def almaty_day(iso):
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ALMATY).date().isoformat()


def test_booking_shows_every_free_slot_of_the_fortnight_not_the_first_page(web, seeded):
    total, starts = all_free_starts(seeded.url, service_id="jobs")
    assert total > 20, f"the demo data should give jobs more than one page of slots, not {total}"
    days = sorted({almaty_day(s) for s in starts})
    web.open("/book?service=jobs")
    shown_days = [radio.get_attribute("value") for radio in web.find_all(".days input[type=radio]")]
    assert shown_days == days
    # the last day of the fortnight, far past the first page: all its times
    last = days[-1]
    day = web.find(f".days input[value='{last}']")
    web.click(web.find(f"label[for='{day.get_attribute('id')}']"))
    web.wait(lambda: web.find(".times input[type=radio]").get_attribute("data-slot") in starts)
    shown = [radio.get_attribute("data-slot") for radio in web.find_all(".times input[type=radio]")]
    assert shown == [s for s in starts if almaty_day(s) == last]

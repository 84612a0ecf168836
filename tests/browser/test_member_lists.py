"""Lists the member pages read are paged by the API ({items, total, limit,
offset}, 20 unless asked): the app reads every page it shows, not the first."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.waiting import wait_until

from .conftest import bearer, sign_up_by_api

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


@pytest.mark.parametrize("lang", ["ru"])
def test_my_messages_show_twenty_then_the_rest_behind_more(web, seeded):
    _, token = sign_up_by_api(seeded.url, "Көп Хабар")
    _, starts = all_free_starts(seeded.url, service_id="jobs")
    for starts_at in starts[-11:]:  # booked and cancelled: two messages each, with the welcome 23
        made = requests.post(seeded.url + "/v1/bookings", headers=bearer(token), timeout=30, json={
            "kind": "consultation", "service_id": "jobs", "starts_at": starts_at})
        assert made.status_code == 201, made.text
        cancelled = requests.post(f"{seeded.url}/v1/bookings/{made.json()['booking']['id']}/cancel",
                                  headers=bearer(token), json={}, timeout=30)
        assert cancelled.status_code == 200, cancelled.text

    def total():
        answer = requests.get(seeded.url + "/v1/me/notifications", headers=bearer(token), timeout=30).json()
        return answer["total"] if answer["total"] >= 23 else None
    count = wait_until(total, what="the messages were not all written")
    web.sign_in_as(token)
    web.open("/me/notifications")
    assert len(web.find_all("[data-message]")) == 20
    web.press(web.t("common.more"))
    web.wait(lambda: len(web.find_all("[data-message]")) == count, message="the rest did not show")
    assert len({card.get_attribute("data-message") for card in web.find_all("[data-message]")}) == count
    assert not web.find_all("[data-action=more]")

"""Quiet hours on My notifications, in Kazakh and Russian: turned on with two
times, saved, read back after a reload; a window of no length is refused next
to its field; turned off again."""
import requests

from .conftest import bearer, sign_up_by_api


def prefs(base, token):
    return requests.get(base + "/v1/me/notification-preferences", headers=bearer(token), timeout=30).json()


def test_quiet_hours_are_saved_and_read_back_after_a_reload(web, axe, seeded):
    _, token = sign_up_by_api(seeded.url, "Тыныш Түн")
    web.sign_in_as(token)
    web.open("/me/notifications")
    on = web.field(web.t("notes.quiet.on"))
    assert not on.is_selected() and not web.field(web.t("notes.quiet.from")).is_enabled()
    axe(web, "notifications, quiet hours off")

    web.check(web.t("notes.quiet.on"))
    web.fill(web.t("notes.quiet.from"), "23:00")
    web.fill(web.t("notes.quiet.to"), "7:30")  # written as 07:30
    web.press(web.t("common.save"))
    web.wait(lambda: web.t("common.saved") in web.main_text(), message="quiet hours not saved")
    assert prefs(seeded.url, token)["quiet_hours"] == {"from": "23:00", "to": "07:30"}

    web.driver.execute_script("sessionStorage.clear()")  # no draft: what shows comes from the API
    web.driver.refresh()
    web.wait_ready()
    assert web.field(web.t("notes.quiet.on")).is_selected()
    assert web.field(web.t("notes.quiet.from")).get_attribute("value") == "23:00"
    assert web.field(web.t("notes.quiet.to")).get_attribute("value") == "07:30"
    axe(web, "notifications, quiet hours on")

    # the same time twice is no window: the API's 400 shows next to the field
    web.fill(web.t("notes.quiet.to"), "23:00")
    web.press(web.t("common.save"))
    control = web.field(web.t("notes.quiet.to"))
    web.wait(lambda: control.get_attribute("aria-invalid") == "true", message="no error on the field")
    error = web.find(f"#{control.get_attribute('id')}-error")
    assert error.is_displayed() and "must differ" not in error.text  # in the user's language
    assert prefs(seeded.url, token)["quiet_hours"] == {"from": "23:00", "to": "07:30"}  # nothing changed

    web.fill(web.t("notes.quiet.to"), "07:30")
    web.click(web.find(f"label[for='{web.field(web.t('notes.quiet.on')).get_attribute('id')}']"))
    web.press(web.t("common.save"))
    web.wait(lambda: prefs(seeded.url, token)["quiet_hours"] is None, message="quiet hours not turned off")

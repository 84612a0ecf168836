"""The running gateway serves the app at / and what the app needs from the
public API (GET /v1/specialists was added for it)."""
import requests


def test_the_gateway_serves_the_shell_and_hashed_assets(seeded):
    shell = requests.get(seeded.url + "/", timeout=30)
    assert shell.status_code == 200 and shell.headers["Cache-Control"] == "no-cache"
    assert shell.headers["Content-Type"].startswith("text/html")
    main = shell.text.split('<script type="module" src="')[1].split('"')[0]
    asset = requests.get(seeded.url + main, timeout=30)
    assert asset.status_code == 200 and "immutable" in asset.headers["Cache-Control"]
    assert asset.headers["Content-Type"].startswith("text/javascript")
    assert requests.get(seeded.url + "/assets/app/nothing.js", timeout=30).status_code == 404
    assert requests.get(seeded.url + "/favicon.ico", timeout=30).status_code == 200


def test_specialists_are_listed_by_service(seeded):
    page = requests.get(seeded.url + "/v1/specialists", params={"service_id": "jobs"}, timeout=30).json()
    assert page["items"] and all("jobs" in s["service_ids"] for s in page["items"])
    assert {"id", "full_name", "title_kk", "title_ru"} <= set(page["items"][0])
    bad = requests.get(seeded.url + "/v1/specialists", params={"colour": "red"}, timeout=30)
    assert bad.status_code == 400 and "colour" in bad.json()["fields"]

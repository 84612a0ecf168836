"""The thin end-to-end slice, every service a process on PostgreSQL: the
gateway is ready, reaches the registry by RPC, and a registry event lands in
booking's copy."""
import subprocess
import time

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcClient

import jastar_common.errors  # noqa: F401  (typed errors over RPC)
from jastar_registry.seed import CENTRES


def all_pages(url, limit=50):
    items, offset = [], 0
    while True:
        page = requests.get(url, params={"limit": limit, "offset": offset}, timeout=30).json()
        items += page["items"]
        offset += limit
        if offset >= page["total"]:
            assert len(items) == page["total"]
            return items


def test_health_and_ready(system):
    assert requests.get(system.url + "/health").json() == {"status": "ok"}
    ready = requests.get(system.url + "/ready")
    assert ready.status_code == 200
    assert ready.json()["services"] == {"registry": "ok", "booking": "ok", "notifications": "ok",
                                        "reports": "ok"}
    assert ready.headers["X-Request-Id"]


def test_demo_data_through_the_gateway_and_into_bookings_copy(system):
    seed = ["jastar-registry-seed"]
    env = system.env("registry")
    subprocess.run(seed, env=env, capture_output=True, text=True, check=True)
    again = subprocess.run(seed, env=env, capture_output=True, text=True, check=True)
    assert "centre 0" in again.stdout and "session 0" in again.stdout  # loading twice changes nothing
    # other tests share this system and add centres of their own: the seeded ones are there, once each
    centres = all_pages(system.url + "/v1/centers")
    listed = [c["id"] for c in centres]
    assert {c["id"] for c in CENTRES} <= set(listed)
    assert len(listed) == len(set(listed))

    karasai = requests.get(system.url + "/v1/centers", params={"district_id": "karasai", "limit": 100}).json()
    assert "karasai-yrc" in [c["id"] for c in karasai["items"]]
    assert {c["district_id"] for c in karasai["items"]} == {"karasai"}  # the filter: that district's only
    assert len(karasai["items"]) == karasai["total"] < len(listed)
    districts = {d["id"]: d for d in requests.get(system.url + "/v1/districts", params={"limit": 50}).json()["items"]}
    assert districts["karasai"]["youth_population"] == 82_000

    # booking copies every seeded centre (other tests' event-only centres may be there too)
    seeded = set(listed)
    with ClusterRpcClient(uri=system.base_env["AMQP_URI"]) as rpc:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            copies = {c["id"]: c for c in rpc.booking.list_copies("centre")}
            if seeded <= set(copies):
                break
            time.sleep(0.2)
    assert seeded <= set(copies), seeded - set(copies)
    assert copies["talgar-yrc"]["status"] == "planned"


def test_bad_input_is_a_problem_naming_the_field(system):
    response = requests.get(system.url + "/v1/centers", params={"status": "demolished"})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "status" in response.json()["fields"]
    missing = requests.get(system.url + "/v1/centers/no-such-centre")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


@pytest.mark.slow  # a service stopped and started again
def test_ready_names_a_stopped_service(system):
    system.stop("notifications")
    try:
        response = requests.get(system.url + "/ready")
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert response.json()["services"]["notifications"].startswith("down")
        assert "notifications" in response.json()["detail"]
    finally:
        system.start("notifications")
        system.wait_ready()

"""Booking as deployed: every service its own process on PostgreSQL. The
registry's data reaches booking by events; booking keeps confirming from its
own copy while the registry is stopped; a new, empty booking database fills
itself from the registry by RPC."""
import subprocess
from datetime import datetime, timedelta

import pytest
from nameko.standalone.rpc import ClusterRpcClient

import jastar_common.errors  # noqa: F401  (typed errors over RPC)
from jastar_common.calendar import ALMATY
from jastar_devkit.helpers import ahead
from jastar_registry.seed import CENTRES, _sessions

from ..waiting import wait_until


def seeded(system):
    subprocess.run(["jastar-registry-seed"], env=system.env("registry"), check=True, capture_output=True)


@pytest.mark.slow  # a service stopped and started again
def test_booking_goes_on_while_the_registry_is_stopped(system):
    seeded(system)
    with ClusterRpcClient(uri=system.base_env["AMQP_URI"]) as rpc:
        member = rpc.registry.register_member({
            "full_name": "Дана Әбенова", "birth_date": "2003-03-08", "phone": "+7 702 555 12 34",
            "language": "kk", "district_id": "karasai", "consent": True})
        wait_until(lambda: any(m["id"] == member["id"] for m in rpc.booking.list_copies("member")))
        wait_until(lambda: any(s["id"] == "career-consultant-karasai"
                               for s in rpc.booking.list_copies("schedule")))
        today = datetime.now(ALMATY).date()
        slots = rpc.booking.availability({"kind": "consultation", "service_id": "jobs",
                                          "from": today.isoformat(),
                                          "to": (today + timedelta(days=14)).isoformat()})["items"]
        slots = ahead(slots)  # used only after the registry is stopped
        assert slots, "the career centre consultant has free slots in the next two weeks"

    system.stop("registry")
    try:
        with ClusterRpcClient(uri=system.base_env["AMQP_URI"]) as rpc:
            made = rpc.booking.create_booking({"kind": "consultation", "member_id": member["id"],
                                               "service_id": "jobs", "starts_at": slots[0]["starts_at"]})
            assert made["booking"]["state"] == "confirmed"
            assert made["booking"]["specialist_id"] == "career-consultant"
    finally:
        system.start("registry")
        system.wait_ready()


@pytest.mark.slow  # booking restarted on an empty database
def test_an_empty_booking_database_fills_itself_from_the_registry(system, new_pg_database):
    seeded(system)
    original = system.base_env["BOOKING_DATABASE_URL"]
    system.stop("booking")
    system.base_env["BOOKING_DATABASE_URL"] = new_pg_database("booking_resync").replace(
        "postgresql+psycopg2", "postgresql")
    try:
        system.start("booking")
        system.wait_ready()
        with ClusterRpcClient(uri=system.base_env["AMQP_URI"]) as rpc:
            # the resync stores kind after kind; sessions come last but members
            # (other tests share this system and add their own: the seeded ones must all be there)
            wanted = {s["id"] for s in _sessions(datetime.now(ALMATY).date())}
            wait_until(lambda: wanted <= {s["id"] for s in rpc.booking.list_copies("session")},
                       what=f"booking's copy lacks seeded sessions {wanted}")
            assert {c["id"] for c in CENTRES} <= {c["id"] for c in rpc.booking.list_copies("centre")}
    finally:
        system.stop("booking")
        system.base_env["BOOKING_DATABASE_URL"] = original
        system.start("booking")
        system.wait_ready()

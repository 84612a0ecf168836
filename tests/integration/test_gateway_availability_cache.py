"""Two more gateway processes caching availability for 60 s, so that only
invalidation can explain a fresh answer: a repeated question costs booking
nothing, a booking through one gateway is gone from its own answers at once,
and from the other gateway's as soon as the event reaches it."""
import re
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

from jastar_devkit.helpers import free_port, wait_until

from .test_journeys import sign_up

CACHE_SECONDS = 60
# one specialist gives both services: a booking of one takes the other's slots too
SERVICE, SIBLING = "state-programmes", "own-business"
CALLS = re.compile(r'^jastar_entrypoint_calls_total\{([^}]*)\}\s+([0-9.e+]+)$', re.M)


def left(deadline):
    """Seconds from now to a time.monotonic() deadline."""
    return max(0.0, deadline - time.monotonic())


@pytest.fixture(scope="module")
def gateways(system):
    subprocess.run(["jastar-registry-seed"], env=system.env("registry"), check=True, capture_output=True)
    ports = {key: free_port() for key in ("cache-a", "cache-b")}
    try:
        for key, port in ports.items():  # each its own metrics port too
            system.start("gateway", replica=key, GATEWAY_PORT=port, AVAILABILITY_CACHE_SECONDS=CACHE_SECONDS)
        for key in ports:
            system.wait_healthy(key, seconds=90)
        yield [f"http://127.0.0.1:{port}" for port in ports.values()]
    finally:
        for key in ports:
            if key in system.processes:
                system.stop(key)


def slots(url, service):
    """Every free slot of the service: all pages (a page holds 20 unless asked)."""
    items, offset = [], 0
    while True:
        response = requests.get(url + "/v1/availability", timeout=30,
                                params={"service_id": service, "limit": 100, "offset": offset})
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        offset += page["limit"]
        if offset >= page["total"]:
            return items


def booking_availability_calls(system):
    return sum(float(value) for labels, value in CALLS.findall(system.metrics("booking"))
               if 'entrypoint="availability"' in labels and 'service="booking"' in labels)


def overlapping(items, booked):
    start, end = (datetime.fromisoformat(booked[k]) for k in ("starts_at", "ends_at"))
    return [s for s in items if s["specialist_id"] == booked["specialist_id"]
            and datetime.fromisoformat(s["starts_at"]) < end and start < datetime.fromisoformat(s["ends_at"])]


def test_cached_availability_follows_bookings(system, gateways):
    a, b = gateways
    setup_deadline = time.monotonic() + 90
    # booking's copy of the seeded specialist (the main gateway caches for 5 s at most)
    wait_until(lambda: slots(system.url, SERVICE) and slots(system.url, SIBLING), left(setup_deadline),
               "booking knows the seeded specialist", interval=0.2)
    _, member = sign_up(system.url, 20000 + uuid.uuid4().int % 9000)

    # the first question fills each gateway's cache; asking again costs booking nothing
    filled = time.monotonic()
    for url in (a, b):
        slots(url, SERVICE), slots(url, SIBLING)
    wait_until(lambda: booking_availability_calls(system) > 0, left(setup_deadline), "booking counts its answers",
               interval=0.2)

    def repeats_cost_nothing():
        # retried: a late registry event from the seed may drop a cache in between
        before = booking_availability_calls(system)
        for url in (a, b):
            for _ in range(3):
                slots(url, SERVICE), slots(url, SIBLING)
        return booking_availability_calls(system) == before

    wait_until(repeats_cost_nothing, left(setup_deadline), "repeated questions are answered from the cache",
               interval=0.2)

    # a slot at least two days ahead (cancelling needs notice), booked through gateway A
    later = datetime.now(timezone.utc) + timedelta(days=2)
    slot = next(s for s in slots(a, SERVICE) if datetime.fromisoformat(s["starts_at"]) > later)
    assert overlapping(slots(b, SIBLING), slot), "B's cached answer has it free"
    body = {"kind": "consultation", "service_id": SERVICE, "specialist_id": slot["specialist_id"],
            "starts_at": slot["starts_at"]}
    headers = {"Idempotency-Key": uuid.uuid4().hex, **member.session.headers}

    def book():  # retried while booking has not yet heard of the new member (the key makes it safe)
        response = requests.post(a + "/v1/bookings", json=body, headers=headers, timeout=30)
        return response if response.status_code == 201 else None

    booked = wait_until(book, 30, "the member can book", interval=0.2).json()["booking"]
    assert booked["specialist_id"] == slot["specialist_id"]

    # (a) the same gateway: gone at once, from both services of the specialist
    assert not overlapping(slots(a, SERVICE), booked)
    assert not overlapping(slots(a, SIBLING), booked)

    # (b) the other gateway: gone once the event arrives, well before its 60 s could run out
    wait_until(lambda: not overlapping(slots(b, SERVICE), booked)
               and not overlapping(slots(b, SIBLING), booked),
               left(filled + CACHE_SECONDS - 5), "gateway B dropped its cached answers on the booking event",
               interval=0.2)

    # and back: cancelled through B, free again at once there, and soon on A
    refilled = time.monotonic()
    slots(a, SERVICE), slots(a, SIBLING)  # A caches the slot as taken
    cancelled = requests.post(f"{b}/v1/bookings/{booked['id']}/cancel", json={}, timeout=30,
                              headers=dict(member.session.headers))
    assert cancelled.status_code == 200, cancelled.text
    assert overlapping(slots(b, SERVICE), booked)
    wait_until(lambda: overlapping(slots(a, SERVICE), booked) and overlapping(slots(a, SIBLING), booked),
               left(refilled + CACHE_SECONDS - 5), "gateway A dropped its cached answers on the cancel event",
               interval=0.2)

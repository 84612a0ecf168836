"""Scaling out and crashing: two booking processes share the event work; one
is SIGKILLed mid-stream and the other takes over what it had in flight, with
every event's effect applied exactly once. Also the health and metrics each
process serves on its own port."""
import re
import signal
import time
import uuid

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcClient
from sqlalchemy import create_engine, func, select

from jastar_common import tables
from jastar_common.envelope import Envelope
from jastar_devkit.helpers import publish

N = 400


def handled(metrics_text):
    found = re.search(r'jastar_entrypoint_calls_total\{entrypoint="on_registry_change",outcome="ok",'
                      r'service="booking"\} (\d+)', metrics_text)
    return int(found.group(1)) if found else 0


def test_every_process_serves_health_and_metrics(system):
    for key in ("registry", "booking", "notifications", "gateway"):
        base = f"http://127.0.0.1:{system.metrics_ports[key]}"
        assert requests.get(base + "/healthz").status_code == 200
        assert requests.get(base + "/readyz").status_code == 200
    registry_metrics = system.metrics("registry")
    assert 'jastar_outbox_backlog{service="registry"}' in registry_metrics
    assert "jastar_outbox_oldest_age_seconds" in registry_metrics
    requests.get(system.url + "/v1/centers")
    assert 'jastar_http_requests_total{method="GET",route="/v1/centers",status="200"}' in \
        system.metrics("gateway")


@pytest.mark.slow  # a second process, 400 events, a SIGKILL
def test_two_booking_processes_share_the_work_and_take_over_from_a_killed_one(system):
    system.start("booking", replica="booking-2")
    system.wait_healthy("booking-2")
    run = uuid.uuid4().hex[:6]
    events = [Envelope(type="centre.created", source="registry", data={
        "centre_id": f"scale-{run}-{n}", "district_id": "karasai", "status": "open",
        "opening_hours": {}, "closed_dates": []}) for n in range(N)]
    publish(system.base_env["AMQP_URI"], events)

    # both take part, then one dies with work in flight
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (handled(system.metrics("booking")) and
                                               handled(system.metrics("booking-2"))):
        time.sleep(0.05)
    assert handled(system.metrics("booking")) > 0 and handled(system.metrics("booking-2")) > 0
    system.stop("booking-2", signal.SIGKILL)

    engine = create_engine(system.base_env["BOOKING_DATABASE_URL"])
    ids = [e.id for e in events]
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            done = conn.execute(select(func.count()).select_from(tables.inbox).where(
                tables.inbox.c.event_id.in_(ids))).scalar()
        if done == N:
            break
        time.sleep(0.3)
    engine.dispose()
    assert done == N  # each event's effect recorded once (the inbox key is the event id)
    with ClusterRpcClient(uri=system.base_env["AMQP_URI"]) as rpc:
        centres = {c["id"] for c in rpc.booking.list_copies("centre")}
    assert {f"scale-{run}-{n}" for n in range(N)} <= centres


@pytest.mark.slow  # a second process and 400 events
def test_two_notifications_processes_share_the_event_work_once_each(system):
    system.start("notifications", replica="notifications-2")
    system.wait_healthy("notifications-2")
    try:
        events = [Envelope(type="booking.cancelled", source="booking", data={
            "booking_id": str(uuid.uuid4()), "member_id": f"nobody-{n}", "kind": "consultation",
            "state": "cancelled", "centre_id": "karasai-yrc", "resource_id": "lawyer",
            "starts_at": "2030-01-01T05:00:00+00:00", "ends_at": "2030-01-01T05:30:00+00:00"})
            for n in range(N)]
        publish(system.base_env["AMQP_URI"], events)

        def calls(key):
            found = re.search(r'jastar_entrypoint_calls_total\{entrypoint="on_booking_change",outcome="ok",'
                              r'service="notifications"\} (\d+)', system.metrics(key))
            return int(found.group(1)) if found else 0

        engine = create_engine(system.base_env["NOTIFICATIONS_DATABASE_URL"])
        ids = [e.id for e in events]
        deadline, done = time.monotonic() + 60, 0
        while time.monotonic() < deadline and done < N:
            with engine.connect() as conn:
                done = conn.execute(select(func.count()).select_from(tables.inbox).where(
                    tables.inbox.c.consumer == "notifications.booking_changes",
                    tables.inbox.c.event_id.in_(ids))).scalar()
            time.sleep(0.3)
        engine.dispose()
        first, second = calls("notifications"), calls("notifications-2")
        assert done == N
        assert first > 0 and second > 0, (first, second)  # both took part
    finally:
        system.stop("notifications-2")

"""One booking, one trace: the four services in one process (so one
in-memory span exporter sees them all), on real RabbitMQ. A client's
traceparent enters at the gateway; the booking RPC, the booking.confirmed
event (its AMQP headers), notifications' handlers, the message sent later
and the webhook request all continue that trace, and every log line of the
send path carries the request's correlation id."""
import logging
import uuid
from datetime import datetime, timedelta

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcClient
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from jastar_booking.service import BookingService
from jastar_common import tracing
from jastar_common.calendar import ALMATY, days_off
from jastar_common.logging import CorrelationFilter
from jastar_common.migrations import upgrade_head
from jastar_devkit.helpers import free_port, sign_up, wait_until
from jastar_gateway.service import GatewayService
from jastar_notifications.service import NotificationsService
from jastar_registry.seed import load_demo_data
from jastar_registry.service import RegistryService

from .notifications.support import Providers, query

ADMIN_KEY = "tracing-admin-key"


@pytest.fixture
def spans(monkeypatch):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(tracing, "_provider", provider)
    return exporter


@pytest.fixture
def hub(rabbit_config, container_factory, new_pg_database, spans):
    urls = {name: new_pg_database(name[:5]) for name in ("registry", "booking", "notifications", "gateway")}
    for name, url in urls.items():
        upgrade_head(f"jastar_{name}", url)
    load_demo_data(urls["registry"])
    providers = Providers()
    port = free_port()
    config = {**{f"{name.upper()}_DATABASE_URL": url for name, url in urls.items()},
              "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "LOGIN_CODE_ECHO": "true",
              "ADMIN_API_KEY": ADMIN_KEY, "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
              "OUTBOX_POLL_SECONDS": 0.2, "SEND_INTERVAL_SECONDS": 0.2, "CATALOGUE_CACHE_SECONDS": 0,
              "RATE_LIMIT_PER_SECOND": 1000, "RATE_LIMIT_BURST": 2000, "METRICS_PORT": 0}
    for service in (RegistryService, BookingService, NotificationsService, GatewayService):
        container_factory(service, config).start()
    yield f"http://127.0.0.1:{port}", urls, providers
    providers.stop()


def next_workday_ten():
    day = datetime.now(ALMATY).date() + timedelta(days=3)
    while day.weekday() == 6 or day in days_off(day.year):
        day += timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=ALMATY)
    return start.isoformat(), (start + timedelta(hours=1)).isoformat()


def test_one_booking_is_one_trace_across_every_service(hub, spans, amqp_uri, caplog):
    base, urls, providers = hub
    # an integrator listening for confirmations
    key = requests.post(base + "/v1/api-keys", json={"name": "tracing"},
                        headers={"X-Api-Key": ADMIN_KEY}, timeout=30).json()["key"]
    hook = requests.post(base + "/v1/webhooks", json={"url": providers.url + "/hook/t",
                                                      "event_types": ["booking.confirmed"]},
                         headers={"X-Api-Key": key}, timeout=30)
    assert hook.status_code == 201, hook.text
    providers.hook_secrets["t"] = hook.json()["secret"]
    # a member, known to booking (by event) before she books
    member, token = sign_up(base, "+7 707 555 01 02", full_name="Әсел Трассировка", birth_date="2002-02-02",
                            district_id="konaev")
    token = token["access_token"]
    with ClusterRpcClient(uri=amqp_uri) as rpc:
        wait_until(lambda: any(m["id"] == member["id"] for m in rpc.booking.list_copies("member")))
        wait_until(lambda: any(s["id"] == "konaev-desks" for s in rpc.booking.list_copies("space")))

    trace_id, client_span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    request_id = f"trace-test-{uuid.uuid4().hex[:12]}"
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(CorrelationFilter())
    starts, ends = next_workday_ten()
    made = requests.post(base + "/v1/bookings", json={
        "kind": "space", "space_id": "konaev-desks", "starts_at": starts, "ends_at": ends},
        headers={"Authorization": f"Bearer {token}", "traceparent": f"00-{trace_id}-{client_span}-01",
                 "X-Request-Id": request_id}, timeout=30)
    assert made.status_code == 201, made.text
    booking_id = made.json()["booking"]["id"]

    # the webhook request carries the trace on
    delivered = wait_until(lambda: [h for h in providers.hooks["t"]
                                    if h["body"]["data"].get("booking_id") == booking_id])
    assert delivered[0]["headers"]["traceparent"].split("-")[1] == trace_id
    wait_until(lambda: query(urls["notifications"], "SELECT status FROM messages WHERE booking_id = :b "
                             "AND message_type = 'booking_confirmed'", b=booking_id) == [{"status": "sent"}])

    def ours():
        return [s for s in spans.get_finished_spans() if f"{s.context.trace_id:032x}" == trace_id]

    wait_until(lambda: any(s.name.startswith("notifications.send") for s in ours()))
    in_trace = ours()
    names = {s.name for s in in_trace}
    assert {s.attributes.get("jastar.service") for s in in_trace} >= {"gateway", "booking", "notifications"}
    assert {"gateway.create_booking", "booking.create_booking", "notifications.send log",
            "webhook POST booking.confirmed"} <= names, names
    assert any(n.startswith("notifications.on_") for n in names), names  # the event's handlers
    # one tree: the root's parent is the client's span, every other parent is in the trace
    ids = {s.context.span_id for s in in_trace}
    roots = [s for s in in_trace if s.parent.span_id not in ids]
    assert [f"{s.parent.span_id:016x}" for s in roots] == [client_span]
    assert roots[0].name == "gateway.create_booking"
    # and the log lines of the send path say which request they belong to
    sent = [r for r in caplog.records if r.getMessage() == "message recorded (log channel)"
            and r.message_type == "booking_confirmed"]
    assert sent and {r.correlation_id for r in sent} == {request_id}

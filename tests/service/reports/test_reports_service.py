"""The reports service on real RabbitMQ: events published to jastar.events in
any order, some twice, become the same figures as the domain computes; a
malformed event is dead-lettered; callers see only what they may."""
import json

import pytest
from kombu import Connection
from nameko.standalone.rpc import ClusterRpcClient

import jastar_common.errors  # noqa: F401  (typed errors over RPC)
from jastar_common.caller import Caller
from jastar_common.envelope import Envelope
from jastar_common.errors import InvalidInput, NotAllowed
from jastar_common.topology import EVENTS_EXCHANGE_NAME, subscription
from jastar_reports.domain.figures import REPORTS
from jastar_reports.service import ReportsService

from tests.service.support import publish_event
from tests.unit.reports.world import ADMIN, WEEK, apply_all, scenario, store
from tests.unit.reports.test_figures import all_figures
from tests.waiting import wait_until

QUERY = {"from": WEEK["from"].isoformat(), "to": WEEK["to"].isoformat()}


def client(amqp_uri, caller):
    return ClusterRpcClient(uri=amqp_uri, context_data={"caller": caller.to_context()}, timeout=30)


@pytest.fixture
def reports(rabbit_config, amqp_uri, container_factory, service_database):
    url = service_database("reports")
    container = container_factory(ReportsService, {
        "REPORTS_DATABASE_URL": url, "REPORTS_MEMBER_KEY": "service-test-key",
        "EVENT_RETRY_BASE_SECONDS": 0.05, "EVENT_MAX_ATTEMPTS": 2})
    container.start()
    container.amqp_uri = amqp_uri
    return container


def test_events_in_any_order_and_twice_give_the_domains_figures(reports, tmp_path):
    events = scenario()[0]
    expected_store = store(tmp_path / "expected.db")
    apply_all(expected_store, events)
    expected = all_figures(expected_store)

    # newest first, and every fifth one delivered twice (same event id)
    for envelope in list(reversed(events)) + events[::5]:
        publish_event(reports.amqp_uri, envelope)

    with client(reports.amqp_uri, ADMIN) as rpc:
        def caught_up():
            overview = rpc.reports.report("overview", QUERY)["rows"]
            waitlists = rpc.reports.report("waitlists", QUERY)["rows"]
            return any(r["bookings"] == 6 for r in overview) and any(r["joined"] == 2 for r in waitlists)
        wait_until(caught_up, what="the events did not all arrive")
        got = {name: rpc.reports.report(name, QUERY)["rows"] for name in REPORTS}
        exported = rpc.reports.report("overview", QUERY, export=True)
    assert got == expected
    karasai = next(r for r in exported["rows"] if r["centre_id"] == "karasai-yrc")
    assert exported["suppressed"] is True and karasai["served"] == "<5" and karasai["bookings"] == 6


def test_callers_see_only_what_they_may(reports):
    for envelope in scenario()[0]:
        publish_event(reports.amqp_uri, envelope)
    desk = Caller("staff", "desk-1", ("konaev-yrc",))
    with client(reports.amqp_uri, desk) as rpc:
        wait_until(lambda: rpc.reports.report("overview", QUERY)["rows"][0]["bookings"] == 1)
        assert [r["centre_id"] for r in rpc.reports.report("overview", QUERY)["rows"]] == ["konaev-yrc"]
        with pytest.raises(NotAllowed):
            rpc.reports.report("overview", {**QUERY, "centre_id": "karasai-yrc"})
    with client(reports.amqp_uri, Caller("member", "m1")) as rpc:
        with pytest.raises(NotAllowed):
            rpc.reports.report("overview", QUERY)


def test_a_malformed_event_is_dead_lettered_and_changes_nothing(reports):
    queue = subscription("reports", "booking_changes")
    with Connection(reports.amqp_uri) as conn:
        conn.Producer().publish(json.dumps({"type": "booking.confirmed", "data": {}}),
                                exchange=EVENTS_EXCHANGE_NAME, routing_key="booking.confirmed",
                                content_type="application/json")

    def parked():
        with Connection(reports.amqp_uri) as conn:
            message = conn.SimpleQueue(queue.dead_letter_queue_name).get(block=True, timeout=1)
            message.ack()
            return message
    wait_until(lambda: _try(parked), what="nothing was dead-lettered")
    with client(reports.amqp_uri, ADMIN) as rpc:
        with pytest.raises(InvalidInput):  # it stored nothing: the centre is still unknown
            rpc.reports.report("overview", {**QUERY, "centre_id": "karasai-yrc"})


def _try(func):
    try:
        return func()
    except Exception:
        return None


def test_a_booking_event_that_cannot_be_applied_is_dead_lettered_and_its_batch_commits(reports, tmp_path):
    """Booking events come in batches: a batch that fails is taken again one
    event at a time, so only the bad one is parked and the rest count."""
    events = scenario()[0]
    expected_store = store(tmp_path / "expected.db")
    apply_all(expected_store, events)
    bad = Envelope(type="booking.confirmed", source="booking", data={"booking_id": "b-bad"})  # no centre, no times
    for envelope in events[:3] + [bad] + events[3:]:
        publish_event(reports.amqp_uri, envelope)

    queue = subscription("reports", "booking_changes")

    def parked():
        with Connection(reports.amqp_uri) as conn:
            message = conn.SimpleQueue(queue.dead_letter_queue_name).get(block=True, timeout=1)
            message.ack()
            return message
    assert json.loads(wait_until(lambda: _try(parked), what="nothing was dead-lettered").body)["id"] == bad.id
    with client(reports.amqp_uri, ADMIN) as rpc:
        wait_until(lambda: {name: rpc.reports.report(name, QUERY)["rows"] for name in REPORTS}
                   == all_figures(expected_store), what="the good events of the batch did not all count")

"""Webhooks to a local receiver that checks the Standard Webhooks signature:
CloudEvents body with id == webhook-id, Retry-After honoured, 410 disables,
deliveries visible to their integrator only, and replayable."""
import eventlet
import pytest
from nameko.testing.services import entrypoint_waiter

from jastar_common.envelope import Envelope
from jastar_common.errors import InvalidInput, NotFound

from .support import INTEGRATOR, OTHER_INTEGRATOR, booking_event, member, query, wait_for


def subscribe(world, name, event_types=("booking.*",)):
    hook = world.call("create_webhook", f"{world.providers.url}/hook/{name}", list(event_types),
                      caller=INTEGRATOR)
    world.providers.hook_secrets[name] = hook["secret"]
    return hook


def deliveries(world, status=None):
    where = f"WHERE status = '{status}'" if status else ""
    return query(world.url, f"SELECT * FROM webhook_deliveries {where}")


def test_a_matching_event_is_posted_signed_as_a_cloud_event(world):
    member("m-1")
    hook = subscribe(world, "a")
    assert hook["secret"].startswith("whsec_") and hook["active"]
    assert "secret" not in world.call("list_webhooks", caller=INTEGRATOR)[0]
    event = world.publish(booking_event("booking.confirmed"))
    world.publish(booking_event("member.updated", booking_id="x"))  # not subscribed: not posted
    assert wait_for(lambda: len(world.providers.hooks["a"]) == 1)
    received = world.providers.hooks["a"][0]
    assert received["valid"]
    assert received["headers"]["content-type"] == "application/cloudevents+json"
    assert received["body"]["id"] == received["headers"]["webhook-id"]
    assert received["body"]["specversion"] == "1.0" and received["body"]["type"] == "booking.confirmed"
    assert received["body"]["data"]["booking_id"] == "b-1" and received["body"]["jastareventid"] == event.id
    assert wait_for(lambda: len(deliveries(world, "sent")) == 1)
    listed = world.call("list_deliveries", hook["id"], caller=INTEGRATOR)["items"]
    assert [(d["status"], d["last_status_code"], d["id"]) for d in listed] == [
        ("sent", 204, received["headers"]["webhook-id"])]
    with pytest.raises(NotFound):
        world.call("list_deliveries", hook["id"], caller=OTHER_INTEGRATOR)
    assert world.call("list_webhooks", caller=OTHER_INTEGRATOR) == []


def inbox(world, event_id):
    return query(world.url, "SELECT * FROM jastar_inbox WHERE consumer = 'notifications.webhooks'"
                            " AND event_id = :event_id", event_id=event_id)


def events_seen(n):
    """An entrypoint_waiter callback: done once the batches handled held n events."""
    seen = []
    return lambda worker_ctx, result, exc_info: seen.extend(worker_ctx.args[0]) or len(seen) >= n


def test_an_event_no_one_wants_leaves_no_trace_and_a_wanted_one_goes_once(world):
    subscribe(world, "once", ["booking.*"])
    unwanted = Envelope(type="centre.updated", source="registry", data={"centre_id": "karasai-yrc"})
    with entrypoint_waiter(world.container, "on_any_event", timeout=60):
        world.publish(unwanted)
    assert inbox(world, unwanted.id) == [] and deliveries(world) == []

    wanted = booking_event("booking.confirmed")
    with entrypoint_waiter(world.container, "on_any_event", timeout=60, callback=events_seen(2)):
        world.publish(wanted)
        world.publish(wanted)  # redelivered: the inbox has it
    assert len(inbox(world, wanted.id)) == 1
    assert [d["event_id"] for d in deliveries(world)] == [wanted.id]
    assert wait_for(lambda: len(world.providers.hooks["once"]) == 1)
    world.call("send_due")  # a sender pass of our own: a second POST would go now
    assert len(world.providers.hooks["once"]) == 1 and len(deliveries(world)) == 1


def test_429_with_retry_after_is_honoured(world):
    subscribe(world, "busy")
    world.providers.hook_answers["busy"] = [(429, [("Retry-After", "2")])]
    world.publish(booking_event("booking.cancelled"))
    assert wait_for(lambda: len(world.providers.hooks["busy"]) == 2)
    first, second = world.providers.hooks["busy"]
    assert second["at"] - first["at"] >= 1.9  # the retry base alone would be ~0.2 s
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert wait_for(lambda: [d["attempts"] for d in deliveries(world, "sent")] == [2])


def test_410_disables_the_subscription(world):
    hook = subscribe(world, "gone")
    world.providers.hook_answers["gone"] = [(410, [])]
    world.publish(booking_event("booking.confirmed"))
    assert wait_for(lambda: len(deliveries(world, "dead")) == 1)
    listed = world.call("list_webhooks", caller=INTEGRATOR)
    assert listed[0]["id"] == hook["id"] and listed[0]["active"] is False
    assert "410" in listed[0]["disabled_reason"]
    with entrypoint_waiter(world.container, "on_any_event", timeout=60, callback=events_seen(2)):
        world.publish(booking_event("booking.cancelled"))
        world.publish(booking_event("booking.rescheduled"))
    world.call("send_due")  # both events handled, and a sender pass: nothing is due
    assert len(world.providers.hooks["gone"]) == 1 and len(deliveries(world)) == 1


def test_a_delivery_can_be_replayed_with_the_same_webhook_id(world):
    hook = subscribe(world, "r")
    world.publish(booking_event("booking.confirmed"))
    assert wait_for(lambda: len(deliveries(world, "sent")) == 1)
    delivery = world.call("list_deliveries", hook["id"], caller=INTEGRATOR)["items"][0]
    with pytest.raises(NotFound):
        world.call("replay_delivery", delivery["id"], caller=OTHER_INTEGRATOR)
    assert world.call("replay_delivery", delivery["id"], caller=INTEGRATOR)["status"] == "queued"
    assert wait_for(lambda: len(world.providers.hooks["r"]) == 2)
    ids = {h["headers"]["webhook-id"] for h in world.providers.hooks["r"]}
    assert ids == {delivery["id"]} and all(h["valid"] for h in world.providers.hooks["r"])


def test_only_http_urls_and_deleting(world):
    with pytest.raises(InvalidInput) as err:
        world.call("create_webhook", "ftp://example.com/x", ["booking.*"], caller=INTEGRATOR)
    assert "url" in err.value.details["fields"]
    with pytest.raises(InvalidInput) as err:
        world.call("create_webhook", "https://example.com/x", ["Booking!"], caller=INTEGRATOR)
    assert "event_types" in err.value.details["fields"]
    hook = subscribe(world, "d")
    with pytest.raises(NotFound):
        world.call("delete_webhook", hook["id"], caller=OTHER_INTEGRATOR)
    world.call("delete_webhook", hook["id"], caller=INTEGRATOR)
    assert world.call("list_webhooks", caller=INTEGRATOR) == []


def test_private_addresses_are_refused_unless_allowed(start_world):
    world = start_world(WEBHOOK_ALLOWED_HOSTS="")
    with pytest.raises(InvalidInput) as err:
        world.call("create_webhook", f"{world.providers.url}/hook/x", ["*"], caller=INTEGRATOR)
    assert "loopback" in str(err.value.details["fields"]["url"])


def test_only_the_listed_hosts_may_be_loopback(start_world):
    # the old switch no longer opens anything; the list opens one name, not its address
    world = start_world(WEBHOOK_ALLOWED_HOSTS="localhost", WEBHOOKS_ALLOW_PRIVATE="true")
    with pytest.raises(InvalidInput):
        world.call("create_webhook", f"{world.providers.url}/hook/x", ["*"], caller=INTEGRATOR)
    member("m-1")
    hook = world.call("create_webhook", f"http://localhost:{world.providers.port}/hook/local",
                      ["booking.*"], caller=INTEGRATOR)
    world.providers.hook_secrets["local"] = hook["secret"]
    world.publish(booking_event("booking.confirmed"))
    assert wait_for(lambda: len(world.providers.hooks["local"]) == 1)
    assert world.providers.hooks["local"][0]["valid"]


def test_a_host_without_a_dns_answer_is_refused_in_time_and_not_stored(start_world, monkeypatch):
    """A DNS server that does not answer must not hold a registration past the
    gateway's RPC deadline (10 s), which would answer 503 while the webhook
    was made after all."""
    from jastar_notifications.domain import webhooks
    monkeypatch.setattr(webhooks, "resolve", lambda host: eventlet.sleep(60))
    world = start_world(WEBHOOK_ALLOWED_HOSTS="", WEBHOOK_RESOLVE_SECONDS="0.5")
    started = eventlet.hubs.get_hub().clock()
    with pytest.raises(InvalidInput) as err:
        world.call("create_webhook", "https://hooks.example.test/in", ["booking.*"], caller=INTEGRATOR)
    assert err.value.details["fields"]["url"] == ["host did not resolve in time"]
    assert eventlet.hubs.get_hub().clock() - started < 5
    assert world.call("list_webhooks", caller=INTEGRATOR) == []


def test_a_delivery_whose_host_stops_resolving_is_retried_not_given_up(start_world, monkeypatch):
    from jastar_notifications.domain import webhooks
    answers = {"hooks.example.test": lambda: {"93.184.216.34"}}
    monkeypatch.setattr(webhooks, "resolve", lambda host: answers[host]())
    world = start_world(WEBHOOK_ALLOWED_HOSTS="", WEBHOOK_RESOLVE_SECONDS="0.2")
    world.call("create_webhook", "https://hooks.example.test/in", ["booking.*"], caller=INTEGRATOR)
    answers["hooks.example.test"] = lambda: eventlet.sleep(60)  # then DNS stops answering
    world.publish(booking_event("booking.confirmed"))
    assert wait_for(lambda: [d["attempts"] for d in deliveries(world)] >= [2]), deliveries(world)
    [delivery] = deliveries(world)
    assert delivery["status"] in ("failed", "sending") and delivery["next_attempt_at"] is not None
    assert delivery["last_error"] == "host did not resolve in time"

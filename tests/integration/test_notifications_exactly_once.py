"""Exactly once through crashes: the notifications service runs as a real
process (its run script, on PostgreSQL) and is SIGKILLed twice while it turns
1 000 booking.confirmed events into SMS; every booking gets one SMS, sent once.

A process killed after the provider took an SMS and before the row said
'sent' sends it again after the lease, with the same idempotency key: the
provider (here the fake, as real ones do) answers with the first message
rather than sending a second, so members never get two."""
import signal
import time
from collections import Counter

import pytest

from jastar_devkit.helpers import publish, wait_until
from jastar_devkit.system import System, system_env

from ..service.notifications.support import FakeRegistry, Providers, booking_event, member, query

EVENTS = 1000
MEMBERS = 50
# deadlines against a hang, not speed targets: a loaded 2-core machine needs
# minutes where a quiet one needs seconds
STAGE_SECONDS = 240


def sent_count(url):
    try:
        return query(url, "SELECT count(*) AS n FROM messages WHERE status = 'sent'")[0]["n"]
    except Exception:  # not migrated yet
        return 0


@pytest.mark.slow
@pytest.mark.timeout(3 * STAGE_SECONDS + 120)  # its three stages' own deadlines come first
def test_a_thousand_confirmations_through_two_sigkills_are_sent_exactly_once(
        amqp_uri, container_factory, new_pg_database, tmp_path):
    providers = Providers()
    for n in range(MEMBERS):
        member(f"m-{n}", "kk" if n % 2 else "ru", f"+7 701 000 {n // 100:02d} {n % 100:02d}")
    container_factory(FakeRegistry, {}).start()  # the registry, in the same vhost
    url = new_pg_database("notif")
    system = System(system_env(amqp_uri, {"notifications": url},
                               SMS_PROVIDER_URL=providers.url + "/sms", SMS_PROVIDER_KEY="sms-key",
                               NOTIFY_DEFAULT_CHANNELS="sms", SMS_QUIET_HOURS="off", SEND_INTERVAL_SECONDS="0.2",
                               SEND_LEASE_SECONDS="3", SEND_RETRY_BASE_SECONDS="0.5", SEND_BATCH_SIZE="20",
                               LOG_LEVEL="WARNING"), tmp_path)

    def sent(count):
        code = system.processes["notifications"].poll()
        assert code is None, f"exited with {code}: {system.log('notifications')[-3000:]}"
        return sent_count(url) >= count

    def timed_out():
        return f"timed out; log: {system.log('notifications')[-3000:]}"

    kills_at = []
    try:
        system.start("notifications")
        publish(amqp_uri, [booking_event("booking.confirmed", f"m-{n % MEMBERS}", f"b-{n}")
                           for n in range(EVENTS)], declare=True)
        for threshold in (150, 550):
            wait_until(lambda: sent(threshold), STAGE_SECONDS, timed_out, interval=0.05)
            kills_at.append(sent_count(url))
            system.stop("notifications", signal.SIGKILL)
            system.start("notifications")
        wait_until(lambda: sent(EVENTS), STAGE_SECONDS, timed_out, interval=0.05)
        time.sleep(1)  # nothing more should arrive
    finally:
        system.stop_all()
        providers.stop()

    assert all(n < EVENTS for n in kills_at), kills_at  # each kill hit it mid-work
    rows = query(url, "SELECT booking_id, status, channel, message_type FROM messages")
    assert len(rows) == EVENTS
    assert Counter((r["status"], r["channel"], r["message_type"]) for r in rows) == {
        ("sent", "sms", "booking_confirmed"): EVENTS}
    assert len({r["booking_id"] for r in rows}) == EVENTS
    # what members got: one SMS per message id, none twice
    assert len(providers.sms_delivered) == EVENTS
    delivered_ids = {r for r in providers.sms_delivered}
    sent_ids = {r["id"] for r in query(url, "SELECT id FROM messages")}
    assert delivered_ids == sent_ids
    texts_per_phone = Counter(d["to"] for d in providers.sms_delivered.values())
    assert set(texts_per_phone.values()) == {EVENTS // MEMBERS}
    repeats = len(providers.sms_requests) - len(providers.sms_delivered)
    print(f"kills at {kills_at} sent; {repeats} request(s) repeated after a kill, deduplicated by key")

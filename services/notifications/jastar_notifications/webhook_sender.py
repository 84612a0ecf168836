"""Posting webhook deliveries to integrators, signed (Standard Webhooks),
exactly once in the same sense as messages (see message_sender.py): a
delivery claimed, posted and recorded; a repeat after a crash carries the
same webhook-id, by which receivers dedup. Called by the service's timer."""
import time
from datetime import timedelta

import eventlet
import requests

from jastar_common.tracing import SpanKind, continued, current_traceparent

from .domain import webhooks
from .domain.model import WebhookDelivery, WebhookSubscription
from .sending import backoff


class WebhookSender:
    """`box` decrypts subscription secrets; `resolver` answers a host's
    addresses within a deadline; `send`: SendSettings."""

    def __init__(self, uow_factory, box, http, resolver, send, clock):
        self.uow_factory = uow_factory
        self.box = box
        self.http = http or requests.Session()
        self.resolver = resolver
        self.send = send
        self.clock = clock

    def send_due(self, max_seconds=5.0):
        """Post due deliveries until none is due or max_seconds have gone."""
        started = time.monotonic()
        while self.post_webhooks() and time.monotonic() - started < max_seconds:
            pass

    def post_webhooks(self):
        now = self.clock()
        with self.uow_factory() as uow:
            claimed = uow.deliveries.claim(now, self.send.batch_size,
                                           now + timedelta(seconds=self.send.lease_seconds))
            subscriptions = {sid: uow.subscriptions.get(sid)  # a batch is mostly for a few endpoints
                             for sid in {d["subscription_id"] for d in claimed}}
            uow.commit()
        pool = eventlet.GreenPool(self.send.concurrency)
        jobs = [(d, subscriptions[d["subscription_id"]]) for d in claimed]
        for delivery, subscription, changes in pool.imap(self._post, jobs):
            self._record_delivery(delivery, subscription, changes)
        return len(claimed)

    def _post(self, job):
        delivery, subscription = job
        with continued(delivery.get("correlation_id"), delivery.get("traceparent"),
                       f"webhook POST {delivery['event_type']}", SpanKind.CLIENT, "notifications"):
            return self._post_traced(delivery, subscription)

    def _post_traced(self, delivery, subscription):
        if subscription is None or not WebhookSubscription(subscription).active:
            return delivery, subscription, WebhookDelivery(delivery).dead("subscription disabled")
        try:  # again at send time: a name may resolve elsewhere now
            webhooks.check_target(subscription["url"], self.send.webhook_allowed_hosts, self.resolver)
        except webhooks.HostUnresolved as exc:  # DNS may be back by the next attempt
            return delivery, subscription, self._webhook_retry(delivery, None, str(exc))
        except Exception as exc:
            return delivery, subscription, WebhookDelivery(delivery).dead(str(exc))
        timestamp = str(int(time.time()))
        body = delivery["body"].encode()
        headers = {"content-type": webhooks.CONTENT_TYPE, "webhook-id": delivery["id"],
                   "webhook-timestamp": timestamp,
                   "webhook-signature": webhooks.sign(self.box.decrypt(subscription["secret"]),
                                                      delivery["id"], timestamp, body)}
        if current_traceparent():  # the receiver may join the trace (W3C trace context)
            headers["traceparent"] = current_traceparent()
        started = time.monotonic()
        try:
            response = self.http.post(subscription["url"], data=body, headers=headers,
                                      timeout=self.send.webhook_timeout_seconds, allow_redirects=False)
        except requests.RequestException as exc:
            return delivery, subscription, self._webhook_retry(delivery, None, exc.__class__.__name__)
        took = {"response_ms": int((time.monotonic() - started) * 1000),
                "last_status_code": response.status_code}
        return delivery, subscription, {**took, **self._webhook_outcome(delivery, response)}

    def _webhook_outcome(self, delivery, response):
        code = response.status_code
        if 200 <= code < 300:
            return WebhookDelivery(delivery).sent(self.clock())
        if code == 410:
            return {**WebhookDelivery(delivery).dead("410 Gone: subscription disabled"), "disable": True}
        wait = None
        if code in (429, 503):
            wait = webhooks.retry_after_seconds(response.headers.get("Retry-After"), self.clock())
        return self._webhook_retry(delivery, wait, f"HTTP {code}")

    def _webhook_retry(self, delivery, wait, error):
        if delivery["attempts"] >= self.send.webhook_max_attempts:
            return WebhookDelivery(delivery).dead(error)
        if wait is None:
            wait = backoff(self.send, delivery["attempts"])
        wait = min(wait, self.send.retry_after_max_seconds)
        return WebhookDelivery(delivery).failed(error, self.clock() + timedelta(seconds=wait))

    def _record_delivery(self, delivery, subscription, changes):
        disable = changes.pop("disable", False)
        with self.uow_factory() as uow:
            uow.deliveries.update(delivery["id"], **changes)
            if disable:
                reason = f"the endpoint answered 410 Gone at {self.clock().isoformat()}"
                uow.subscriptions.update(subscription["id"], **WebhookSubscription(subscription).disable(reason))
                uow.deliveries.stop_all(subscription["id"], "subscription disabled (410 Gone)")
            uow.commit()

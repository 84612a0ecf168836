"""The `rpc` entrypoint every Jastar service uses: nameko's, with a deadline,
and a reply that cannot be sent does not kill the service.

Deadline: a caller puts, in the RPC context, the wall-clock time (epoch
seconds) after which it no longer waits for the answer (`with_deadline`).
A request still queued then (the service was down, or busy) is acked and
dropped, never run, and counted in jastar_rpc_expired_total: a caller that
got a 503 was told the truth, "not done". Calls the service makes while
handling the request carry the same deadline on (nameko copies the context).
Clocks: all processes are assumed NTP-synchronised.

Reply: if the reply cannot be published (the broker went away) the error is
logged and the request is given back; the broker delivers it again, and by
then its deadline has usually passed."""
import logging
import time
from functools import partial

from nameko import rpc as nameko_rpc
from nameko.exceptions import ContainerBeingKilled, MalformedRequest
from nameko.messaging import decode_from_headers
from prometheus_client import Counter

from .consumer import BROKER_ERRORS, SafeConsumer

log = logging.getLogger(__name__)

DEADLINE_KEY = "deadline"

EXPIRED_REQUESTS = Counter(
    "jastar_rpc_expired_total", "RPC requests dropped unrun: their caller's deadline had passed.",
    ["service", "method"])


def with_deadline(context_data, timeout):
    """Put `now + timeout` in the context; returns the previous value, to restore."""
    previous = context_data.get(DEADLINE_KEY)
    context_data[DEADLINE_KEY] = f"{time.time() + timeout:.3f}"
    return previous


def expired(context_data, now=None):
    raw = context_data.get(DEADLINE_KEY)
    if not raw:
        return False
    try:
        return float(raw) <= (now or time.time())
    except (TypeError, ValueError):
        return False  # an unreadable deadline is no reason to refuse work


class RpcConsumer(nameko_rpc.RpcConsumer):
    consumer_cls = SafeConsumer

    @property
    def sharing_key(self):
        # one consumer of the service's RPC queue, even if a service class
        # also has nameko's own @rpc: two would each refuse the other's methods
        return nameko_rpc.RpcConsumer

    def handle_result(self, message, result, exc_info):
        try:
            return super().handle_result(message, result, exc_info)
        except BROKER_ERRORS as exc:
            log.warning("could not send an RPC reply; the request goes back to the broker: %s", exc)
            self.consumer.requeue_message(message)
            return result, exc_info


class Rpc(nameko_rpc.Rpc):
    rpc_consumer = RpcConsumer()

    def handle_message(self, body, message):
        try:
            args = body["args"]
            kwargs = body["kwargs"]
        except KeyError:
            raise MalformedRequest("Message missing `args` or `kwargs`")
        self.check_signature(args, kwargs)
        context_data = decode_from_headers(message.headers)
        handle_result = partial(self.handle_result, message)

        def spawn_worker():
            pool = self.container._worker_pool
            # wait for a free worker first: the deadline may pass while we wait
            pool.sem.acquire()
            pool.sem.release()
            if expired(context_data):
                self._drop(message, context_data)
                return
            try:
                self.container.spawn_worker(self, args, kwargs, context_data=context_data,
                                            handle_result=handle_result)
            except ContainerBeingKilled:
                self.rpc_consumer.consumer.requeue_message(message)

        if expired(context_data):
            self._drop(message, context_data)
            return
        self.container.spawn_managed_thread(
            spawn_worker, identifier=f"Rpc.wait_for_worker_pool[{self.container.service_name}."
                                     f"{self.method_name}]")

    def _drop(self, message, context_data):
        EXPIRED_REQUESTS.labels(self.container.service_name, self.method_name).inc()
        log.warning("dropped an RPC request whose caller gave up", extra={
            "method": self.method_name, "deadline": context_data.get(DEADLINE_KEY),
            "correlation_id": context_data.get("correlation_id")})
        self.rpc_consumer.consumer.ack_message(message)


rpc = Rpc.decorator

"""nameko dependencies of the notifications service: each worker gets a
ready message sender or webhook sender (their channels, secret box and
resolver built once per container at setup), and the bell that sends a
message at once."""
import logging

import eventlet
import eventlet.event
import requests
from eventlet.queue import Empty, LightQueue
from nameko.exceptions import BadRequest
from nameko.extensions import DependencyProvider, Entrypoint, SharedExtension
from nameko.rpc import ServiceRpc

from jastar_common.clock import clock_of
from jastar_common.config import setting
from jastar_common.dependencies import database_of
from jastar_common.errors import InvalidInput, NotAllowed, NotFound
from jastar_common.settings import Settings

from .channels import RetryableError, build_channels
from .crypto import SecretBox
from .domain import webhooks
from .message_sender import MessageSender
from .webhook_sender import WebhookSender

log = logging.getLogger(__name__)

MEMBERS_PER_CALL = 500  # the registry's cap on get_members
# the registry answered that it will not take the call itself (no such method,
# other arguments, an id it does not accept), as opposed to not answering
REGISTRY_REFUSED = (BadRequest, InvalidInput, NotAllowed)


def settings_of(container):
    """The service's one settings object (its Settings dependency built it at setup)."""
    return next(d for d in container.dependencies if isinstance(d, Settings)).settings


class MessageSending(ServiceRpc):
    """Each worker gets a MessageSender: the channels, built once at setup,
    and the registry (this provider's own RPC client) as a directory of
    contacts and names kept for that worker's run only; the time is the
    service's Clock."""

    def __init__(self, **kwargs):
        super().__init__("registry", **kwargs)

    def setup(self):
        super().setup()
        self.channels = build_channels(setting)

    def get_dependency(self, worker_ctx):
        settings = settings_of(self.container)
        directory = RegistryDirectory(super().get_dependency(worker_ctx), settings.registry_timeout)
        return MessageSender(database_of(self.container).unit_of_work, self.channels, directory,
                             settings.intake, settings.sending, clock_of(self.container))


class WebhookSending(DependencyProvider):
    """Each worker gets a WebhookSender over the secret box, one HTTP session
    and the hosts' resolver, built once at setup (registration uses the box
    and the resolver too: `sender.box`, `sender.resolver`)."""

    def setup(self):
        self.box = SecretBox(setting("WEBHOOKS_SECRET_KEY"))
        self.http = requests.Session()
        self.resolver = None  # from the settings, at the first worker

    def get_dependency(self, worker_ctx):
        settings = settings_of(self.container)
        if self.resolver is None:
            # webhook hosts, at registration and before each POST
            self.resolver = resolver_within(settings.resolve_seconds)
        return WebhookSender(database_of(self.container).unit_of_work, self.box, self.http,
                             self.resolver, settings.sending, clock_of(self.container))


def resolver_within(seconds):
    """A webhook host's addresses, or TimeoutError after `seconds`: a DNS server
    that does not answer must hold neither a registration past the gateway's
    RPC deadline (it would answer 503 and the webhook be made after all) nor a
    sending batch."""
    def resolve(host):
        timer = eventlet.Timeout(seconds)
        try:
            return webhooks.resolve(host)
        except eventlet.Timeout as exc:
            if exc is not timer:
                raise
            raise TimeoutError(f"no DNS answer for {host} in {seconds:g}s") from None
        finally:
            timer.cancel()
    return resolve


class RegistryDirectory:
    """Contacts and names from the registry, fetched at send time and kept for
    one run of the sender only. Unreachable registry: the message is retried.

    The members of a claimed batch come in one call (prefetch_members); a
    member not prefetched, or a registry without get_members, is asked for
    alone. Look-ups run in several greenthreads at once: one asking for what
    another is already asking for waits for that answer rather than asking
    again (ten messages at the same centre: one call for the centre)."""

    def __init__(self, registry, timeout):
        self.registry = registry
        self.timeout = timeout
        self.cache = {}
        self._asking = {}  # key -> Event of a look-up in flight
        self._unreachable = {}  # member id -> why this batch's call failed

    def prefetch_members(self, member_ids):
        """Fill the cache with the contacts of these members in one call per
        MEMBERS_PER_CALL: unknown ones as None, like get_member's NotFound."""
        wanted = sorted({m for m in member_ids if m and ("member", m) not in self.cache})
        self._unreachable = {}
        for start in range(0, len(wanted), MEMBERS_PER_CALL):
            batch = wanted[start:start + MEMBERS_PER_CALL]
            try:
                found = self._ask(lambda: self.registry.get_members(batch), REGISTRY_REFUSED)
            except REGISTRY_REFUSED as exc:
                # e.g. a registry from before get_members during a rolling
                # deploy: each message asks for its member alone, as it used to
                log.warning("registry refused get_members; asking per member",
                            extra={"error": exc.__class__.__name__, "members": len(batch)})
                continue
            except RetryableError as exc:
                # not asking again per message: that would be len(batch) more
                # calls to a registry that is not answering; the batch's
                # messages are retried later instead, as a failed look-up was
                self._unreachable.update(dict.fromkeys(batch, str(exc)))
                continue
            by_id = {member["id"]: member for member in found}
            for member_id in batch:
                self.cache[("member", member_id)] = by_id.get(member_id)

    def member(self, member_id):
        if member_id in self._unreachable:
            raise RetryableError(self._unreachable[member_id])
        return self._lookup(("member", member_id), lambda: self.registry.get_member(member_id))

    def entity(self, kind, obj_id):
        return self._lookup((kind, obj_id), lambda: self.registry.get(kind, obj_id))

    def _lookup(self, key, call):
        if key in self.cache:
            return self.cache[key]
        if key in self._asking:  # another greenthread is asking: share its answer
            return self._asking[key].wait()
        answer = self._asking[key] = eventlet.event.Event()
        try:
            value = self._ask(call)
        except NotFound:
            value = None
        except BaseException as exc:  # RetryableError, or this greenthread killed
            del self._asking[key]  # not cached: asked again next time
            answer.send_exception(exc if isinstance(exc, RetryableError)
                                  else RetryableError("the registry look-up was interrupted"))
            raise
        del self._asking[key]
        self.cache[key] = value
        answer.send(value)
        return value

    def _ask(self, call, passes=(NotFound,)):
        """call() within the timeout; an error in `passes` is raised as it
        is, any other failure as RetryableError (the message is retried)."""
        try:
            with eventlet.Timeout(self.timeout):
                return call()
        except passes:
            raise
        except eventlet.Timeout:
            raise RetryableError("the registry did not answer in time") from None
        except Exception as exc:
            raise RetryableError(f"registry lookup failed: {exc.__class__.__name__}") from None


class Bell(SharedExtension):
    """Rung after a commit that wrote a message due now; the `on_bell`
    entrypoint answers. Rings while its worker runs make one more run."""

    def setup(self):
        self.rings = LightQueue()

    def ring(self):
        self.rings.put(None)

    def wait(self):
        self.rings.get()
        while True:  # several rings, one run
            try:
                self.rings.get_nowait()
            except Empty:
                return


class BellRung(Entrypoint):
    """Runs its method once each time the bell rang, one worker at a time.
    A ring lost with the process is harmless: the timer sends what is due."""

    bell = Bell()

    def start(self):
        self._stopping = False
        self.thread = self.container.spawn_managed_thread(self._run)

    def stop(self):
        self._stopping = True
        self.bell.ring()
        self.thread.wait()

    def kill(self):
        self.thread.kill()

    def _run(self):
        while True:
            self.bell.wait()
            if self._stopping:
                return
            finished = eventlet.event.Event()
            self.container.spawn_worker(self, (), {}, handle_result=lambda worker_ctx, result, exc_info: (
                finished.send(), (result, exc_info))[1])
            finished.wait()


on_bell = BellRung.decorator


class SendSoon(DependencyProvider):
    """`self.send_soon()`: ring the bell, so the `on_bell` sender runs now."""

    bell = Bell()

    def get_dependency(self, worker_ctx):
        return self.bell.ring

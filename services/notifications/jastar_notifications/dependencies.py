"""nameko dependencies of the notifications service: the sending machinery
(settings, channels, webhook secret box) built once per container from config,
the registry as a directory of contacts and names."""
import logging

import eventlet
import eventlet.event
import requests
from eventlet.queue import Empty, LightQueue
from nameko.exceptions import BadRequest
from nameko.extensions import DependencyProvider, Entrypoint, SharedExtension

from jastar_common.config import setting
from jastar_common.errors import InvalidInput, NotAllowed, NotFound

from .channels import RetryableError, build_channels
from .crypto import SecretBox
from .domain import webhooks
from .domain.localtime import parse_quiet_hours
from .domain.planning import parse_offsets
from .domain.services import Settings
from .sender import SendSettings

log = logging.getLogger(__name__)

MEMBERS_PER_CALL = 500  # the registry's cap on get_members
# the registry answered that it will not take the call itself (no such method,
# other arguments, an id it does not accept), as opposed to not answering
REGISTRY_REFUSED = (BadRequest, InvalidInput, NotAllowed)


def _bool(value):
    return str(value).lower() in ("1", "true", "yes", "on")


def _channel_list(text):
    return tuple(c.strip() for c in text.split(",") if c.strip())


def read_settings():
    return Settings(
        default_channels=_channel_list(setting("NOTIFY_DEFAULT_CHANNELS", "log")),
        reminder_offsets=tuple(parse_offsets(setting("REMINDER_OFFSETS", "24h,2h"))),
        quiet_hours=parse_quiet_hours(setting("SMS_QUIET_HOURS", "22:00-08:00")),
        login_code_channel=setting("LOGIN_CODE_CHANNEL") or ("sms" if setting("SMS_PROVIDER_URL") else "log"),
    )


def read_send_settings():
    timeout = setting("PROVIDER_TIMEOUT_SECONDS", 10.0, float)
    return SendSettings(
        batch_size=setting("SEND_BATCH_SIZE", 50, int),
        concurrency=setting("SEND_CONCURRENCY", 10, int),
        # longer than one send can take, so a live process keeps its rows
        lease_seconds=setting("SEND_LEASE_SECONDS", max(60.0, 3 * timeout), float),
        max_attempts=setting("SEND_MAX_ATTEMPTS", 8, int),
        retry_base_seconds=setting("SEND_RETRY_BASE_SECONDS", 30.0, float),
        retry_max_seconds=setting("SEND_RETRY_MAX_SECONDS", 3600.0, float),
        login_code_ttl_seconds=setting("LOGIN_CODE_TTL_SECONDS", 300.0, float),
        webhook_max_attempts=setting("WEBHOOK_MAX_ATTEMPTS", 10, int),
        webhook_timeout_seconds=setting("WEBHOOK_TIMEOUT_SECONDS", timeout, float),
        webhook_allowed_hosts=webhooks.allowed_hosts(setting("WEBHOOK_ALLOWED_HOSTS", "")),
        retry_after_max_seconds=setting("WEBHOOK_RETRY_AFTER_MAX_SECONDS", 3600.0, float),
    )


class Outbound(DependencyProvider):
    """Settings, channels, the secret box and the webhook hosts' resolver, read
    from config at setup."""

    def setup(self):
        self.settings = read_settings()
        self.send_settings = read_send_settings()
        if setting("WEBHOOKS_ALLOW_PRIVATE"):
            # the old all-or-nothing switch: its private targets now fail unless listed
            log.warning("WEBHOOKS_ALLOW_PRIVATE is no longer read: list the hosts that may be "
                        "loopback or private in WEBHOOK_ALLOWED_HOSTS")
        self.channels = build_channels(setting)
        self.box = SecretBox(setting("WEBHOOKS_SECRET_KEY"))
        self.http = requests.Session()
        self.registry_timeout = setting("REGISTRY_TIMEOUT_SECONDS", 5.0, float)
        # webhook hosts, at registration and before each POST
        self.resolver = resolver_within(setting("WEBHOOK_RESOLVE_SECONDS", 3.0, float))

    def get_dependency(self, worker_ctx):
        return self


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

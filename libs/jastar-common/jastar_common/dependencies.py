"""nameko adapters: the Database dependency (engine, units of work, and the
outbox relay running beside them; a worker gets only `UnitsOfWork`) and the
shared topology declaration."""
import logging

import eventlet
from eventlet.queue import LightQueue, Empty
from kombu import Connection
from nameko.extensions import DependencyProvider, SharedExtension

from .config import amqp_uri, database_url, setting
from .database import make_engine, make_session_factory
from .outbox import publish_pending
from .publisher import ConfirmingPublisher
from .topology import declare_topology
from .uow import SqlUnitOfWork

log = logging.getLogger(__name__)


class Topology(SharedExtension):
    """Declares every exchange and subscription queue once per container, before
    anything consumes or publishes."""

    declared = False

    def setup(self):
        if not self.declared:
            # a service started while the broker is down waits for it
            with Connection(amqp_uri(), connect_timeout=5) as conn:
                conn.ensure_connection(errback=_waiting_for_broker, max_retries=None,
                                       interval_start=1, interval_step=1, interval_max=10)
                declare_topology(conn)
            self.declared = True


def _waiting_for_broker(exc, interval):
    log.warning("RabbitMQ not reachable (%s); trying again in %.0fs", exc, interval)


class OutboxRelay:
    """Runs in a managed greenthread: woken right after a commit that emitted
    events, and every poll interval in case a wake-up was missed (another
    process's commit, a row backed off after a failure)."""

    def __init__(self, engine, poll_interval, batch_size=100):
        self.engine = engine
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.publisher = ConfirmingPublisher()
        self._wakeups = LightQueue()
        self._stopping = False
        self._errors = 0

    def wake(self):
        self._wakeups.put(None)

    def run(self):
        while not self._stopping:
            try:
                sent = publish_pending(self.engine, self.publisher, self.batch_size)
                self._errors = 0
            except Exception:
                self._errors += 1
                log.exception("outbox relay pass failed")
                eventlet.sleep(min(30, 0.5 * 2 ** self._errors))
                continue
            if sent < self.batch_size:
                self._wait()

    def _wait(self):
        try:
            self._wakeups.get(timeout=self.poll_interval)
        except Empty:
            return
        while True:  # several commits need one pass
            try:
                self._wakeups.get_nowait()
            except Empty:
                return

    def stop(self):
        self._stopping = True
        self.wake()


class UnitsOfWork:
    """What a worker gets from Database: `unit_of_work()`, a fresh unit of work
    of the service's class whose commit wakes the outbox relay. Nothing else:
    the engine and the relay stay with the provider."""

    def __init__(self, uow_class, session_factory, service, on_commit):
        self._uow_class = uow_class
        self._session_factory = session_factory
        self._service = service
        self._on_commit = on_commit

    def unit_of_work(self):
        return self._uow_class(self._session_factory, self._service, on_commit=self._on_commit)


class Database(DependencyProvider):
    """Owns the service's engines and outbox relay; gives each worker only
    `UnitsOfWork` (`self.db.unit_of_work()`)."""

    topology = Topology()

    def __init__(self, service, uow_class=SqlUnitOfWork):
        self.service = service
        self.uow_class = uow_class
        self.engine = None
        self.relay = None
        self.units_of_work = None
        self._relay_thread = None

    def setup(self):
        self.engine = make_engine(
            database_url(self.service),
            pool_size=setting("DB_POOL_SIZE", 10, int),
        )
        self.session_factory = make_session_factory(self.engine)
        # The relay's own connections commit without waiting for the disk: its
        # only writes mark rows sent, and a mark lost in a crash means the
        # event is published again, which the consumers' inboxes absorb.
        self.relay_engine = make_engine(database_url(self.service), pool_size=1, max_overflow=1,
                                        durable_commits=False)
        self.relay = OutboxRelay(
            self.relay_engine, poll_interval=setting("OUTBOX_POLL_SECONDS", 1.0, float),
        )
        self.units_of_work = UnitsOfWork(self.uow_class, self.session_factory, self.service,
                                         on_commit=self.relay.wake)

    def start(self):
        self._relay_thread = self.container.spawn_managed_thread(
            self.relay.run, identifier=f"{self.service}.outbox_relay")

    def stop(self):
        self.relay.stop()
        if self._relay_thread is not None:
            try:
                with eventlet.Timeout(10):
                    self._relay_thread.wait()
            except eventlet.Timeout:
                log.warning("outbox relay did not stop in time; unsent rows stay for the next start")
        self.relay.publisher.close()
        self.engine.dispose()
        self.relay_engine.dispose()

    def kill(self):
        self.relay.stop()
        self.engine.dispose()
        self.relay_engine.dispose()

    def unit_of_work(self):
        """For extensions that hold the provider (`database_of`), not a worker."""
        return self.units_of_work.unit_of_work()

    def get_dependency(self, worker_ctx):
        return self.units_of_work


def database_of(container):
    """The container's Database dependency, for extensions (and `DatabasePing`)
    that need its engine: workers get only its units of work."""
    return next((d for d in container.dependencies if isinstance(d, Database)), None)

"""A unit of work: one database transaction holding the change, the events it
emits (as outbox rows) and, for event handlers, the inbox row of the event
being handled. Commit writes all three or none."""
import abc
import json
from datetime import timedelta

from sqlalchemy import insert

from .clock import utcnow
from .envelope import Envelope
from .logging import current_correlation_id
from .metrics import INBOX_DUPLICATES
from .sql import insert_once
from .tables import inbox, outbox
from .tracing import current_traceparent


class AbstractUnitOfWork(abc.ABC):
    """What every unit of work offers a use case, the real one and the fake
    one for unit tests alike: `with uow: ...; uow.commit()`. Leaving without
    commit rolls back: the changes, the events emitted and the inbox rows
    are all undone, and nothing emitted is published. After commit the
    unit of work can go on with the next change."""

    @abc.abstractmethod
    def __enter__(self):
        """Start; returns the unit of work, its repositories ready."""

    @abc.abstractmethod
    def __exit__(self, *exc_info):
        """End: what is not committed is rolled back."""

    @abc.abstractmethod
    def emit(self, event_type, data, version=1):
        """Publish this event if, and only if, the change commits; returns its
        Envelope."""

    @abc.abstractmethod
    def first_delivery(self, consumer, envelope):
        """The inbox step of an event handler: True the first time `consumer`
        handles `envelope` (and the mark commits with the change), False for a
        duplicate delivery, on which the handler does nothing."""

    @abc.abstractmethod
    def commit(self):
        """Keep the change, the inbox marks and the events (then published)."""

    @abc.abstractmethod
    def rollback(self):
        """Undo all since the last commit."""


class SqlUnitOfWork(AbstractUnitOfWork):
    """Base for each service's unit of work (which adds its repositories in
    `_open`): one database transaction, the outbox and the inbox."""

    def __init__(self, session_factory, source, on_commit=None):
        self.session_factory = session_factory
        self.source = source
        self.on_commit = on_commit
        self.session = None
        self.emitted = []

    def __enter__(self):
        self.session = self.session_factory()
        self.emitted = []
        self._open(self.session)
        return self

    def _open(self, session):
        """Hook for subclasses to build repositories on the session."""

    def __exit__(self, *exc_info):
        # close() rolls back what was not committed, and (unlike rollback())
        # leaves loaded objects readable after the unit of work ends
        self.session.close()
        self.emitted = []

    def emit(self, event_type, data, version=1):
        if event_type not in self.event_types:
            raise ValueError(f"{event_type!r} is not among {self.source}'s documented events")
        envelope = Envelope(type=event_type, source=self.source, data=data, version=version)
        now = utcnow()
        self.session.execute(insert(outbox).values(
            event_id=envelope.id,
            event_type=envelope.type,
            envelope=json.dumps(envelope.to_dict(), ensure_ascii=False),
            correlation_id=current_correlation_id(),
            traceparent=current_traceparent(),
            created_at=now,
            attempts=0,
            next_attempt_at=now - timedelta(seconds=1),
        ))
        self.emitted.append(envelope)
        return envelope

    def first_delivery(self, consumer, envelope):
        """Record `envelope` as handled by `consumer` in this transaction.
        False when it was handled before: the caller then does nothing
        (one round trip: see sql.insert_once)."""
        if not insert_once(self.session, inbox, dict(
                consumer=consumer, event_id=envelope.id, event_type=envelope.type,
                processed_at=utcnow()), index_elements=["consumer", "event_id"]):
            INBOX_DUPLICATES.labels(self.source, consumer).inc()
            return False
        return True

    def commit(self):
        self.session.commit()
        if self.emitted and self.on_commit:
            self.on_commit()
        self.emitted = []

    def rollback(self):
        self.session.rollback()
        self.emitted = []

"""The outbox relay: publishes committed outbox rows, oldest first.

PostgreSQL: rows are claimed with FOR UPDATE SKIP LOCKED, published, and marked
sent in the same transaction, so two relays never send the same row. SQLite:
BEGIN IMMEDIATE gives one relay the batch at a time. A relay killed after
publishing but before marking sent publishes the row again on restart: the
consumers' inbox absorbs that duplicate (delivery is at least once)."""
import logging
import random
from datetime import timedelta

from sqlalchemy import func, select, update

from .clock import utcnow
from .database import is_sqlite
from .tables import outbox
from .topology import EVENTS_EXCHANGE_NAME

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 60


def backoff_seconds(attempts, base=0.5, cap=MAX_BACKOFF_SECONDS):
    """Exponential backoff with full jitter."""
    return random.uniform(0, min(cap, base * 2 ** attempts))


def publish_pending(engine, publisher, batch_size=100):
    """Publish one batch of due rows; returns how many were sent. A failed
    publish ends the batch (the broker is likely away) and backs that row off."""
    sent_ids = []
    with engine.begin() as conn:
        query = (
            select(outbox.c.id, outbox.c.event_id, outbox.c.event_type,
                   outbox.c.envelope, outbox.c.correlation_id, outbox.c.traceparent,
                   outbox.c.attempts)
            .where(outbox.c.sent_at.is_(None), outbox.c.next_attempt_at <= utcnow())
            .order_by(outbox.c.id)
            .limit(batch_size)
        )
        if not is_sqlite(engine):
            query = query.with_for_update(skip_locked=True)
        for row in conn.execute(query).all():
            headers = {"nameko.correlation_id": row.correlation_id} if row.correlation_id else {}
            if row.traceparent:  # W3C for any consumer; nameko.* becomes the handler's context
                headers.update({"traceparent": row.traceparent, "nameko.traceparent": row.traceparent})
            try:
                publisher.publish(
                    row.envelope, exchange=EVENTS_EXCHANGE_NAME,
                    routing_key=row.event_type, headers=headers,
                    message_id=row.event_id,
                )
            except Exception as exc:
                delay = backoff_seconds(row.attempts)
                log.warning("outbox publish failed; retrying in %.1fs", delay,
                            extra={"event_id": row.event_id, "error": str(exc)})
                conn.execute(update(outbox).where(outbox.c.id == row.id).values(
                    attempts=row.attempts + 1, last_error=str(exc)[:2000],
                    next_attempt_at=utcnow() + timedelta(seconds=delay),
                ))
                break
            sent_ids.append(row.id)
        if sent_ids:  # one statement for the batch: fewer round trips under load
            conn.execute(update(outbox).where(outbox.c.id.in_(sent_ids)).values(
                sent_at=utcnow(), attempts=outbox.c.attempts + 1, last_error=None))
    return len(sent_ids)


def backlog(engine):
    """(unsent count, age in seconds of the oldest unsent row) for metrics."""
    with engine.connect() as conn:
        count, oldest = conn.execute(
            select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.sent_at.is_(None))
        ).one()
    if oldest is None:
        return count, 0.0
    if oldest.tzinfo is None:  # SQLite hands back naive datetimes
        from datetime import timezone
        oldest = oldest.replace(tzinfo=timezone.utc)
    return count, (utcnow() - oldest).total_seconds()

"""Notifications use cases."""


def note_event(uow, consumer, envelope):
    """Take one event, once. What each event type triggers (messages to the
    member, webhooks) hangs off here; for now the inbox row is the record."""
    with uow:
        if not uow.first_delivery(consumer, envelope):
            return False
        uow.commit()
        return True

"""What time does to bookings, run by a timer in every booking process (the
row locks let several processes sweep side by side without doing one thing
twice): offers that expired pass on, confirmed bookings nobody checked in for
become no-shows, pending ones nobody approved by their start are rejected,
checked-in ones that ended are completed."""
from . import waitlist
from .bookings import announce, lock_key


def sweep(unit_of_work, policy, now, batch=200):
    """Returns {what: how many}. Each step is its own transaction."""
    done = {"offers_expired": 0, "no_shows": 0, "unapproved": 0, "completed": 0}
    with unit_of_work() as uow:
        expired = uow.waitlist.expired_offers(now, batch)
        uow.lock(*[waitlist.lock_key(e.resource_id) for e in expired])
        for entry in expired:
            done["offers_expired"] += waitlist.expire_offer(uow, entry, policy, now)
        uow.commit()
    # the sweeper's transitions: (count, state due, starts before, ends before, transition)
    steps = [
        ("no_shows", "confirmed", now - policy.no_show_grace, None,
         lambda booking: booking.mark_no_show(now, by="system")),
        ("unapproved", "pending", now, None,
         lambda booking: booking.reject(now, "not approved before the start", by="system")),
        ("completed", "checked_in", now, now, lambda booking: booking.complete(now)),
    ]
    for name, state, starts_before, ends_before, transition in steps:
        with unit_of_work() as uow:
            due = uow.bookings.due(state, starts_before, batch, ends_before=ends_before)
            # all at once, sorted: two sweepers (or a sweeper and a cancel) cannot deadlock
            uow.lock(*[lock_key(b.kind, b.resource_id) for b in due])
            for booking in due:
                announce(uow, booking, transition(booking))
                done[name] += 1
            uow.commit()
    return done

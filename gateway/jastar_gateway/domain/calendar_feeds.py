"""Use cases: members' private calendar feeds, an unguessable token in the
URL, stored as a hash."""
import secrets

from .model import CalendarFeed, digest


def new_calendar_feed(uow, member_id, pepper, now):
    """A fresh token for the member's feed; the URL with the old one stops working."""
    token = secrets.token_urlsafe(32)
    with uow:
        feed = uow.calendar_feeds.get(member_id)
        if feed is None:
            uow.calendar_feeds.add(CalendarFeed(member_id=member_id, token_hash=digest(pepper, token),
                                                created_at=now))
        else:
            feed.replace(digest(pepper, token), now)
        uow.commit()
    return token


def calendar_feed_member(uow, token, pepper):
    """The member whose feed this token opens, or None."""
    with uow:
        feed = uow.calendar_feeds.by_token_hash(digest(pepper, token))
        return feed.member_id if feed else None


def revoke_calendar_feed(uow, member_id):
    """True when there was a feed to revoke."""
    with uow:
        feed = uow.calendar_feeds.get(member_id)
        if feed is None:
            return False
        uow.calendar_feeds.remove(feed)
        uow.commit()
        return True

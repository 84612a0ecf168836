"""The gateway's repositories and its unit of work: all of its SQL is here."""
from datetime import timedelta

from sqlalchemy import delete, update

from jastar_common.repository import Repository
from jastar_common.sql import insert_once
from jastar_common.uow import SqlUnitOfWork

from .domain.model import ApiKey, CalendarFeed, LoginCode, StaffAccount
from .models import idempotency_keys


class StaffAccounts(Repository):
    entity = StaffAccount

    def all(self):
        return self.find(order_by=(StaffAccount.created_at,))

    def by_phone(self, phone, active_only=False):
        where = [StaffAccount.phone == phone] + ([StaffAccount.active.is_(True)] if active_only else [])
        found = self.find(*where)
        return found[0] if found else None


class ApiKeys(Repository):
    entity = ApiKey

    def all(self):
        return self.find(order_by=(ApiKey.created_at,))


class LoginCodes(Repository):
    entity = LoginCode

    def count_since(self, phone, since):
        return self.count(LoginCode.phone == phone, LoginCode.created_at > since)

    def latest_open(self, phone, now):
        """The newest unused, unexpired code, locked: parallel guesses count one by one."""
        found = self.find(LoginCode.phone == phone, LoginCode.used_at.is_(None), LoginCode.expires_at > now,
                          order_by=(LoginCode.created_at.desc(),), limit=1, for_update=True)
        return found[0] if found else None


class CalendarFeeds(Repository):
    entity = CalendarFeed
    key = "member_id"

    def by_token_hash(self, token_hash):
        found = self.find(CalendarFeed.token_hash == token_hash)
        return found[0] if found else None

    def remove(self, feed):
        self.session.delete(feed)


class IdempotencyKeys(Repository):
    """Claims on Idempotency-Keys: plain rows, claimed with one atomic insert."""
    entity = idempotency_keys
    key = "key"  # with caller: (caller, key) is the primary key

    def _key(self, caller, key):
        return self.c.caller == caller, self.c.key == key

    def forget_older_than(self, cutoff):
        self.session.execute(delete(self.entity).where(self.c.created_at < cutoff))

    def claim(self, caller, key, print_, now):
        """True when this request now holds the key (nobody had it)."""
        return insert_once(self.session, self.entity, dict(
            caller=caller, key=key, fingerprint=print_, status=None, body=None, created_at=now))

    def take_over(self, caller, key, print_, now, lease):
        """True when the same request's unanswered claim was older than the lease."""
        return self.session.execute(update(self.entity).where(
            *self._key(caller, key), self.c.status.is_(None), self.c.fingerprint == print_,
            self.c.created_at < now - timedelta(seconds=lease),
        ).values(created_at=now)).rowcount == 1

    def claim_of(self, caller, key):
        found = self.find(*self._key(caller, key))
        return found[0] if found else None

    def keep_answer(self, caller, key, status, body):
        self.session.execute(update(self.entity).where(*self._key(caller, key)).values(status=status, body=body))

    def free(self, caller, key):
        self.session.execute(delete(self.entity).where(*self._key(caller, key)))


class GatewayUnitOfWork(SqlUnitOfWork):
    event_types = frozenset()  # the gateway emits no events

    def _open(self, session):
        self.staff = StaffAccounts(session)
        self.api_keys = ApiKeys(session)
        self.login_codes = LoginCodes(session)
        self.calendar_feeds = CalendarFeeds(session)
        self.idempotency_keys = IdempotencyKeys(session)

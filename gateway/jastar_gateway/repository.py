"""The gateway's repositories and its unit of work: all of its SQL is here."""
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from jastar_common.sql import insert_once
from jastar_common.uow import SqlUnitOfWork

from .domain.model import ApiKey, CalendarFeed, LoginCode, StaffAccount
from .models import idempotency_keys
from .repository_base import SqlRepository


class StaffAccounts(SqlRepository):
    def __init__(self, session):
        super().__init__(session, StaffAccount)

    def all(self):
        return self.list(StaffAccount.created_at, StaffAccount.id)

    def by_phone(self, phone, active_only=False):
        where = [StaffAccount.phone == phone] + ([StaffAccount.active.is_(True)] if active_only else [])
        return self.session.scalar(select(StaffAccount).where(*where))


class ApiKeys(SqlRepository):
    def __init__(self, session):
        super().__init__(session, ApiKey)

    def all(self):
        return self.list(ApiKey.created_at, ApiKey.id)


class LoginCodes(SqlRepository):
    def __init__(self, session):
        super().__init__(session, LoginCode)

    def count_since(self, phone, since):
        return self.session.scalar(select(func.count()).select_from(LoginCode).where(
            LoginCode.phone == phone, LoginCode.created_at > since))

    def latest_open(self, phone, now):
        """The newest unused, unexpired code, locked: parallel guesses count one by one."""
        return self.session.scalars(select(LoginCode).where(
            LoginCode.phone == phone, LoginCode.used_at.is_(None), LoginCode.expires_at > now)
            .order_by(LoginCode.created_at.desc()).limit(1).with_for_update()).first()


class CalendarFeeds(SqlRepository):
    def __init__(self, session):
        super().__init__(session, CalendarFeed)

    def by_token_hash(self, token_hash):
        return self.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash))

    def remove(self, feed):
        self.session.delete(feed)


class IdempotencyKeys:
    """Claims on Idempotency-Keys: plain rows, claimed with one atomic insert."""

    def __init__(self, session):
        self.session = session

    @staticmethod
    def _key(caller, key):
        return idempotency_keys.c.caller == caller, idempotency_keys.c.key == key

    def forget_older_than(self, cutoff):
        self.session.execute(delete(idempotency_keys).where(idempotency_keys.c.created_at < cutoff))

    def claim(self, caller, key, print_, now):
        """True when this request now holds the key (nobody had it)."""
        return insert_once(self.session, idempotency_keys, dict(
            caller=caller, key=key, fingerprint=print_, status=None, body=None, created_at=now))

    def take_over(self, caller, key, print_, now, lease):
        """True when the same request's unanswered claim was older than the lease."""
        return self.session.execute(update(idempotency_keys).where(
            *self._key(caller, key), idempotency_keys.c.status.is_(None),
            idempotency_keys.c.fingerprint == print_,
            idempotency_keys.c.created_at < now - timedelta(seconds=lease),
        ).values(created_at=now)).rowcount == 1

    def get(self, caller, key):
        return self.session.execute(select(idempotency_keys).where(*self._key(caller, key))).mappings().first()

    def keep_answer(self, caller, key, status, body):
        self.session.execute(update(idempotency_keys).where(*self._key(caller, key))
                             .values(status=status, body=body))

    def free(self, caller, key):
        self.session.execute(delete(idempotency_keys).where(*self._key(caller, key)))


class GatewayUnitOfWork(SqlUnitOfWork):
    event_types = frozenset()  # the gateway emits no events

    def _open(self, session):
        self.staff = StaffAccounts(session)
        self.api_keys = ApiKeys(session)
        self.login_codes = LoginCodes(session)
        self.calendar_feeds = CalendarFeeds(session)
        self.idempotency_keys = IdempotencyKeys(session)

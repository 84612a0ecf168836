"""Use cases: staff accounts and integrators' API keys (admins manage both)."""
import secrets
import uuid

from jastar_common.errors import Conflict, NotFound

from .model import ApiKey, StaffAccount, digest

KEY_PREFIX = "jh_"


def add_staff(uow, phone, full_name, role, centre_ids, now):
    with uow:
        if uow.staff.by_phone(phone) is not None:
            raise Conflict("a staff account with this phone exists", fields={"phone": ["already used"]})
        account = StaffAccount(id=str(uuid.uuid4()), phone=phone, full_name=full_name, role=role,
                               centre_ids=list(centre_ids), created_at=now)
        uow.staff.add(account)
        uow.commit()
        return account


def list_staff(uow):
    with uow:
        return uow.staff.all()


def staff_by_phone(uow, phone):
    """The active account that signs in with this phone, or None."""
    with uow:
        return uow.staff.by_phone(phone, active_only=True)


def staff_by_id(uow, account_id):
    with uow:
        return uow.staff.get(account_id)


def deactivate_staff(uow, account_id):
    with uow:
        account = uow.staff.get(account_id)
        if account is None:
            raise NotFound("no such staff account", entity="staff_account", id=account_id)
        account.deactivate()
        uow.commit()


def create_api_key(uow, name, pepper, now):
    """The new key, "jh_<id>.<secret>": this answer is the only place it is shown."""
    key_id, secret = uuid.uuid4().hex, secrets.token_urlsafe(32)
    with uow:
        uow.api_keys.add(ApiKey(id=key_id, name=name, key_hash=digest(pepper, secret), created_at=now))
        uow.commit()
    return {"id": key_id, "name": name, "key": f"{KEY_PREFIX}{key_id}.{secret}"}


def check_api_key(uow, presented, pepper):
    """The key's id when it is genuine and not revoked, else None."""
    if not presented.startswith(KEY_PREFIX) or "." not in presented:
        return None
    key_id, _, secret = presented[len(KEY_PREFIX):].partition(".")
    with uow:
        key = uow.api_keys.get(key_id)
    return key.id if key is not None and key.opens_with(secret, pepper) else None


def list_api_keys(uow):
    with uow:
        return uow.api_keys.all()


def revoke_api_key(uow, key_id, now):
    with uow:
        key = uow.api_keys.get(key_id)
        if key is None or key.revoked:
            raise NotFound("no such active API key", entity="api_key", id=key_id)
        key.revoke(now)
        uow.commit()

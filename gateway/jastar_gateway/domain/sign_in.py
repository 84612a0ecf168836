"""Use cases: one-time sign-in codes, sent by SMS, kept only as hashes."""
import secrets
import uuid
from datetime import timedelta

from .model import LoginCode, digest


def new_login_code(uow, phone, pepper, ttl, per_hour, now):
    """A fresh 6-digit code for the phone, or None when it asked too often."""
    with uow:
        if uow.login_codes.count_since(phone, now - timedelta(hours=1)) >= per_hour:
            return None
        code = f"{secrets.randbelow(1_000_000):06d}"
        uow.login_codes.add(LoginCode(id=str(uuid.uuid4()), phone=phone,
                                      code_hash=digest(pepper, f"{phone}:{code}"),
                                      expires_at=now + ttl, created_at=now))
        uow.commit()
        return code


def use_login_code(uow, phone, code, pepper, now):
    """True once for the right code before it expires; each try counts."""
    with uow:
        login_code = uow.login_codes.latest_open(phone, now)
        if login_code is None:
            return False
        good = login_code.try_code(code, pepper, now)
        uow.commit()
        return good

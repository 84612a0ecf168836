"""The IIN vault: members' IINs are stored encrypted, with a keyed hash for
look-ups and uniqueness, never in clear.

Both keys are derived from one secret (config REGISTRY_IIN_KEY) with
HKDF-SHA256 under different `info` labels, so the lookup key reveals nothing
about the encryption key and vice versa. No message raised or logged here
ever contains an IIN.
"""
import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["IinVault", "MIN_SECRET_LENGTH"]

MIN_SECRET_LENGTH = 16
ENCRYPTION_INFO = b"jastar-iin-encryption"
LOOKUP_INFO = b"jastar-iin-lookup"


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def _canonical(iin) -> str:
    # Same form as validators.validate_iin returns: spaces dropped, 12 digits.
    cleaned = re.sub(r"\s", "", iin) if isinstance(iin, str) else ""
    if not re.fullmatch(r"[0-9]{12}", cleaned):
        raise ValueError("an IIN must be exactly 12 digits")  # never echo the value
    return cleaned


class IinVault:
    """seal(iin) -> (ciphertext, lookup_hash, last4); open(ciphertext) -> iin;
    lookup_hash(iin) -> hex HMAC-SHA256 (stable for one secret)."""

    def __init__(self, secret: str):
        if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"the IIN key (REGISTRY_IIN_KEY) must be at least {MIN_SECRET_LENGTH} characters")
        material = secret.encode("utf-8")
        # Fernet wants 32 bytes (16 signing + 16 AES-128-CBC), URL-safe base64
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(material, ENCRYPTION_INFO)))
        self._lookup_key = _derive(material, LOOKUP_INFO)

    def __repr__(self):
        return "IinVault(<keys hidden>)"

    def lookup_hash(self, iin: str) -> str:
        return hmac.new(self._lookup_key, _canonical(iin).encode("ascii"), hashlib.sha256).hexdigest()

    def seal(self, iin: str) -> tuple[str, str, str]:
        cleaned = _canonical(iin)
        ciphertext = self._fernet.encrypt(cleaned.encode("ascii")).decode("ascii")
        return ciphertext, self.lookup_hash(cleaned), cleaned[-4:]

    def open(self, ciphertext: str) -> str:
        try:
            token = ciphertext.encode("ascii") if isinstance(ciphertext, str) else ciphertext
            return self._fernet.decrypt(token).decode("ascii")
        except (InvalidToken, TypeError, ValueError, AttributeError):
            raise ValueError("the IIN ciphertext cannot be opened with this key") from None

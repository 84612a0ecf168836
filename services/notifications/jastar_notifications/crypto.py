"""Webhook secrets at rest: Fernet (AES-128-CBC + HMAC) under a key derived
from WEBHOOKS_SECRET_KEY. They must be recoverable (we sign with them), so
they are encrypted, not hashed."""
import base64
import hashlib
import logging

from cryptography.fernet import Fernet

log = logging.getLogger(__name__)
DEV_KEY = "jastar-development-only-webhook-key"


class SecretBox:
    def __init__(self, passphrase=None):
        if not passphrase:
            log.warning("WEBHOOKS_SECRET_KEY is not set: using the development key")
            passphrase = DEV_KEY
        key = base64.urlsafe_b64encode(hashlib.sha256(passphrase.encode()).digest())
        self._fernet = Fernet(key)

    def encrypt(self, secret):
        return self._fernet.encrypt(secret.encode()).decode()

    def decrypt(self, token):
        return self._fernet.decrypt(token.encode()).decode()

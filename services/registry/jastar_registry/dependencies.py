"""The registry's own nameko dependencies: each gives a worker the narrow
object it needs."""
import logging

from nameko.extensions import DependencyProvider

from jastar_common.config import setting

from .crypto import IinVault

log = logging.getLogger(__name__)

DEV_IIN_KEY = "dev-only-iin-key-never-use-in-production"


class IinVaultProvider(DependencyProvider):
    """Encrypts IINs and makes their look-up hashes, with REGISTRY_IIN_KEY.
    Rotating the key needs a re-encryption (docs/runbook.md)."""

    def setup(self):
        secret = setting("REGISTRY_IIN_KEY")
        if not secret:
            if setting("JASTAR_ENV", "development") == "production":
                raise RuntimeError("REGISTRY_IIN_KEY is not set")
            log.warning("REGISTRY_IIN_KEY not set: using the development key")
            secret = DEV_IIN_KEY
        self.vault = IinVault(secret)

    def get_dependency(self, worker_ctx):
        return self.vault


"""The reports service's own nameko dependencies: each gives a worker the
narrow object it needs."""
import logging

from nameko.extensions import DependencyProvider

from jastar_common.config import setting

from .domain.facts import MemberHasher

log = logging.getLogger(__name__)

DEV_MEMBER_KEY = "dev-only-reports-member-key-never-use-in-production"


class MemberHasherProvider(DependencyProvider):
    """The keyed hash of member ids (REPORTS_MEMBER_KEY): facts never hold the ids."""

    def setup(self):
        key = setting("REPORTS_MEMBER_KEY")
        if not key:
            if setting("JASTAR_ENV", "development") == "production":
                raise RuntimeError("REPORTS_MEMBER_KEY is not set")
            log.warning("REPORTS_MEMBER_KEY not set: using the development key")
            key = DEV_MEMBER_KEY
        self.hasher = MemberHasher(key)

    def get_dependency(self, worker_ctx):
        return self.hasher


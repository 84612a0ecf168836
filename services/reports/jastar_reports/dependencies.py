"""The reports service's own nameko dependencies."""
import logging
from datetime import timedelta

from nameko.extensions import DependencyProvider

from jastar_common.config import setting

from .domain.facts import MemberHasher
from .domain.figures import Settings

log = logging.getLogger(__name__)

DEV_MEMBER_KEY = "dev-only-reports-member-key-never-use-in-production"


class Reporting(DependencyProvider):
    """The member hasher (REPORTS_MEMBER_KEY) and the reports' settings."""

    def setup(self):
        key = setting("REPORTS_MEMBER_KEY")
        if not key:
            if setting("JASTAR_ENV", "development") == "production":
                raise RuntimeError("REPORTS_MEMBER_KEY is not set")
            log.warning("REPORTS_MEMBER_KEY not set: using the development key")
            key = DEV_MEMBER_KEY
        self.hasher = MemberHasher(key)
        self.settings = Settings(late_cancel=timedelta(hours=setting("REPORTS_LATE_CANCEL_HOURS", 24, float)))

    def get_dependency(self, worker_ctx):
        return self

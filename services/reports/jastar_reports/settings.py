"""The reports' settings: one frozen object, built when the service starts
(never at import), so a test can start the service with others."""
from dataclasses import dataclass
from datetime import timedelta

from jastar_common.config import setting


@dataclass(frozen=True)
class ReportsSettings:
    # a cancellation this close to the start counts as late (REPORTS_LATE_CANCEL_HOURS)
    late_cancel: timedelta = timedelta(hours=24)

    @classmethod
    def from_config(cls):
        return cls(late_cancel=timedelta(hours=setting("REPORTS_LATE_CANCEL_HOURS", 24, float)))

"""The reports' settings: one frozen object, built when the service starts
(jastar_common.settings), never at import."""
from dataclasses import dataclass
from datetime import timedelta

from jastar_common.settings import from_setting


@dataclass(frozen=True)
class ReportsSettings:
    # a cancellation this close to the start counts as late
    late_cancel_hours: float = from_setting("REPORTS_LATE_CANCEL_HOURS", 24.0, float)

    @property
    def late_cancel(self):
        return timedelta(hours=self.late_cancel_hours)

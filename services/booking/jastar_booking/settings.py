"""Booking's settings: one frozen object, built when the service starts
(jastar_common.settings), never at import. The timers' intervals are read
by the timers themselves at setup (configured_timer in service.py)."""
from dataclasses import dataclass, field

from jastar_common.config import setting
from jastar_common.settings import from_setting, read

from .domain.policies import Policy


@dataclass(frozen=True)
class BookingSettings:
    # the limits of booking (see Policy.from_settings for the keys)
    policy: Policy = field(default_factory=Policy)
    # how long a member event's eligibility read waits for the registry
    registry_rpc_timeout: float = from_setting("REGISTRY_RPC_TIMEOUT_SECONDS", 10.0, float)


def read_settings(**given):
    """The settings as configured now; `given` names values (tests)."""
    return read(BookingSettings, **{"policy": Policy.from_settings(setting), **given})

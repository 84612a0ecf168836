"""The registry's settings: one frozen object, built when the service starts
(jastar_common.settings), never at import."""
from dataclasses import dataclass

from jastar_common.settings import from_setting

from .domain.model import YOUTH_AGE


@dataclass(frozen=True)
class RegistrySettings:
    # members' ages, both inclusive
    member_min_age: int = from_setting("MEMBER_MIN_AGE", YOUTH_AGE[0], int)
    member_max_age: int = from_setting("MEMBER_MAX_AGE", YOUTH_AGE[1], int)
    # how long a staff member's read of a member waits for booking's answer
    booking_rpc_timeout: float = from_setting("BOOKING_RPC_TIMEOUT_SECONDS", 5.0, float)

    @property
    def member_ages(self):
        return self.member_min_age, self.member_max_age

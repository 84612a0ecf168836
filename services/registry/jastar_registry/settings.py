"""The registry's settings: one frozen object, built when the service starts
(never at import), so a test can start the service with others."""
from dataclasses import dataclass

from jastar_common.config import setting

from .domain.model import YOUTH_AGE


@dataclass(frozen=True)
class RegistrySettings:
    # members' ages, both inclusive (MEMBER_MIN_AGE / MEMBER_MAX_AGE)
    member_ages: tuple = YOUTH_AGE
    # how long a staff member's read of a member waits for booking's answer
    booking_rpc_timeout: float = 5.0

    @classmethod
    def from_config(cls):
        return cls(member_ages=(setting("MEMBER_MIN_AGE", YOUTH_AGE[0], int),
                                setting("MEMBER_MAX_AGE", YOUTH_AGE[1], int)),
                   booking_rpc_timeout=setting("BOOKING_RPC_TIMEOUT_SECONDS", 5, float))

"""Typed errors that cross RPC intact, so the gateway can map them to HTTP.

Registered with nameko's deserialize_to_instance: a service raises
SlotTaken and the gateway catches SlotTaken, not a RemoteError."""
from nameko.exceptions import deserialize_to_instance


class JastarError(Exception):
    code = "error"

    # (message, details) are the exception's args so nameko can rebuild it remotely
    def __init__(self, message="", details=None, **more):
        details = {**(details or {}), **more}
        super().__init__(message, details)
        self.message = message
        self.details = details

    def __str__(self):
        return self.message


@deserialize_to_instance
class NotFound(JastarError):
    code = "not_found"


@deserialize_to_instance
class Conflict(JastarError):
    code = "conflict"


@deserialize_to_instance
class SlotTaken(Conflict):
    code = "slot_taken"


@deserialize_to_instance
class RuleBroken(JastarError):
    """A business rule refused the change; details['rule'] names it."""
    code = "rule_broken"


@deserialize_to_instance
class NotAllowed(JastarError):
    code = "not_allowed"


@deserialize_to_instance
class InvalidInput(JastarError):
    """details['fields'] maps each field at fault to its messages."""
    code = "invalid_input"

    @classmethod
    def from_validation_error(cls, err, message="Invalid input"):
        return cls(message, fields=err.normalized_messages())


EXPECTED_ERRORS = (NotFound, Conflict, RuleBroken, NotAllowed, InvalidInput)

"""The gateway's routes, one mixin per audience; service.py puts them together."""
import eventlet

from jastar_common.caller import CALLER_KEY, SYSTEM
from jastar_common.errors import InvalidInput
from jastar_common.phones import InvalidField, normalise_phone
from jastar_common.rpc import DEADLINE_KEY, with_deadline

from ..cache import AVAILABILITY
from ..problems import ServiceUnavailable


def page(items, query):
    """A page of a list held whole (a few staff accounts, keys or webhooks;
    cached availability), in the one envelope every list answers."""
    limit, offset = query["limit"], query["offset"]
    return {"items": items[offset:offset + limit], "total": len(items), "limit": limit, "offset": offset}


def phone_of(raw):
    """The phone as stored and compared (+7...), or a 400 naming the field."""
    try:
        return normalise_phone(raw)
    except InvalidField as err:
        raise InvalidInput("invalid phone", fields={"phone": [err.message]}) from None


class Calls:
    def call(self, service, method, *args, timeout=None, as_system=False, **kwargs):
        """One RPC, as the request's caller, with a deadline: a service that is
        down or slow becomes a 503. `as_system` is for the gateway's own
        look-ups (is this phone registered?), never for the client's wishes."""
        timeout = timeout or self.settings.rpc_timeout_seconds
        context = self.rpc.context_data  # the worker's: every RPC carries it as headers
        saved = context.get(CALLER_KEY)
        if as_system:
            context[CALLER_KEY] = SYSTEM.to_context()
        # past the deadline the service drops the request unrun: a 503 means "not done"
        saved_deadline = with_deadline(context, timeout)
        try:
            with eventlet.Timeout(timeout):
                return getattr(self.rpc[service], method)(*args, **kwargs)
        except eventlet.Timeout:
            raise ServiceUnavailable(service, f"no answer within {timeout:g}s") from None
        finally:
            context[CALLER_KEY] = saved
            context[DEADLINE_KEY] = saved_deadline

    def change_booking(self, method, *args):
        """A booking change: once booking has answered, this process's cached
        availability is dropped, so this client sees it at once (other
        gateway processes learn it from the event: invalidation.py)."""
        result = self.call("booking", method, *args)
        AVAILABILITY.invalidate_all()
        return result

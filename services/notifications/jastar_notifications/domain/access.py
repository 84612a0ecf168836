"""Who may do what in notifications: pure functions over the caller, raising
the domain error (NotAllowed, or NotFound for what the caller may not know of)."""
from jastar_common.errors import NotAllowed, NotFound


def check_sends_login_codes(caller):
    """Only the gateway (system), which makes and checks the codes."""
    caller.require("system")


def check_handles_dead_messages(caller):
    """Staff see the messages that could not be delivered, and retry them."""
    caller.require("staff")


def check_member_access(caller, member_id):
    """Members see and change only their own; admin and system anyone's."""
    if caller.is_privileged or (caller.is_member and caller.id == member_id):
        return
    raise NotAllowed("only the member may do this", caller=caller.kind)


def webhook_owner(caller):
    """Whose webhooks the caller manages: an integrator its own, admin and system any."""
    if caller.kind == "integrator" and caller.id:
        return caller.id
    if caller.is_privileged:
        return caller.id or caller.kind
    raise NotAllowed("webhooks are for integrators", caller=caller.kind)


def check_webhook_owner(caller, subscription, entity="webhook", obj_id=None):
    if subscription is None or not (caller.is_privileged or subscription["owner"] == caller.id):
        # someone else's subscription is as good as absent
        raise NotFound(f"no such {entity}", entity=entity, id=obj_id)

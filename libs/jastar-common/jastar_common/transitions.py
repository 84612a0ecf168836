"""State changes by a table: (action, state it starts from) -> the state it
ends in; anything else is refused with the domain error (Conflict). Every
service's `domain/model.py` keeps its tables and asks here.

    BOOKING_TRANSITIONS = {("approve", "pending"): "confirmed", ...}
    self.state = next_state(BOOKING_TRANSITIONS, "approve", self.state,
                            f"a {self.state} booking is not waiting for approval")

A change made to many rows at once, in one statement, takes its states from
the same table: `starts(table, action)` for the WHERE, `end(table, action)`
for the SET."""
from .errors import Conflict


def next_state(table, action, state, refusal, field="state"):
    """The state `action` leads to from `state`; Conflict(refusal, {field: state})
    when the table does not allow it."""
    try:
        return table[action, state]
    except KeyError:
        raise Conflict(refusal, **{field: state}) from None


def starts(table, action):
    """The states `action` may start from, sorted."""
    return tuple(sorted(state for (name, state) in table if name == action))


def end(table, action):
    """The one state `action` ends in, from whichever state it starts."""
    ends = {to for (name, _), to in table.items() if name == action}
    if len(ends) != 1:
        raise ValueError(f"{action!r} ends in {sorted(ends)}, not in one state")
    return ends.pop()

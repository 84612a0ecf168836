"""The shared transition helper: a table allows, or refuses with the domain error."""
import pytest

from jastar_common.errors import Conflict
from jastar_common.transitions import end, next_state, starts

TABLE = {("go", "a"): "b", ("go", "c"): "b", ("back", "b"): "a"}


def test_an_allowed_action_gives_the_state_it_ends_in():
    assert next_state(TABLE, "go", "a", "no") == "b"


def test_a_refused_action_is_a_conflict_naming_the_state():
    with pytest.raises(Conflict) as err:
        next_state(TABLE, "back", "a", "cannot go back")
    assert (str(err.value), err.value.details) == ("cannot go back", {"state": "a"})
    with pytest.raises(Conflict) as err:
        next_state(TABLE, "go", "b", "no", field="status")
    assert err.value.details == {"status": "b"}


def test_a_change_to_many_rows_takes_its_states_from_the_table():
    assert starts(TABLE, "go") == ("a", "c") and end(TABLE, "go") == "b"
    assert starts(TABLE, "fly") == ()
    with pytest.raises(ValueError):
        end({("go", "a"): "b", ("go", "b"): "c"}, "go")

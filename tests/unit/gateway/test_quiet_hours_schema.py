"""Quiet hours at the gateway: bad input is refused naming the field, and the
answer keeps both ends of the window."""
import pytest
from marshmallow import ValidationError

from jastar_gateway import responses, schemas
from jastar_gateway.i18n import translate


@pytest.mark.parametrize("quiet, field", [
    ({"from": "22:00"}, "to"),
    ({"from": "25:00", "to": "08:00"}, "from"),
    ({"from": "22:00", "to": "22:00"}, "to"),
    ({"from": "22:00", "to": "08:00", "zone": "UTC"}, "zone"),
])
def test_bad_quiet_hours_name_the_field(quiet, field):
    with pytest.raises(ValidationError) as err:
        schemas.Preferences().load({"channels": ["sms"], "quiet_hours": quiet})
    assert field in err.value.messages["quiet_hours"]


def test_quiet_hours_load_and_are_answered_with_both_ends():
    body = schemas.Preferences().load({"channels": ["sms"], "quiet_hours": {"from": "22:00", "to": "08:00"}})
    assert body["quiet_hours"] == {"from": "22:00", "to": "08:00"}
    answer = responses.ChannelPreferences().dump({"member_id": "m-1", "channels": ["sms"],
                                                  "quiet_hours": body["quiet_hours"], "default": False})
    assert answer["quiet_hours"] == {"from": "22:00", "to": "08:00"}
    assert responses.ChannelPreferences().dump({"member_id": "m-1", "channels": [], "quiet_hours": None})[
        "quiet_hours"] is None


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_quiet_hours_messages_are_translated(language):
    for english in ("a time of day as HH:MM (00:00-23:59)", "from and to must differ"):
        assert translate(english, language) != english

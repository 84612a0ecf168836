"""The registry's entities change state over their tables of transitions,
the catalogue's use cases ask access.py before they change anything, and
the settings are read when built."""
from datetime import datetime, timezone

import pytest

from jastar_common.caller import Caller
from jastar_common.errors import Conflict, NotAllowed, NotFound
from jastar_common.settings import read
from jastar_registry.domain import catalogue
from jastar_registry.domain.model import Centre, Member
from jastar_registry.settings import RegistrySettings

from .world import NOW, STUDIO, with_centre

LATER = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
KARASAI_STAFF = Caller("staff", "s-1", ("karasai-yrc",))
ILI_STAFF = Caller("staff", "s-2", ("ili-coworking",))


def centre(status):
    return Centre(id="c", district_id="d", name_kk="к", name_ru="к", address="a", status=status)


def test_a_place_closes_once_and_for_good():
    place = centre("planned")
    assert place.close(NOW) is True and place.status == "closed" and place.updated_at == NOW
    assert place.close(LATER) is False and place.updated_at == NOW
    for status in ("planned", "open", "closed"):
        with pytest.raises(Conflict):
            place.check_move(status)


@pytest.mark.parametrize("before, after", [("planned", "open"), ("open", "planned"), ("open", "closed"),
                                           ("planned", "closed"), ("planned", "planned")])
def test_open_and_planned_places_may_move(before, after):
    centre(before).check_move(after)


def test_erasure_wipes_once_and_an_erased_member_reads_as_not_found():
    member = Member(full_name="Айгерім", phone="+7 701 234 56 78", categories=["student"], iin_last4="1234")
    member.check_active()
    assert member.erase(NOW) is True
    assert (member.status, member.full_name, member.phone, member.categories, member.iin_masked) == \
        ("erased", None, None, [], None)
    assert member.erase(LATER) is False and member.erased_at == NOW
    with pytest.raises(NotFound):
        member.check_active()


def test_staff_change_their_own_centre_only_and_nothing_is_stored_otherwise():
    uow = with_centre()
    with pytest.raises(NotAllowed):
        catalogue.create(uow, "space", STUDIO, caller=ILI_STAFF, now=NOW)
    assert uow.repository("space").items == {}
    space = catalogue.create(uow, "space", STUDIO, caller=KARASAI_STAFF, now=LATER)
    assert space.updated_at == LATER
    with pytest.raises(NotAllowed):  # moving it to a centre they do not work at
        catalogue.update(uow, "space", "studio", {"centre_id": "ili-coworking"}, caller=KARASAI_STAFF, now=NOW)
    with pytest.raises(NotAllowed):
        catalogue.close(uow, "space", "studio", caller=ILI_STAFF, now=NOW)
    with pytest.raises(NotAllowed):  # the frame is the admins'
        catalogue.update(uow, "centre", "karasai-yrc", {"address": "x"}, caller=KARASAI_STAFF, now=NOW)
    assert catalogue.close(uow, "space", "studio", caller=KARASAI_STAFF, now=LATER).status == "closed"
    assert [event for event, _ in uow.published][-2:] == ["space.created", "space.closed"]


def test_a_closed_object_cannot_be_updated_even_back_to_open():
    uow = with_centre()
    catalogue.close(uow, "centre", "karasai-yrc", now=LATER)
    with pytest.raises(Conflict):
        catalogue.update(uow, "centre", "karasai-yrc", {"status": "open"}, now=NOW)


def test_settings_read_the_age_range_when_built(monkeypatch):
    assert RegistrySettings().member_ages == (14, 35)
    monkeypatch.setenv("MEMBER_MIN_AGE", "16")
    assert read(RegistrySettings).member_ages == (16, 35)

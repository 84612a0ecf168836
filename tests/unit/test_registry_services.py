import pytest

from jastar_common.errors import Conflict, NotFound
from jastar_registry.domain import services
from jastar_registry.domain.model import District

from .fakes import FakeRepository, FakeUnitOfWork

KARASAI = dict(id="karasai", name_kk="Қарасай ауданы", name_ru="Карасайский район",
               admin_centre="Қаскелең", youth_population=82_000)
CENTRE = dict(id="karasai-yrc", district_id="karasai", name_kk="орталық", name_ru="центр",
              address="Қаскелең", status="open")


def make_uow():
    return FakeUnitOfWork(districts=FakeRepository(), centres=FakeRepository())


def test_creating_a_centre_emits_ids_only():
    uow = make_uow()
    services.upsert_district(uow, KARASAI)
    services.create_centre(uow, CENTRE)
    assert uow.published[-1] == ("centre.created",
                                 {"centre_id": "karasai-yrc", "district_id": "karasai", "status": "open"})


def test_a_centre_in_an_unknown_district_is_refused_and_emits_nothing():
    uow = make_uow()
    with pytest.raises(NotFound):
        services.create_centre(uow, CENTRE)
    assert uow.published == [] and uow.centres.items == {}


def test_a_second_centre_with_the_same_id_conflicts():
    uow = make_uow()
    services.upsert_district(uow, KARASAI)
    services.create_centre(uow, CENTRE)
    with pytest.raises(Conflict):
        services.create_centre(uow, CENTRE)
    assert [event for event, _ in uow.published] == ["district.created", "centre.created"]


def test_upserting_a_district_twice_updates_it():
    uow = make_uow()
    services.upsert_district(uow, KARASAI)
    services.upsert_district(uow, {**KARASAI, "youth_population": 83_000})
    assert isinstance(uow.districts.get("karasai"), District)
    assert uow.districts.get("karasai").youth_population == 83_000
    assert [event for event, _ in uow.published] == ["district.created", "district.updated"]

"""The registry's catalogue use cases, and reading members a batch at a
time, with an in-memory unit of work."""
from datetime import datetime, timedelta, timezone

import pytest

from jastar_common.errors import Conflict, InvalidInput, NotFound
from jastar_common.validation import load
from jastar_registry.domain import catalogue, lookups
from jastar_registry.domain.model import Member
from jastar_registry.member_schemas import CONTACT_FIELDS, MemberIdsSchema, MemberSchema

from .fakes import FakeRepository, FakeUnitOfWork
from .registry.world import CENTRE, KARASAI, NOW, STUDIO, with_centre


def test_creating_a_centre_emits_its_snapshot_with_ids():
    uow = with_centre()
    event, data = uow.published[-1]
    assert event == "centre.created"
    assert data["centre_id"] == "karasai-yrc" and data["district_id"] == "karasai"
    assert data["opening_hours"] == {"mon": [["09:00", "18:00"]]}


def test_a_reference_to_nothing_is_named_and_nothing_is_stored():
    uow = FakeUnitOfWork()
    with pytest.raises(InvalidInput) as err:
        catalogue.create(uow, "centre", CENTRE, now=NOW)
    assert err.value.details["fields"] == {"district_id": ["no district 'karasai'"]}
    assert uow.published == [] and uow.repository("centre").items == {}


def test_every_broken_rule_is_reported_at_once():
    uow = with_centre()
    with pytest.raises(InvalidInput) as err:
        catalogue.create(uow, "space", {**STUDIO, "capacity": 2, "min_minutes": 120, "max_minutes": 90}, now=NOW)
    assert set(err.value.details["fields"]) == {"capacity", "min_minutes", "max_minutes"}


def test_a_second_object_with_the_same_id_conflicts():
    uow = with_centre()
    with pytest.raises(Conflict):
        catalogue.create(uow, "centre", CENTRE, now=NOW)


def test_an_update_that_changes_nothing_emits_nothing():
    uow = with_centre()
    before = len(uow.published)
    catalogue.update(uow, "centre", "karasai-yrc", {"address": "Қаскелең"}, now=NOW)
    assert len(uow.published) == before
    catalogue.update(uow, "centre", "karasai-yrc", {"address": "Қаскелең, Абай к. 1"}, now=NOW)
    event, data = uow.published[-1]
    assert event == "centre.updated" and data["changed"] == ["address"]


def test_closing_is_idempotent_and_a_closed_object_cannot_change():
    uow = with_centre()
    catalogue.close(uow, "centre", "karasai-yrc", now=NOW)
    catalogue.close(uow, "centre", "karasai-yrc", now=NOW)
    assert [e for e, _ in uow.published].count("centre.closed") == 1
    with pytest.raises(Conflict):
        catalogue.update(uow, "centre", "karasai-yrc", {"address": "x"}, now=NOW)
    with pytest.raises(NotFound):
        catalogue.close(uow, "centre", "nowhere", now=NOW)


def test_an_open_centre_needs_hours_and_hours_must_not_overlap():
    uow = FakeUnitOfWork()
    catalogue.create(uow, "district", KARASAI, now=NOW)
    with pytest.raises(InvalidInput) as err:
        catalogue.create(uow, "centre", {**CENTRE, "opening_hours": {}}, now=NOW)
    assert "opening_hours" in err.value.details["fields"]
    with pytest.raises(InvalidInput):
        catalogue.create(uow, "centre", {**CENTRE, "opening_hours": {
            "mon": [["09:00", "13:00"], ["12:00", "18:00"]]}}, now=NOW)


def test_a_specialist_belongs_to_a_partner_or_a_centre_and_leaves_their_name_out_of_events():
    uow = with_centre()
    person = dict(id="lawyer", full_name="Нұрлан Бекенов", title_kk="Заңгер", title_ru="Юрист")
    with pytest.raises(InvalidInput):
        catalogue.create(uow, "specialist", person, now=NOW)
    catalogue.create(uow, "specialist", {**person, "centre_id": "karasai-yrc"}, now=NOW)
    assert "full_name" not in uow.published[-1][1]


def test_a_session_takes_its_programmes_centre_and_must_end_after_it_starts():
    uow = with_centre()
    catalogue.create(uow, "programme", dict(id="sewing", centre_id="karasai-yrc", kind="course",
                                            name_kk="тігу", name_ru="шитьё", languages=["kk"]), now=NOW)
    start = datetime(2026, 12, 1, 5, tzinfo=timezone.utc)
    session = catalogue.create(uow, "session", dict(id="s1", programme_id="sewing", starts_at=start,
                                                    ends_at=start + timedelta(hours=2)), now=NOW)
    assert session.centre_id == "karasai-yrc"
    assert uow.published[-1][1]["starts_at"] == "2026-12-01T05:00:00+00:00"
    with pytest.raises(InvalidInput) as err:
        catalogue.create(uow, "session", dict(id="s2", programme_id="sewing", starts_at=start,
                                              ends_at=start, language="ru"), now=NOW)
    assert set(err.value.details["fields"]) == {"ends_at", "language"}


def test_search_filters_pages_and_finds_text():
    uow = with_centre()
    for n in range(5):
        catalogue.create(uow, "service", dict(id=f"svc-{n}", topic="jobs", name_kk=f"кеңес {n}",
                                              name_ru=f"Консультация {n}",
                                              centre_ids=["karasai-yrc"] if n % 2 else []), now=NOW)
    items, total = catalogue.search(uow, "service", {"centre_ids__contains": "karasai-yrc"}, limit=1)
    assert total == 2 and [s.id for s in items] == ["svc-1"]
    items, total = catalogue.search(uow, "service", {}, q="КОНСУЛЬТАЦИЯ 4")
    assert [s.id for s in items] == ["svc-4"]


def test_members_are_read_a_batch_at_a_time_unknown_ids_left_out():
    uow = FakeUnitOfWork(members=FakeRepository())
    active = Member(full_name="Айгерім Сәрсенова", phone="+7 701 234 56 78", language="kk",
                    iin_ciphertext="sealed", iin_hash="hash", iin_last4="1234")
    erased = Member(status="erased")
    uow.members.add(active)
    uow.members.add(erased)
    found = lookups.get_members(uow, [erased.id, "no-such-member", active.id, erased.id])
    assert found == [erased, active]
    assert lookups.get_members(uow, []) == []
    assert uow.published == [] and uow.commits == 0

    dumped = MemberSchema(many=True, only=CONTACT_FIELDS).dump(found)
    assert [m["status"] for m in dumped] == ["erased", "active"]
    assert set(dumped[1]) == set(CONTACT_FIELDS) and dumped[1]["phone"] == "+7 701 234 56 78"
    assert "1234" not in str(dumped)  # no IIN, not even masked


def test_a_batch_of_member_ids_is_capped_and_each_id_checked():
    ids = [f"m-{n}" for n in range(500)]
    assert load(MemberIdsSchema(), {"member_ids": ids})["member_ids"] == ids
    for bad in (ids + ["m-500"], ["m-1", "Not An Id!"], "m-1", None):
        with pytest.raises(InvalidInput) as err:
            load(MemberIdsSchema(), {"member_ids": bad})
        assert set(err.value.details["fields"]) == {"member_ids"}

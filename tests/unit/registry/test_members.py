"""Member use cases with in-memory fakes: registration, update, erasure."""
from datetime import date, datetime, timezone

import pytest

from jastar_common.errors import Conflict, InvalidInput, NotFound
from jastar_registry.crypto import IinVault
from jastar_registry.domain import erasure, lookups, registration
from jastar_registry.domain.model import District, Member
from jastar_registry.domain.validators import make_iin
from jastar_registry.member_schemas import (
    MemberEligibilitySchema,
    MemberRegistrationSchema,
    MemberSchema,
    MemberUpdateSchema,
)

from ..fakes import FakeRepository, FakeUnitOfWork

TODAY = date(2025, 6, 15)
NOW = datetime(2025, 6, 15, 9, 30, tzinfo=timezone.utc)
BIRTH = date(2005, 3, 8)
IIN = make_iin(BIRTH, "female")
VAULT = IinVault("unit-test-secret-0123456789")
EVENT_KEYS = {"member_id", "district_id", "language", "status"}


class FakeMemberRepository(FakeRepository):
    def get_by_phone(self, phone):
        return next((m for m in self.items.values() if m.phone == phone), None)

    def get_by_iin_hash(self, iin_hash):
        return next((m for m in self.items.values() if m.iin_hash == iin_hash), None)


def make_uow():
    uow = FakeUnitOfWork(districts=FakeRepository(), members=FakeMemberRepository())
    uow.districts.add(District(id="karasai", name_kk="Қарасай ауданы", name_ru="Карасайский район",
                               admin_centre="Қаскелең"))
    return uow


def form(**overrides):
    data = dict(full_name="Айгерім Сәрсенова", birth_date=BIRTH, phone="8 701 234 56 78",
                email="aigerim@Mail.KZ", telegram="https://t.me/Aigerim_S", district_id="karasai",
                language="kk", categories=["young_women_and_mothers"], consent=True, iin=IIN)
    data.update(overrides)
    return data


def register(uow, **overrides):
    return registration.register_member(uow, form(**overrides), VAULT, NOW)


def update(uow, member_id, **changes):
    return registration.update_member(uow, member_id, changes, VAULT, NOW)


def fields_of(excinfo):
    return excinfo.value.details["fields"]


def years_before(day, years):
    return day.replace(year=day.year - years)


# --- Registration --------------------------------------------------------------


def test_registration_normalises_stores_and_emits_no_personal_data():
    uow = make_uow()
    member = register(uow)

    assert uow.members.get(member.id) is member
    assert member.phone == "+7 701 234 56 78"
    assert member.email == "aigerim@mail.kz"
    assert member.telegram == "@aigerim_s"
    assert member.status == "active" and member.consent_at == NOW == member.registered_at
    assert member.iin_last4 == IIN[-4:] and member.iin_masked == "********" + IIN[-4:]
    assert IIN not in member.iin_ciphertext and VAULT.open(member.iin_ciphertext) == IIN
    assert member.iin_hash == VAULT.lookup_hash(IIN)
    assert uow.commits == 1
    assert uow.published == [("member.registered", {
        "member_id": member.id, "district_id": "karasai", "language": "kk", "status": "active"})]
    event, data = uow.published[0]
    assert set(data) == EVENT_KEYS
    personal = {member.full_name, member.phone, member.email, member.telegram, IIN, BIRTH.isoformat()}
    assert not personal & {str(value) for value in data.values()}


def test_optional_fields_may_be_left_out():
    uow = make_uow()
    member = register(uow, email=None, telegram="", district_id=None, iin=None, categories=[])
    assert (member.email, member.telegram, member.district_id, member.iin_masked) == (None, None, None, None)
    assert member.iin_ciphertext is None and member.iin_hash is None
    assert uow.published[0][1]["district_id"] is None


@pytest.mark.parametrize("consent", [False, None])
def test_registration_needs_consent(consent):
    uow = make_uow()
    with pytest.raises(InvalidInput) as excinfo:
        register(uow, consent=consent)
    assert set(fields_of(excinfo)) == {"consent"}
    assert uow.members.items == {} and uow.published == [] and uow.commits == 0


@pytest.mark.parametrize("birth_date, accepted", [
    (years_before(TODAY, 14), True),                         # 14th birthday today
    (years_before(date(2025, 6, 16), 14), False),            # 13, turns 14 tomorrow
    (years_before(date(2025, 6, 15), 13), False),            # 13th birthday today
    (years_before(date(2025, 6, 16), 36), True),             # 35, turns 36 tomorrow
    (years_before(TODAY, 35), True),                         # 35th birthday today
    (years_before(TODAY, 36), False),                        # 36th birthday today
])
def test_youth_age_limits_are_inclusive(birth_date, accepted):
    uow = make_uow()
    data = form(birth_date=birth_date, iin=make_iin(birth_date, "male"))
    if accepted:
        registration.register_member(uow, data, VAULT, NOW)
        assert len(uow.members.items) == 1
    else:
        with pytest.raises(InvalidInput) as excinfo:
            registration.register_member(uow, data, VAULT, NOW)
        assert set(fields_of(excinfo)) == {"birth_date"}
        assert uow.members.items == {}


def test_bad_iin_check_digit_is_named():
    bad = IIN[:11] + str((int(IIN[11]) + 1) % 10)
    uow = make_uow()
    with pytest.raises(InvalidInput) as excinfo:
        register(uow, iin=bad)
    assert fields_of(excinfo) == {"iin": ["check digit (12th) is wrong"]}
    assert bad not in str(excinfo.value.details)


def test_iin_of_another_birth_date_is_named():
    uow = make_uow()
    with pytest.raises(InvalidInput) as excinfo:
        register(uow, iin=make_iin(date(2005, 3, 9), "female"))
    assert set(fields_of(excinfo)) == {"iin"}


def test_every_bad_field_is_reported_at_once_and_nothing_is_stored():
    uow = make_uow()
    with pytest.raises(InvalidInput) as excinfo:
        register(uow, consent=False, full_name=" ", birth_date=date(2015, 1, 1), phone="+7 727 123 45 67",
                 email="not-an-email", telegram="@x", district_id="atlantis", language="en",
                 categories=["student", "pirate"], iin="12345")
    assert set(fields_of(excinfo)) == {"consent", "full_name", "birth_date", "phone", "email", "telegram",
                                       "district_id", "language", "categories", "iin"}
    assert all(isinstance(messages, list) and messages for messages in fields_of(excinfo).values())
    assert uow.members.items == {} and uow.published == [] and uow.commits == 0


def test_unknown_district_is_refused():
    uow = make_uow()
    with pytest.raises(InvalidInput) as excinfo:
        register(uow, district_id="atlantis")
    assert fields_of(excinfo) == {"district_id": ["unknown district"]}


def test_unknown_keys_are_refused():
    with pytest.raises(InvalidInput) as excinfo:
        register(make_uow(), status="erased")
    assert set(fields_of(excinfo)) == {"status"}


def test_a_phone_already_registered_conflicts_however_it_is_written():
    uow = make_uow()
    register(uow)
    with pytest.raises(Conflict) as excinfo:
        register(uow, phone="+7 (701) 234-56-78", iin=None)
    assert excinfo.value.code == "conflict"
    assert set(fields_of(excinfo)) == {"phone"}
    assert "+7 701 234 56 78" not in str(excinfo.value) + str(excinfo.value.details)
    assert len(uow.members.items) == 1 and len(uow.published) == 1


def test_an_iin_already_registered_conflicts():
    uow = make_uow()
    register(uow)
    with pytest.raises(Conflict) as excinfo:
        register(uow, phone="+7 777 000 11 22", iin=IIN[:6] + " " + IIN[6:])
    assert set(fields_of(excinfo)) == {"iin"}
    assert IIN not in str(excinfo.value) + str(excinfo.value.details)
    assert len(uow.members.items) == 1


def test_the_categories_are_deduplicated_in_catalogue_order():
    member = register(make_uow(), categories=["job_seeker", "student", "job_seeker"])
    assert member.categories == ["student", "job_seeker"]


# --- Update --------------------------------------------------------------------


def test_an_update_that_changes_nothing_emits_and_commits_nothing():
    uow = make_uow()
    member = register(uow)
    before = member.updated_at
    result = registration.update_member(uow, member.id, {"phone": "+77012345678", "language": "kk",
                                                    "iin": IIN, "district_id": "karasai",
                                                    "email": "aigerim@mail.kz"}, VAULT, NOW)
    assert result is member and member.updated_at == before
    assert uow.commits == 1 and len(uow.published) == 1


def test_a_phone_change_is_normalised_and_announced_without_values():
    uow = make_uow()
    member = register(uow)
    update(uow, member.id, phone="8-777-123-45-67", language="ru")
    assert member.phone == "+7 777 123 45 67" and member.language == "ru"
    assert uow.published[-1] == ("member.updated", {
        "member_id": member.id, "district_id": "karasai", "language": "ru", "status": "active",
        "changed": ["language", "phone"]})


def test_a_phone_change_to_another_members_phone_conflicts():
    uow = make_uow()
    register(uow)
    other = register(uow, phone="+7 777 000 11 22", iin=None)
    with pytest.raises(Conflict):
        update(uow, other.id, phone="87012345678")
    assert other.phone == "+7 777 000 11 22"


def test_a_birth_date_that_breaks_the_stored_iin_is_refused():
    uow = make_uow()
    member = register(uow)
    with pytest.raises(InvalidInput) as excinfo:
        update(uow, member.id, birth_date=date(2005, 3, 9))
    assert set(fields_of(excinfo)) == {"birth_date"}
    assert member.birth_date == BIRTH and len(uow.published) == 1


def test_birth_date_and_iin_can_be_corrected_together():
    uow = make_uow()
    member = register(uow)
    new_birth = date(2005, 3, 9)
    new_iin = make_iin(new_birth, "female")
    update(uow, member.id, birth_date=new_birth, iin=new_iin)
    assert member.birth_date == new_birth and VAULT.open(member.iin_ciphertext) == new_iin
    assert member.iin_hash == VAULT.lookup_hash(new_iin) and member.iin_last4 == new_iin[-4:]
    assert uow.published[-1][1]["changed"] == ["birth_date", "iin"]


def test_a_birth_date_out_of_the_age_range_is_refused_on_update():
    uow = make_uow()
    member = register(uow, iin=None)
    with pytest.raises(InvalidInput) as excinfo:
        update(uow, member.id, birth_date=date(1980, 1, 1))
    assert set(fields_of(excinfo)) == {"birth_date"}


def test_update_can_clear_optional_fields_and_the_iin():
    uow = make_uow()
    member = register(uow)
    update(uow, member.id, email=None, telegram="", district_id=None, iin=None)
    assert (member.email, member.telegram, member.district_id) == (None, None, None)
    assert (member.iin_ciphertext, member.iin_hash, member.iin_last4) == (None, None, None)
    assert uow.published[-1][1]["changed"] == ["district_id", "email", "iin", "telegram"]


def test_update_reports_every_bad_field():
    uow = make_uow()
    member = register(uow)
    with pytest.raises(InvalidInput) as excinfo:
        update(uow, member.id, phone="123", email="x@", district_id="atlantis", categories=["pirate"],
               full_name=None, colour="blue")
    assert set(fields_of(excinfo)) == {"colour"}  # unknown keys first: nothing else is looked at
    with pytest.raises(InvalidInput) as excinfo:
        update(uow, member.id, phone="123", email="x@", district_id="atlantis", categories=["pirate"],
               full_name=None)
    assert set(fields_of(excinfo)) == {"phone", "email", "district_id", "categories", "full_name"}
    assert member.phone == "+7 701 234 56 78" and len(uow.published) == 1


def test_updating_an_unknown_member_is_not_found():
    with pytest.raises(NotFound):
        update(make_uow(), "no-such-member", full_name="Кто-то")


# --- Erasure -------------------------------------------------------------------


def test_erasure_wipes_every_personal_field_and_emits_once():
    uow = make_uow()
    member = register(uow)
    erased_at = datetime(2025, 7, 1, tzinfo=timezone.utc)
    erasure.erase_member(uow, member.id, erased_at)
    for name in ("full_name", "birth_date", "phone", "email", "telegram",
                 "iin_ciphertext", "iin_hash", "iin_last4"):
        assert getattr(member, name) is None, name
    assert member.categories == [] and member.iin_masked is None
    assert (member.id, member.district_id, member.status, member.erased_at) == (
        member.id, "karasai", "erased", erased_at)

    again = erasure.erase_member(uow, member.id, NOW)
    assert again is member and member.erased_at == erased_at
    assert [event for event, _ in uow.published] == ["member.registered", "member.erased"]
    assert uow.published[-1] == ("member.erased", {"member_id": member.id})
    assert uow.commits == 2


def test_an_erased_member_cannot_be_updated_or_found_but_frees_phone_and_iin():
    uow = make_uow()
    member = register(uow)
    erasure.erase_member(uow, member.id, NOW)
    with pytest.raises(NotFound):
        update(uow, member.id, full_name="Айгерім")
    with pytest.raises(NotFound):
        lookups.find_member(uow, phone="87012345678")
    assert lookups.get_member(uow, member.id).status == "erased"
    assert register(uow).id != member.id  # same phone and IIN may register afresh


def test_erasing_an_unknown_member_is_not_found():
    with pytest.raises(NotFound):
        erasure.erase_member(make_uow(), "no-such-member", NOW)


# --- Reads ---------------------------------------------------------------------


def test_get_member_and_not_found():
    uow = make_uow()
    member = register(uow)
    assert lookups.get_member(uow, member.id) is member
    with pytest.raises(NotFound):
        lookups.get_member(uow, "no-such-member")


def test_find_member_by_phone_or_iin():
    uow = make_uow()
    member = register(uow)
    assert lookups.find_member(uow, phone="+7 701 234-56-78") is member
    assert lookups.find_member(uow, iin=IIN, vault=VAULT) is member
    with pytest.raises(NotFound):
        lookups.find_member(uow, phone="+7 777 999 99 99")
    with pytest.raises(NotFound):
        lookups.find_member(uow, iin=make_iin(BIRTH, "male"), vault=VAULT)
    with pytest.raises(InvalidInput):
        lookups.find_member(uow)
    with pytest.raises(InvalidInput):
        lookups.find_member(uow, phone="87012345678", iin=IIN, vault=VAULT)
    with pytest.raises(InvalidInput) as excinfo:
        lookups.find_member(uow, iin="123", vault=VAULT)
    assert set(fields_of(excinfo)) == {"iin"}


def test_eligibility_gives_booking_what_it_needs_only():
    uow = make_uow()
    member = register(uow, categories=["student"])
    eligibility = lookups.member_eligibility(uow, member.id)
    assert eligibility == {"member_id": member.id, "birth_date": BIRTH,
                           "categories": ["student"], "status": "active"}
    dumped = MemberEligibilitySchema().dump(eligibility)
    assert dumped["birth_date"] == "2005-03-08"
    assert MemberEligibilitySchema().load(dumped) == eligibility
    with pytest.raises(NotFound):
        lookups.member_eligibility(uow, "no-such-member")


def test_member_schema_dumps_only_the_masked_iin():
    member = register(make_uow())
    dumped = MemberSchema().dump(member)
    assert dumped["iin"] == "********" + IIN[-4:]
    assert set(dumped) == {"id", "full_name", "birth_date", "phone", "email", "telegram", "district_id",
                           "language", "categories", "status", "registered_at", "consent_at", "iin"}
    text = str(dumped)
    assert IIN not in text and member.iin_ciphertext not in text and member.iin_hash not in text


def test_registration_schema_loads_into_the_use_case():
    payload = {"full_name": "Данияр Ахметов", "birth_date": "2001-11-30", "phone": "+7 747 555 12 34",
               "language": "ru", "consent": True}
    data = MemberRegistrationSchema().load(payload)
    assert data["birth_date"] == date(2001, 11, 30) and data["categories"] == []
    member = registration.register_member(make_uow(), data, VAULT, NOW)
    assert member.language == "ru" and member.iin_masked is None


@pytest.mark.parametrize("payload, field", [
    ({"full_name": "А"}, "full_name"),
    ({"language": "en"}, "language"),
    ({"categories": ["pirate"]}, "categories"),
    ({"iin_hash": "x"}, "iin_hash"),
    ({"birth_date": "15.06.2005"}, "birth_date"),
    ({"phone": "8701"}, "phone"),                 # shorter than the gateway allows
    ({"phone": "+7 495 123 45 67"}, "phone"),     # Moscow: +7, but not Kazakhstan
    ({"phone": "8 727 250 00 00"}, "phone"),      # an Almaty landline takes no SMS
    ({"phone": "8 701 ABC 56 78"}, "phone"),
])
def test_registration_schema_refuses_bad_shapes(payload, field):
    from marshmallow import ValidationError
    base = {"full_name": "Данияр Ахметов", "birth_date": "2001-11-30", "phone": "87475551234",
            "language": "ru", "consent": True}
    with pytest.raises(ValidationError) as excinfo:
        MemberRegistrationSchema().load({**base, **payload})
    assert field in excinfo.value.messages


def test_update_schema_is_partial_and_has_no_consent_or_id():
    assert MemberUpdateSchema().load({"phone": "87012345678"}) == {"phone": "87012345678"}
    assert MemberUpdateSchema().load({"email": None}) == {"email": None}
    from marshmallow import ValidationError
    for key in ("consent", "id", "status"):
        with pytest.raises(ValidationError):
            MemberUpdateSchema().load({key: "x"})


def test_member_defaults():
    member = Member()
    assert member.status == "active" and member.categories == [] and member.iin_masked is None
    assert len(member.id) == 36 and member.id != Member().id

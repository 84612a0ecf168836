"""The registry over real RabbitMQ: RPC in, events out, bad input refused
with the fields named and nothing stored, the IIN never leaving unmasked."""
import json
from datetime import date

import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import select

from jastar_common import tables
from jastar_common.caller import Caller
from jastar_common.database import make_engine
from jastar_common.errors import Conflict, InvalidInput, NotAllowed, NotFound
from jastar_registry.domain.validators import make_iin
from jastar_registry.seed import load_demo_data
from jastar_registry.service import RegistryService


@pytest.fixture
def registry(rabbit_config, container_factory, service_database):
    url = service_database("registry")
    load_demo_data(url, today=date(2026, 11, 27))
    container = container_factory(RegistryService, {"REGISTRY_DATABASE_URL": url,
                                                    "REGISTRY_IIN_KEY": "a-test-key-of-enough-length"})
    container.start()
    container.url = url

    def call(method, *args, caller=None):
        context = {"caller": caller.to_context()} if caller else None
        with entrypoint_hook(container, method, context_data=context) as hook:
            return hook(*args)

    container.call = call
    return container


def outbox(url):
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        rows = conn.execute(select(tables.outbox.c.event_type, tables.outbox.c.envelope)
                            .order_by(tables.outbox.c.id)).all()
    engine.dispose()
    return rows


def test_lists_filter_search_and_page(registry):
    page = registry.call("list", "centre", {"status": "planned", "limit": 2})
    assert page["total"] == 4 and len(page["items"]) == 2 and page["limit"] == 2
    found = registry.call("list", "service", {"centre_id": "karasai-yrc", "q": "психолог"})
    assert [s["id"] for s in found["items"]] == ["psychologist"]
    sessions = registry.call("list", "session", {"programme_id": "sewing-course",
                                                 "starts_from": "2026-12-08T00:00:00+05:00"})
    assert sessions["total"] == 6
    karasai = registry.call("get", "district", "karasai")
    assert karasai["youth_population"] == 82_000
    assert registry.call("get", "region", "almaty-region")["youth_population"] == 432_000


def test_create_update_close_each_emit_one_event(registry):
    before = len(outbox(registry.url))
    space = registry.call("create", "space", {
        "id": "karasai-room-2", "centre_id": "karasai-yrc", "kind": "consultation_room",
        "name_kk": "Кеңес бөлмесі 2", "name_ru": "Кабинет 2"})
    assert space["capacity"] == 1 and space["status"] == "open"
    registry.call("update", "space", "karasai-room-2", {"floor": 2})
    registry.call("close", "space", "karasai-room-2")
    events = [t for t, _ in outbox(registry.url)[before:]]
    assert events == ["space.created", "space.updated", "space.closed"]


@pytest.mark.parametrize("kind, data, fields", [
    ("space", {"id": "x1", "centre_id": "nowhere", "kind": "hall", "name_kk": "a", "name_ru": "a"},
     {"centre_id"}),
    ("space", {"id": "x2", "centre_id": "karasai-yrc", "kind": "sauna", "name_kk": "", "name_ru": "a",
               "colour": "red"}, {"kind", "name_kk", "colour"}),
    ("session", {"programme_id": "sewing-course", "starts_at": "2026-12-01T10:00:00",
                 "ends_at": "2026-12-01T09:00:00+05:00"}, {"starts_at"}),
    ("centre", {"id": "X", "district_id": "karasai", "name_kk": "a", "name_ru": "a", "address": "a",
                "opening_hours": {"mon": [["9:00", "18:00"]]}}, {"id", "opening_hours"}),
])
def test_bad_input_names_every_field_and_stores_nothing(registry, kind, data, fields):
    before = len(outbox(registry.url))
    with pytest.raises(InvalidInput) as err:
        registry.call("create", kind, data)
    assert set(err.value.details["fields"]) == fields
    assert len(outbox(registry.url)) == before


def test_unknown_kind_and_missing_objects(registry):
    with pytest.raises(InvalidInput):
        registry.call("list", "spaceship", {})
    with pytest.raises(NotFound):
        registry.call("get", "centre", "nowhere")


MEMBER = {"full_name": "Айгерім Сапарова", "birth_date": "2004-05-17", "phone": "8 701 234 56 78",
          "language": "kk", "district_id": "karasai", "consent": True,
          "categories": ["young_women_and_mothers"]}


def test_member_life_cycle_never_leaks_the_iin(registry):
    iin = make_iin(date(2004, 5, 17), "female", 1)
    member = registry.call("register_member", {**MEMBER, "iin": iin})
    assert member["phone"] == "+7 701 234 56 78"
    assert member["iin"] == "********" + iin[-4:]
    with pytest.raises(Conflict):
        registry.call("register_member", {**MEMBER, "phone": "+77012345678"})

    found = registry.call("find_member", {"iin": iin})
    assert found["id"] == member["id"]
    assert registry.call("member_eligibility", member["id"])["birth_date"] == "2004-05-17"
    registry.call("update_member", member["id"], {"language": "ru"})
    erased = registry.call("erase_member", member["id"])
    assert erased["status"] == "erased" and erased["full_name"] is None and erased["phone"] is None

    member_events = [(t, json.loads(e)) for t, e in outbox(registry.url) if t.startswith("member.")]
    assert [t for t, _ in member_events] == ["member.registered", "member.updated", "member.erased"]
    for _, envelope in member_events:
        text = json.dumps(envelope, ensure_ascii=False)
        for personal in (iin, "Айгерім", "701 234", "2004-05-17"):
            assert personal not in text
        # four digits can turn up in any random id or timestamp: look for them elsewhere
        rest = {**envelope, "id": None, "time": None,
                "data": {k: v for k, v in envelope["data"].items() if not k.endswith("_id")}}
        assert iin[-4:] not in json.dumps(rest, ensure_ascii=False)


def test_get_members_gives_a_batch_its_contacts_for_services_only(registry):
    kept = registry.call("register_member", {**MEMBER, "email": "aigerim@example.kz",
                                             "iin": make_iin(date(2004, 5, 17), "female", 2)})
    gone = registry.call("register_member", {**MEMBER, "phone": "+7 702 000 00 02"})
    registry.call("erase_member", gone["id"])
    unknown = "0b7d5a8e-4a4e-4c8e-9c4f-6a0f5e2d1c3b"

    found = {m["id"]: m for m in registry.call("get_members", [kept["id"], unknown, gone["id"]])}
    assert set(found) == {kept["id"], gone["id"]}  # an unknown id is simply absent
    assert found[kept["id"]] == {"id": kept["id"], "full_name": MEMBER["full_name"],
                                 "phone": "+7 701 234 56 78", "email": "aigerim@example.kz",
                                 "telegram": None, "language": "kk", "status": "active"}
    assert found[gone["id"]]["status"] == "erased" and found[gone["id"]]["phone"] is None
    assert registry.call("get_members", []) == []

    with pytest.raises(NotAllowed):  # a member may not read others' contacts
        registry.call("get_members", [kept["id"]], caller=Caller("member", kept["id"]))
    with pytest.raises(InvalidInput) as err:
        registry.call("get_members", [f"m-{n}" for n in range(501)])
    assert set(err.value.details["fields"]) == {"member_ids"}
    with pytest.raises(InvalidInput) as err:
        registry.call("get_members", [kept["id"], "<script>"])
    assert set(err.value.details["fields"]) == {"member_ids"}


def test_too_young_or_without_consent_is_refused_naming_the_fields(registry):
    with pytest.raises(InvalidInput) as err:
        registry.call("register_member", {**MEMBER, "birth_date": "2013-11-28", "consent": False})
    assert {"birth_date", "consent"} <= set(err.value.details["fields"])

"""Create, update, close, get and list for every kind of reference data, the
same way: the caller's right checked, references checked, rules checked, one
event per change."""
import uuid
from datetime import date, datetime, timezone
from dataclasses import dataclass, fields, replace

from jastar_common.caller import SYSTEM
from jastar_common.errors import Conflict, InvalidInput, NotFound

from . import access, model, rules


@dataclass(frozen=True)
class Kind:
    name: str
    cls: type
    references: dict  # field -> kind it names (a list field names several)
    event_fields: tuple  # non-personal fields copied into events
    check: object
    search_fields: tuple = ("name_kk", "name_ru")


def _fields(cls, *leave_out):
    return tuple(f.name for f in fields(cls) if f.name not in ("id", "updated_at", *leave_out))


KINDS = {k.name: k for k in [
    Kind("region", model.Region, {}, _fields(model.Region), lambda o, u: {}),
    Kind("district", model.District, {}, _fields(model.District), lambda o, u: {}),
    Kind("centre", model.Centre, {"district_id": "district"}, _fields(model.Centre), rules.check_centre),
    Kind("space", model.Space, {"centre_id": "centre"}, _fields(model.Space), rules.check_space),
    Kind("partner", model.Partner, {}, _fields(model.Partner), lambda o, u: {}),
    Kind("service", model.Service, {"partner_id": "partner", "centre_ids": "centre"},
         _fields(model.Service), rules.check_service),
    # a specialist's name is personal data: never in events
    Kind("specialist", model.Specialist,
         {"partner_id": "partner", "centre_id": "centre", "service_ids": "service"},
         _fields(model.Specialist, "full_name"), rules.check_specialist,
         search_fields=("full_name", "title_kk", "title_ru")),
    Kind("schedule", model.Schedule, {"specialist_id": "specialist", "centre_id": "centre"},
         _fields(model.Schedule), rules.check_schedule, search_fields=()),
    Kind("programme", model.Programme, {"centre_id": "centre"}, _fields(model.Programme),
         rules.check_programme),
    Kind("session", model.Session, {"programme_id": "programme", "space_id": "space"},
         _fields(model.Session), rules.check_session, search_fields=()),
]}


def kind_of(name):
    try:
        return KINDS[name]
    except KeyError:
        raise InvalidInput("unknown kind", fields={"kind": [f"one of {', '.join(KINDS)}"]}) from None


def snapshot(kind, obj):
    """The event data: the id and the non-personal fields, as JSON values."""
    return {f"{kind.name}_id": obj.id,
            **{name: _plain(getattr(obj, name)) for name in kind.event_fields}}


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _check(uow, kind, obj):
    errors = {}
    for field_name, target in kind.references.items():
        value = getattr(obj, field_name)
        for ref in (value if isinstance(value, list) else [value] if value else []):
            if uow.repository(target).get(ref) is None:
                errors.setdefault(field_name, []).append(f"no {target} {ref!r}")
    for field_name, messages in kind.check(obj, uow).items():
        errors.setdefault(field_name, []).extend(messages)
    if errors:
        raise InvalidInput(f"invalid {kind.name}", fields=errors)


def _centre_of(uow, kind, data):
    """The centre an object (or the data for a new one) belongs to, if any."""
    if kind == "session":
        programme = uow.repository("programme").get(data.get("programme_id"))
        return programme.centre_id if programme else None
    if kind == "specialist" and data.get("partner_id") and not data.get("centre_id"):
        return None  # a partner's specialist: admins manage those
    return data.get("centre_id")


def _check_write(uow, caller, kind, data):
    access.check_catalogue_write(caller, kind, _centre_of(uow, kind, data))


def create(uow, kind_name, data, now, caller=SYSTEM):
    kind = kind_of(kind_name)
    data = {**data, "id": data.get("id") or f"{kind.name}-{uuid.uuid4().hex[:12]}", "updated_at": now}
    with uow:
        _check_write(uow, caller, kind.name, data)
        repository = uow.repository(kind.name)
        if repository.get(data["id"]) is not None:
            raise Conflict(f"{kind.name} {data['id']} exists", entity=kind.name, id=data["id"])
        obj = kind.cls(**data)
        _check(uow, kind, obj)
        repository.add(obj)
        uow.emit(f"{kind.name}.created", snapshot(kind, obj))
        uow.commit()
        return obj


def update(uow, kind_name, obj_id, changes, now, caller=SYSTEM):
    """Apply a partial change; no event when nothing actually changed. The
    caller must be allowed both where the object is and where it would be."""
    kind = kind_of(kind_name)
    with uow:
        obj = _get(uow, kind, obj_id)
        current = vars(obj)
        _check_write(uow, caller, kind.name, current)
        _check_write(uow, caller, kind.name, {**current, **changes})
        obj.check_move(changes.get("status", obj.status))
        changed = sorted(name for name, value in changes.items() if getattr(obj, name) != value)
        if not changed:
            return obj
        candidate = replace(obj, **changes)
        _check(uow, kind, candidate)
        # rules may derive fields too (a session takes its programme's centre)
        for name in changed + [name for name in ("centre_id",) if hasattr(obj, name)]:
            setattr(obj, name, getattr(candidate, name))
        obj.updated_at = now
        uow.emit(f"{kind.name}.updated", {**snapshot(kind, obj), "changed": changed})
        uow.commit()
        return obj


def close(uow, kind_name, obj_id, now, caller=SYSTEM):
    """Closing twice is not an error; only the first emits."""
    kind = kind_of(kind_name)
    with uow:
        obj = _get(uow, kind, obj_id)
        _check_write(uow, caller, kind.name, vars(obj))
        if obj.close(now):
            uow.emit(f"{kind.name}.closed", snapshot(kind, obj))
            uow.commit()
        return obj


def get(uow, kind_name, obj_id):
    kind = kind_of(kind_name)
    with uow:
        return _get(uow, kind, obj_id)


def _get(uow, kind, obj_id):
    obj = uow.repository(kind.name).get(obj_id)
    if obj is None:
        raise NotFound(f"{kind.name} {obj_id} not found", entity=kind.name, id=obj_id)
    return obj


def search(uow, kind_name, filters, q=None, limit=50, offset=0):
    """(items, total) matching every filter and, if given, the text q."""
    kind = kind_of(kind_name)
    with uow:
        return uow.repository(kind.name).search(filters, q, kind.search_fields, limit, offset)

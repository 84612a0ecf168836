"""Registry use cases. Each takes a unit of work (real or fake) and plain data."""
from jastar_common.errors import Conflict, NotFound

from .model import Centre, District


def list_districts(uow):
    with uow:
        return uow.districts.list()


def upsert_district(uow, data):
    """Create or update a district; emits district.created / district.updated."""
    with uow:
        district = uow.districts.get(data["id"])
        if district is None:
            district = District(**data)
            uow.districts.add(district)
            event = "district.created"
        else:
            for key, value in data.items():
                setattr(district, key, value)
            event = "district.updated"
        uow.emit(event, {"district_id": district.id})
        uow.commit()
        return district


def list_centres(uow, district_id=None, status=None):
    with uow:
        return uow.centres.list(district_id=district_id, status=status)


def get_centre(uow, centre_id):
    with uow:
        centre = uow.centres.get(centre_id)
        if centre is None:
            raise NotFound(f"centre {centre_id} not found", entity="centre", id=centre_id)
        return centre


def create_centre(uow, data):
    with uow:
        if uow.districts.get(data["district_id"]) is None:
            raise NotFound("district not found", entity="district", id=data["district_id"])
        if uow.centres.get(data["id"]) is not None:
            raise Conflict(f"centre {data['id']} exists", entity="centre", id=data["id"])
        centre = Centre(**data)
        uow.centres.add(centre)
        uow.emit("centre.created", _centre_event(centre))
        uow.commit()
        return centre


def _centre_event(centre):
    # ids and non-personal fields only: events are public contracts
    return {"centre_id": centre.id, "district_id": centre.district_id, "status": centre.status}

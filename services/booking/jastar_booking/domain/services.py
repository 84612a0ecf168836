"""Booking use cases. Each takes a unit of work (real or fake) and plain data."""
from .model import CentreCopy

REGISTRY_CONSUMER = "booking.registry_changes"


def apply_registry_event(uow, envelope):
    """Bring the local copy up to date with one registry event, once.
    Returns False for a duplicate delivery."""
    with uow:
        if not uow.first_delivery(REGISTRY_CONSUMER, envelope):
            return False
        if envelope.type.startswith("centre."):
            _apply_centre(uow, envelope)
        uow.commit()
        return True


def _apply_centre(uow, envelope):
    data = envelope.data
    copy = uow.centres.get(data["centre_id"])
    if copy is None:
        uow.centres.add(CentreCopy(
            centre_id=data["centre_id"], district_id=data["district_id"],
            status=data["status"], updated_at=envelope.time, last_event_id=envelope.id,
        ))
    elif _as_utc(copy.updated_at) <= envelope.time:  # an older event never overwrites a newer one
        copy.district_id = data["district_id"]
        copy.status = data["status"]
        copy.updated_at = envelope.time
        copy.last_event_id = envelope.id


def _as_utc(moment):
    from datetime import timezone
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def list_centre_copies(uow):
    with uow:
        return uow.centres.list()

"""The registry's unit-test world: a moment, a district with its centre and a
studio there, and a fake unit of work holding the first two."""
from datetime import datetime, timezone

from jastar_registry.domain import catalogue

from ..fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
KARASAI = dict(id="karasai", name_kk="Қарасай ауданы", name_ru="Карасайский район",
               admin_centre="Қаскелең", youth_population=82_000)
CENTRE = dict(id="karasai-yrc", district_id="karasai", name_kk="орталық", name_ru="центр",
              address="Қаскелең", status="open", opening_hours={"mon": [["09:00", "18:00"]]})
STUDIO = dict(id="studio", centre_id="karasai-yrc", kind="recording_studio", name_kk="студия",
              name_ru="студия", capacity=1, grid_minutes=60, min_minutes=60, max_minutes=180)


def with_centre():
    uow = FakeUnitOfWork()
    catalogue.create(uow, "district", KARASAI, now=NOW)
    catalogue.create(uow, "centre", CENTRE, now=NOW)
    return uow

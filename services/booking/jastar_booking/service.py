"""Booking's nameko adapter."""
from nameko.rpc import rpc

from jastar_common.dependencies import Database
from jastar_common.errors import EXPECTED_ERRORS
from jastar_common.health import ping
from jastar_common.logging import Correlation
from jastar_common.subscriber import subscribe

from . import schemas
from .domain import services
from .models import start_mappers
from .repository import BookingUnitOfWork

start_mappers()

api = rpc(expected_exceptions=EXPECTED_ERRORS)


class BookingService:
    name = "booking"

    db = Database("booking", BookingUnitOfWork)
    correlation = Correlation()

    @rpc
    def ping(self):
        return ping(self.name, self.db.engine)

    @api
    def list_centre_copies(self):
        return schemas.CentreCopySchema(many=True).dump(services.list_centre_copies(self.db.unit_of_work()))

    @subscribe("booking", "registry_changes")
    def on_registry_change(self, envelope):
        services.apply_registry_event(self.db.unit_of_work(), envelope)

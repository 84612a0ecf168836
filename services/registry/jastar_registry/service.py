"""The registry's nameko adapter: RPC in, domain call, schema out."""
from nameko.rpc import rpc

from jastar_common.dependencies import Database
from jastar_common.errors import EXPECTED_ERRORS
from jastar_common.health import ping
from jastar_common.logging import Correlation
from jastar_common.validation import load

from . import schemas
from .domain import services
from .models import start_mappers
from .repository import RegistryUnitOfWork

start_mappers()

api = rpc(expected_exceptions=EXPECTED_ERRORS)


class RegistryService:
    name = "registry"

    db = Database("registry", RegistryUnitOfWork)
    correlation = Correlation()

    @rpc
    def ping(self):
        return ping(self.name, self.db.engine)

    @api
    def list_districts(self):
        return schemas.DistrictSchema(many=True).dump(services.list_districts(self.db.unit_of_work()))

    @api
    def upsert_district(self, data):
        district = services.upsert_district(self.db.unit_of_work(), load(schemas.DistrictSchema(), data))
        return schemas.DistrictSchema().dump(district)

    @api
    def list_centres(self, filters=None):
        query = load(schemas.CentreFilterSchema(), filters)
        return schemas.CentreSchema(many=True).dump(services.list_centres(self.db.unit_of_work(), **query))

    @api
    def get_centre(self, centre_id):
        return schemas.CentreSchema().dump(services.get_centre(self.db.unit_of_work(), centre_id))

    @api
    def create_centre(self, data):
        centre = services.create_centre(self.db.unit_of_work(), load(schemas.CentreSchema(), data))
        return schemas.CentreSchema().dump(centre)

"""The gateway's nameko dependencies, each giving a worker the narrow object it needs."""
from jastar_common.dependencies import Database

from .repository import GatewayUnitOfWork


class UnitsOfWork(Database):
    """The gateway's database: a worker gets the factory of its units of work
    (`self.uow()`), not the provider."""

    def __init__(self):
        super().__init__("gateway", GatewayUnitOfWork)

    def get_dependency(self, worker_ctx):
        return self.unit_of_work

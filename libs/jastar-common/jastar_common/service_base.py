"""What every Jastar nameko service has: its caller, correlation id, metrics
and health, and the `ping` the gateway's /ready and jastar-ping ask.
A service adds `name` and `db = Database(...)`."""
from functools import partial

from nameko.extensions import DependencyProvider

from .rpc import rpc

from .caller import CallerIdentity
from .dependencies import database_of
from .health import ping
from .logging import Correlation
from .observability import Observability
from .tracing import Tracing


class DatabasePing(DependencyProvider):
    """Gives the worker `ping()` over the service's database: the engine stays
    with the Database provider, whose worker object offers only units of work."""

    def get_dependency(self, worker_ctx):
        return partial(ping, self.container.service_name, database_of(self.container).engine)


class JastarService:
    caller = CallerIdentity()
    correlation = Correlation()
    observability = Observability()
    tracing = Tracing()
    database_ping = DatabasePing()

    @rpc
    def ping(self):
        return self.database_ping()

"""What every Jastar nameko service has: its caller, correlation id, metrics
and health, and the `ping` the gateway's /ready and jastar-ping ask.
A service adds `name` and `db = Database(...)`."""
from .rpc import rpc

from .caller import CallerIdentity
from .health import ping
from .logging import Correlation
from .observability import Observability
from .tracing import Tracing


class JastarService:
    caller = CallerIdentity()
    correlation = Correlation()
    observability = Observability()
    tracing = Tracing()

    @rpc
    def ping(self):
        return ping(self.name, self.db.engine)

"""Who is calling: set by the gateway (from a verified token or API key) in
the RPC context, read by the service that owns the data, which checks
ownership itself. Never taken from request arguments.

context_data["caller"] is a JSON string:
  {"kind": "anonymous"|"member"|"staff"|"admin"|"integrator"|"system", "id": "...",
   "centre_ids": ["karasai-yrc", ...]}   (centre_ids: the centres a staff member works at)
A call with no caller in its context is internal (another service, a timer,
an operator's CLI) and acts as "system"."""
import json
from dataclasses import dataclass, field

from nameko.extensions import DependencyProvider

from .errors import NotAllowed

CALLER_KEY = "caller"
KINDS = ("anonymous", "member", "staff", "admin", "integrator", "system")


@dataclass(frozen=True)
class Caller:
    kind: str
    id: str | None = None
    centre_ids: tuple = field(default_factory=tuple)

    @property
    def is_member(self):
        return self.kind == "member"

    @property
    def is_privileged(self):
        return self.kind in ("admin", "system")

    def works_at(self, centre_id):
        return self.is_privileged or (self.kind == "staff" and centre_id in self.centre_ids)

    def require(self, *kinds):
        if self.kind not in kinds and not self.is_privileged:
            raise NotAllowed(f"{self.kind} may not do this", caller=self.kind)

    def to_context(self):
        return json.dumps({"kind": self.kind, "id": self.id, "centre_ids": list(self.centre_ids)})

    @classmethod
    def from_context(cls, context_data):
        raw = context_data.get(CALLER_KEY)
        if not raw:
            return SYSTEM
        data = json.loads(raw)
        if data.get("kind") not in KINDS:
            raise NotAllowed("unknown caller kind")
        return cls(kind=data["kind"], id=data.get("id"), centre_ids=tuple(data.get("centre_ids") or ()))


SYSTEM = Caller("system")


class CallerIdentity(DependencyProvider):
    """Injects the Caller of the current worker."""

    def get_dependency(self, worker_ctx):
        return Caller.from_context(worker_ctx.context_data)

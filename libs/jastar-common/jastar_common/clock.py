"""The one clock: every time a service stores or compares is timezone-aware
UTC from `utcnow`. Workers get it through the `Clock` dependency, so a test
can run a service at a moment of its choosing."""
from datetime import datetime, timezone

from nameko.extensions import DependencyProvider


def utcnow():
    return datetime.now(timezone.utc)


class Clock(DependencyProvider):
    """Injects a callable returning the current time (`utcnow` unless one is
    given): `self.now()` in a worker. Tests pass a fixed clock, or replace
    the dependency with one (nameko.testing.services.replace_dependencies)."""

    def __init__(self, now=utcnow):
        self.now = now

    def get_dependency(self, worker_ctx):
        return self.now


def clock_of(container):
    """The container's clock, for extensions that are no worker (the gateway's
    HTTP layer): its `Clock` dependency's callable, `utcnow` when it has none."""
    return next((d.now for d in container.dependencies if isinstance(d, Clock)), utcnow)


def fixed(moment):
    """A clock that always answers `moment` (for tests and replays)."""
    return lambda: moment

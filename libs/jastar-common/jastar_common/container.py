"""The service container every Jastar process runs in (config key
SERVICE_CONTAINER_CLS): nameko's, with a bound on the graceful stop.

On SIGTERM nameko stops its entrypoints (no new work is taken; unacked
messages go back to RabbitMQ for another process) and waits for the running
workers. That wait is bounded by SHUTDOWN_TIMEOUT_SECONDS: a worker that
hangs must not keep a pod in Terminating forever. Exiting then loses nothing
acknowledged: a message is acked only after its work committed."""
import logging
import os

import eventlet
from nameko.containers import ServiceContainer

from .config import setting

log = logging.getLogger(__name__)


class BoundedStopContainer(ServiceContainer):
    stopping = False

    def stop(self):
        guard = None
        if not self.stopping:
            self.stopping = True
            deadline = setting("SHUTDOWN_TIMEOUT_SECONDS", 30, float)
            guard = eventlet.spawn_after(deadline, _give_up, self.service_name, deadline)
        super().stop()
        if guard is not None:
            guard.cancel()  # stopped in time: the process may live on (tests, runners)


def _give_up(service, deadline):
    log.error("%s: workers still running %.0fs after the stop signal; exiting", service, deadline)
    logging.shutdown()
    os._exit(1)

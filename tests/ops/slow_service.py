"""A service that takes its time, run as a real process by the shutdown tests."""
import eventlet
from nameko.rpc import rpc

from jastar_common.observability import Observability


class SlowService:
    name = "slowpoke"
    observability = Observability()

    @rpc
    def work(self, seconds):
        eventlet.sleep(seconds)
        return f"worked {seconds}s"

"""The smallest nameko path the gateway's requests take, as a yardstick for
bench/gateway_load.py: HTTP in -> one RPC -> one event out.

    GET /echo  (EchoHttp, nameko http entrypoint)
      -> echo_rpc.echo()  (EchoRpc, dispatches "echoed" with EventDispatcher, returns)
           -> EchoHandler.on_echoed  (event_handler, does nothing)

No database, no validation, no auth: what is left is nameko, eventlet and
RabbitMQ. Each class runs in its own process, started by gateway_load.py as

    cd bench && nameko run --config <config.yml> baseline_echo:EchoHttp
    cd bench && nameko run --config <config.yml> baseline_echo:EchoRpc
    cd bench && nameko run --config <config.yml> baseline_echo:EchoHandler

with AMQP_URI (and WEB_SERVER_ADDRESS for EchoHttp) in the config.
This module is not a test: pytest only collects tests/.
"""
import json

from nameko.events import EventDispatcher, event_handler
from nameko.rpc import ServiceRpc, rpc
from nameko.web.handlers import http


class EchoHttp:
    name = "bench_echo_http"

    echo_rpc = ServiceRpc("bench_echo_rpc")

    @http("GET", "/echo")
    def echo(self, request):
        answer = self.echo_rpc.echo(request.args.get("say", "hello"))
        return 200, {"Content-Type": "application/json"}, json.dumps({"echo": answer})


class EchoRpc:
    name = "bench_echo_rpc"

    dispatch = EventDispatcher()

    @rpc
    def echo(self, what):
        self.dispatch("echoed", {"what": what})
        return what


class EchoHandler:
    name = "bench_echo_handler"

    @event_handler("bench_echo_rpc", "echoed")
    def on_echoed(self, payload):
        return None

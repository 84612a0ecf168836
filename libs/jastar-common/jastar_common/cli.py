"""Command-line entry points for deploy and operations."""
import argparse
import json
import sys

from kombu import Connection

from .config import amqp_uri
from .dead_letters import list_dead_letters, replay_dead_letters
from .topology import SUBSCRIPTIONS, declare_topology


def topology_main(argv=None):
    parser = argparse.ArgumentParser(prog="jastar-topology", description=(
        "Declare the event exchange and every subscription queue (run at deploy, "
        "before any service starts, so no early event is dropped)."))
    parser.add_argument("command", choices=["declare", "list"])
    args = parser.parse_args(argv)
    if args.command == "list":
        for sub in SUBSCRIPTIONS.values():
            print(f"{sub.queue_name}\t{' '.join(sub.keys)}")
        return 0
    with Connection(amqp_uri(), connect_timeout=5) as conn:
        # the broker may be restarting: wait for it rather than fail the start
        conn.ensure_connection(max_retries=None, interval_start=1, interval_step=1, interval_max=10,
                               errback=lambda exc, interval: print(
                                   f"jastar-topology: RabbitMQ not reachable ({exc}); retrying",
                                   file=sys.stderr))
        declare_topology(conn)
    print(f"declared {len(SUBSCRIPTIONS)} subscriptions")
    return 0


def dlq_main(argv=None):
    parser = argparse.ArgumentParser(prog="jastar-dlq", description="Inspect and replay dead-lettered events.")
    sub = parser.add_subparsers(dest="command", required=True)
    peek = sub.add_parser("list", help="show dead letters of a subscription queue")
    peek.add_argument("queue", help="e.g. jastar.notifications.booking_changes")
    peek.add_argument("--limit", type=int, default=100)
    replay = sub.add_parser("replay", help="move dead letters back onto their queue")
    replay.add_argument("queue")
    replay.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    if args.command == "list":
        for item in list_dead_letters(args.queue, args.limit):
            print(json.dumps(item, ensure_ascii=False))
    else:
        print(f"replayed {replay_dead_letters(args.queue, args.limit)}")
    return 0


if __name__ == "__main__":
    sys.exit(topology_main())


def wait_main(argv=None):
    """Block until RabbitMQ and the service's database answer (run scripts call
    this before migrating, since in compose or k8s both may still be starting)."""
    import time

    from sqlalchemy import text

    from .config import database_url
    from .database import make_engine

    parser = argparse.ArgumentParser(prog="jastar-wait")
    parser.add_argument("--service", help="also wait for this service's database")
    parser.add_argument("--timeout", type=float, default=0,
                        help="give up after this many seconds (default 0: wait for ever)")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.timeout if args.timeout else None

    def until_up(what, check):
        said = 0.0
        while True:
            try:
                check()
                return
            except Exception as exc:
                if deadline is not None and time.monotonic() > deadline:
                    print(f"jastar-wait: {what} not reachable: {exc}", file=sys.stderr)
                    sys.exit(1)
                if time.monotonic() - said > 10:  # say so, not on every try
                    print(f"jastar-wait: waiting for {what}: {exc}", file=sys.stderr, flush=True)
                    said = time.monotonic()
                time.sleep(1)

    def broker():
        with Connection(amqp_uri(), connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)

    until_up("RabbitMQ", broker)
    if args.service:
        engine = make_engine(database_url(args.service), pool_size=1)

        def database():
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))

        until_up("database", database)
        engine.dispose()
    return 0


def ping_main(argv=None):
    """Health check for a nameko service (compose and k8s probes): exit 0 when
    the service answers an RPC ping, which proves process, broker and database."""
    import eventlet
    eventlet.monkey_patch()
    from nameko.standalone.rpc import ClusterRpcClient

    parser = argparse.ArgumentParser(prog="jastar-ping")
    parser.add_argument("service")
    parser.add_argument("--timeout", type=float, default=5)
    args = parser.parse_args(argv)
    try:
        with eventlet.Timeout(args.timeout):
            with ClusterRpcClient(uri=amqp_uri()) as rpc:
                print(json.dumps(rpc[args.service].ping()))
    except BaseException as exc:  # eventlet.Timeout is a BaseException
        print(f"jastar-ping: {args.service} did not answer: {exc!r}", file=sys.stderr)
        return 1
    return 0

"""`make run`: the whole system on one machine.

Checks RabbitMQ, loads the demo data, starts the five services, each by its
run.sh (which migrates its database), waits until the gateway is ready and
says where it is (the launcher: jastar_devkit.system). A service that crashes
is started again (jastar_common.supervisor); Ctrl-C, SIGTERM or SIGHUP stops
them all and waits for them."""
import os
import secrets
import signal
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

from jastar_common.supervisor import GaveUp, die_with_parent
from jastar_devkit.system import ROOT, SERVICES, System, system_env

VAR = Path(os.environ.get("JASTAR_VAR") or ROOT / "var")  # databases and logs (tests use their own)


def say(line):
    print(f"jastar: {line}", flush=True)


def broker_reachable(amqp_uri):
    url = urlparse(amqp_uri.replace("pyamqp://", "amqp://"))
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 5672), timeout=3):
            return True
    except OSError:
        return False


# for local use only: sign-in codes come back in the API answer (there is no
# SMS provider), and an admin key is made for this run
DEV_SETTINGS = {"LOGIN_CODE_ECHO": "true", "JASTAR_ENV": "development",
                # a developer's webhook receiver runs on this machine
                "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1,localhost,::1"}


def make_system(amqp_uri):
    # <SERVICE>_DATABASE_URL picks another database, e.g. PostgreSQL
    databases = {name: os.environ.get(f"{name.upper()}_DATABASE_URL", f"sqlite:///{VAR / (name + '.db')}")
                 for name in SERVICES}
    settings = {key: os.environ.get(key, value) for key, value in DEV_SETTINGS.items()}
    settings["ADMIN_API_KEY"] = os.environ.get("ADMIN_API_KEY") or secrets.token_urlsafe(24)
    return System(system_env(amqp_uri, databases, **settings), VAR / "log",
                  port=os.environ.get("GATEWAY_PORT", "8000"), metrics_ports=False, say=say)


class Stop(Exception):
    pass


def _stop(signum, _frame):
    raise Stop(signal.Signals(signum).name)


def main():
    amqp_uri = os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//")
    if not broker_reachable(amqp_uri):
        say(f"RabbitMQ is not reachable at {amqp_uri.split('@')[-1]}: start it with "
            "`rabbitmq-server -detached` (or `docker compose up -d rabbitmq`), then run `make run` again.")
        return 1
    system = make_system(amqp_uri)
    try:
        say(system.seed())
    except RuntimeError as exc:
        say(f"loading demo data: {exc}")
        return 1

    die_with_parent()  # `make` killed: we go too, and take the services with us
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    url = system.url
    try:
        system.start_all()
        system.wait_ready(90, watch=True)  # a service that fails at start is started again
        say(f"Jastar Hub is up. Web app: {url}/   API: {url}/v1  (logs in var/log/, Ctrl-C stops everything)")
        say(f"try: curl -s {url}/v1/centers?district_id=karasai   (API docs: {url}/docs)")
        say(f"admin key for this run (X-Api-Key): {system.base_env['ADMIN_API_KEY']}")
        system.supervisor.watch()  # restarts a crashed service; raises GaveUp if one keeps failing
        return 0
    except GaveUp as exc:
        say(f"{exc}; stopping the rest")
        return 1
    except RuntimeError as exc:
        say(f"not ready: {exc}")
        return 1
    except (KeyboardInterrupt, Stop):
        say("stopping")
        return 0
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop short
        killed = system.stop_all()
        if killed:
            say(f"had to kill {', '.join(killed)}")
        say("stopped")


if __name__ == "__main__":
    sys.exit(main())

"""`make run`: the whole system on one machine.

Checks RabbitMQ, migrates every service's database, loads the demo data, starts
the four services as separate processes, waits until the gateway is ready and
says where it is. A service that crashes is started again (jastar_common.
supervisor); Ctrl-C, SIGTERM or SIGHUP stops them all and waits for them."""
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from jastar_common.supervisor import GaveUp, Supervisor, die_with_parent

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("JASTAR_VAR") or ROOT / "var")  # databases and logs (tests use their own)
BIN = Path(sys.executable).parent
SERVICES = {  # name: (directory, the service class nameko runs)
    "registry": ("services/registry", "jastar_registry.service:RegistryService"),
    "booking": ("services/booking", "jastar_booking.service:BookingService"),
    "notifications": ("services/notifications", "jastar_notifications.service:NotificationsService"),
    "reports": ("services/reports", "jastar_reports.service:ReportsService"),
    "gateway": ("gateway", "jastar_gateway.service:GatewayService"),
}


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


def service_env(name):
    env = dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning", PYTHONUNBUFFERED="1")
    env.update({key: os.environ.get(key, value) for key, value in DEV_SETTINGS.items()})
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    # <SERVICE>_DATABASE_URL picks another database, e.g. PostgreSQL
    env["DATABASE_URL"] = os.environ.get(f"{name.upper()}_DATABASE_URL", f"sqlite:///{VAR / (name + '.db')}")
    return env


def run_step(what, argv, name):
    result = subprocess.run(argv, env=service_env(name), cwd=ROOT / SERVICES[name][0],
                            capture_output=True, text=True)
    if result.returncode != 0:
        say(f"{what} failed:\n{result.stdout}{result.stderr}")
        sys.exit(1)
    return result.stdout.strip()


def start(supervisor, name):
    directory, service_class = SERVICES[name]
    supervisor.add(name, [str(BIN / "nameko"), "run", "--config", "config.yml", service_class],
                   cwd=ROOT / directory, env=service_env(name), log_path=VAR / "log" / f"{name}.log")


def wait_ready(url, supervisor, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        supervisor.check()  # a service that fails at start is started again
        try:
            with urllib.request.urlopen(url + "/ready", timeout=3) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    say(f"not ready after {seconds}s; see var/log/")
    return False


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
    (VAR / "log").mkdir(parents=True, exist_ok=True)
    DEV_SETTINGS["ADMIN_API_KEY"] = os.environ.get("ADMIN_API_KEY") or secrets.token_urlsafe(24)
    run_step("declaring the event topology", [str(BIN / "jastar-topology"), "declare"], "registry")
    for name in ("registry", "booking", "notifications", "reports", "gateway"):
        run_step(f"migrating {name}", [str(BIN / f"jastar-{name}-migrate")], name)
    say(run_step("loading demo data", [str(BIN / "jastar-registry-seed")], "registry"))

    die_with_parent()  # `make` killed: we go too, and take the services with us
    supervisor = Supervisor(say=say)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    port = os.environ.get("GATEWAY_PORT", "8000")
    url = f"http://127.0.0.1:{port}"
    try:
        for name in SERVICES:
            start(supervisor, name)
        if not wait_ready(url, supervisor):
            return 1
        say(f"Jastar Hub is up. Web app: {url}/   API: {url}/v1  (logs in var/log/, Ctrl-C stops everything)")
        say(f"try: curl -s {url}/v1/centers?district_id=karasai   (API docs: {url}/docs)")
        say(f"admin key for this run (X-Api-Key): {DEV_SETTINGS['ADMIN_API_KEY']}")
        supervisor.watch()  # restarts a crashed service; raises GaveUp if one keeps failing
        return 0
    except GaveUp as exc:
        say(f"{exc}; stopping the rest")
        return 1
    except (KeyboardInterrupt, Stop):
        say("stopping")
        return 0
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop short
        killed = supervisor.stop()
        if killed:
            say(f"had to kill {', '.join(killed)}")
        say("stopped")


if __name__ == "__main__":
    sys.exit(main())

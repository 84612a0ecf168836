"""`make run`: the whole system on one machine.

Checks RabbitMQ, migrates every service's database, loads the demo data, starts
the four services as separate processes, waits until the gateway is ready and
says where it is. Ctrl-C stops them all."""
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

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
BIN = Path(sys.executable).parent
SERVICES = {  # name: (directory, the service class nameko runs)
    "registry": ("services/registry", "jastar_registry.service:RegistryService"),
    "booking": ("services/booking", "jastar_booking.service:BookingService"),
    "notifications": ("services/notifications", "jastar_notifications.service:NotificationsService"),
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


def start(name):
    directory, service_class = SERVICES[name]
    log = open(VAR / "log" / f"{name}.log", "a")
    return subprocess.Popen(
        [str(BIN / "nameko"), "run", "--config", "config.yml", service_class],
        cwd=ROOT / directory, env=service_env(name), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches us; we stop the children in order
    )


def wait_ready(url, processes, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, proc in processes.items():
            if proc.poll() is not None:
                say(f"{name} exited with {proc.returncode}; see var/log/{name}.log")
                return False
        try:
            with urllib.request.urlopen(url + "/ready", timeout=3) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    say(f"not ready after {seconds}s; see var/log/")
    return False


def stop_all(processes):
    for proc in processes.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in processes.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def _interrupt(*_):
    raise KeyboardInterrupt


def main():
    amqp_uri = os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//")
    if not broker_reachable(amqp_uri):
        say(f"RabbitMQ is not reachable at {amqp_uri.split('@')[-1]}: start it with "
            "`rabbitmq-server -detached` (or `docker compose up -d rabbitmq`), then run `make run` again.")
        return 1
    (VAR / "log").mkdir(parents=True, exist_ok=True)
    DEV_SETTINGS["ADMIN_API_KEY"] = os.environ.get("ADMIN_API_KEY") or secrets.token_urlsafe(24)
    run_step("declaring the event topology", [str(BIN / "jastar-topology"), "declare"], "registry")
    for name in ("registry", "booking", "notifications", "gateway"):
        run_step(f"migrating {name}", [str(BIN / f"jastar-{name}-migrate")], name)
    say(run_step("loading demo data", [str(BIN / "jastar-registry-seed")], "registry"))

    processes = {name: start(name) for name in SERVICES}
    port = os.environ.get("GATEWAY_PORT", "8000")
    url = f"http://127.0.0.1:{port}"
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if not wait_ready(url, processes):
            return 1
        say(f"Jastar Hub is up. API: {url}  (logs in var/log/, Ctrl-C stops everything)")
        say(f"try: curl -s {url}/v1/centers?district_id=karasai   (API docs: {url}/docs)")
        say(f"admin key for this run (X-Api-Key): {DEV_SETTINGS['ADMIN_API_KEY']}")
        while all(proc.poll() is None for proc in processes.values()):
            time.sleep(1)
        failed = [name for name, proc in processes.items() if proc.poll() is not None]
        say(f"{', '.join(failed)} stopped unexpectedly; see var/log/. Stopping the rest.")
        return 1
    except KeyboardInterrupt:
        say("stopping")
        return 0
    finally:
        stop_all(processes)


if __name__ == "__main__":
    sys.exit(main())

"""`make run` (scripts/run_local.py) supervises: a service killed with
SIGKILL is started again and the console says so; SIGTERM to it stops every
service and leaves no process behind."""
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from jastar_devkit.helpers import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]


def children(pid):
    """The direct children of a process (Linux /proc)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(p) for p in (task / "children").read_text().split()}
        except FileNotFoundError:
            pass
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def command_of(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


@pytest.mark.slow  # a whole system, a SIGKILL and a restart
def test_make_run_restarts_a_killed_service_and_sigterm_leaves_nothing(rabbit_config, amqp_uri, tmp_path):
    env = dict(os.environ, AMQP_URI=amqp_uri, JASTAR_VAR=str(tmp_path), GATEWAY_PORT=str(free_port()),
               METRICS_PORT="0", ADMIN_API_KEY="make-run-test", PYTHONWARNINGS="ignore")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts/run_local.py")], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()

    def said(text, seconds):
        def check():
            assert proc.poll() is None, "".join(lines)
            return any(text in line for line in lines)
        wait_until(check, seconds, lambda: f"never said {text!r}: {''.join(lines)}", interval=0.2)

    services = set()
    try:
        said("Jastar Hub is up", 240)
        services = children(proc.pid)
        booking = next(p for p in services if "BookingService" in command_of(p))
        os.kill(booking, signal.SIGKILL)
        said("booking started again", 30)
        services |= children(proc.pid)
        assert len([p for p in services if alive(p)]) == len(services) - 1  # all but the killed one
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, "".join(lines)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        left = [p for p in services if alive(p)]
        for pid in left:  # leave nothing behind, whatever the test says
            os.killpg(pid, signal.SIGKILL)
    assert not left, [command_of(p) for p in left]
    assert any("stopped" in line for line in lines)

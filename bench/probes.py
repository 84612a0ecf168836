"""What a bench watches while the load runs: the depth of the notifications
service's queues (is it keeping up?) and, on request, py-spy profiles of every
service of the system (where does each booking's CPU go?)."""
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from cpu import say

SERVICES = ("gateway", "registry", "booking", "notifications", "reports")
PROFILE_RATE = 200  # samples per second per process


def notification_queues():
    from jastar_common.topology import SUBSCRIPTIONS
    return sorted(sub.queue_name for sub in SUBSCRIPTIONS.values() if sub.service == "notifications")


def ready_messages(amqp_uri, queues):
    """{queue: messages ready}, read live with a passive declare (the
    management API's figures lag by up to 5 s)."""
    from kombu import Connection

    with Connection(amqp_uri, connect_timeout=5) as conn:
        channel = conn.channel()
        try:
            return {name: channel.queue_declare(name, passive=True).message_count for name in queues}
        finally:
            channel.close()


class QueueDepths:
    """The notifications queues' depth `first_after` seconds after start and
    at the end of the window (at_end)."""

    def __init__(self, bench, first_after):
        self.amqp_uri, self.queues = bench.env["AMQP_URI"], notification_queues()
        self.depths = {}
        self._thread = threading.Thread(target=self._first, args=(first_after,), daemon=True)
        self._thread.start()

    def _first(self, seconds):
        time.sleep(seconds)
        self.depths["first"] = self._read()

    def _read(self):
        try:
            return ready_messages(self.amqp_uri, self.queues)
        except Exception as exc:  # a figure, not a failure
            say(f"queue depth not read: {exc}")
            return {}

    def at_end(self):
        self._thread.join()
        self.depths["end"] = self._read()


class Profiles:
    """With --py-spy DIR: `py-spy record` on each service's process over the
    booking window and the drain after it, as collapsed stacks
    DIR/<service>-x<concurrency>.txt (read them with bench/profile_summary.py)."""

    def __init__(self, bench, args, concurrency):
        self.running = []
        if not getattr(args, "py_spy", None):
            return
        beside = Path(sys.executable).parent / "py-spy"  # the venv's, else PATH's
        exe = str(beside) if beside.exists() else shutil.which("py-spy")
        out = Path(args.py_spy)
        out.mkdir(parents=True, exist_ok=True)
        for service in SERVICES:
            proc = bench.processes.get(service)
            if proc is None:
                continue
            path = out / f"{service}-x{concurrency}.txt"
            self.running.append(subprocess.Popen(
                [exe, "record", "--pid", str(proc.pid), "--rate", str(PROFILE_RATE), "--format", "raw",
                 "--nonblocking", "--output", str(path)],
                stdout=subprocess.DEVNULL, stderr=open(out / f"{service}-x{concurrency}.log", "w")))

    def finish(self):
        for proc in self.running:
            proc.send_signal(2)  # SIGINT: py-spy writes what it has and stops
        for proc in self.running:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

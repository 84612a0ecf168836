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
PROFILE_RATE = 50  # samples per second per process: more and py-spy falls behind on 2 cores


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
    measured booking window (from the end of the warm-up), as collapsed
    stacks DIR/<service>-x<concurrency>.txt; bench/profile_summary.py reads
    them, per booking made in the window."""

    def __init__(self, bench, args, concurrency):
        self.running, self._thread = [], None
        if not getattr(args, "py_spy", None):
            return
        out = Path(args.py_spy)
        out.mkdir(parents=True, exist_ok=True)
        targets = [(service, bench.processes[service].pid) for service in SERVICES if service in bench.processes]
        # drive() starts the clients about 0.5 s from now, then warms up
        self._thread = threading.Thread(target=self._start, daemon=True, args=(
            targets, out, concurrency, args.warmup + 0.5, args.booking_duration))
        self._thread.start()

    def _start(self, targets, out, concurrency, after, seconds):
        beside = Path(sys.executable).parent / "py-spy"  # the venv's, else PATH's
        exe = str(beside) if beside.exists() else shutil.which("py-spy")
        time.sleep(after)
        for service, pid in targets:
            with open(out / f"{service}-x{concurrency}.log", "w") as errors:
                self.running.append(subprocess.Popen(
                    [exe, "record", "--pid", str(pid), "--rate", str(PROFILE_RATE), "--format", "raw",
                     "--full-filenames", "--nonblocking", "--duration", str(round(seconds)),
                     "--output", str(out / f"{service}-x{concurrency}.txt")],
                    stdout=subprocess.DEVNULL, stderr=errors))

    def finish(self):
        if self._thread is not None:
            self._thread.join()
        for proc in self.running:
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                say(f"py-spy {proc.args[3]} did not finish; killed")
                proc.kill()

"""Runs a set of processes on one machine and keeps them running: the
launcher of `make run` (scripts/run_local.py), and of any test or bench that
wants crashed services brought back.

- A child that exits while not asked to is started again after a backoff
  (1 s, doubling to 30 s), and the console is told.
- A child that keeps failing fast (GIVE_UP_AFTER exits in a row, each less
  than STABLE_SECONDS after its start) is given up: `watch()` raises GaveUp.
- `stop()` sends SIGTERM to every child's process group, waits for them
  (then SIGKILL), so no process is left behind. Children also get SIGTERM if
  the supervisor itself dies (Linux: PR_SET_PDEATHSIG).

Plain Python, no eventlet needed (but it works under monkey-patching)."""
import ctypes
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

STABLE_SECONDS = 30.0  # a child up this long has not "failed fast"
GIVE_UP_AFTER = 5
BACKOFF_START = 1.0
BACKOFF_MAX = 30.0
PR_SET_PDEATHSIG = 1


class GaveUp(Exception):
    pass


@dataclass
class Child:
    name: str
    argv: list
    cwd: str = None
    env: dict = None
    log_path: str = None
    process: subprocess.Popen = None
    started_at: float = 0.0
    fast_failures: int = 0
    restarts: int = 0
    restart_at: float = None  # set while waiting to be started again
    history: list = field(default_factory=list)  # (exit time, return code) of each crash


def _die_with_parent():
    """In the child, before exec: SIGTERM when the supervisor dies."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: Ctrl-C and stop() still reach the children
        pass


def die_with_parent():
    """For the supervisor process itself (e.g. under `make`): go when the parent goes."""
    _die_with_parent()


class Supervisor:
    def __init__(self, say=print, stable_seconds=STABLE_SECONDS, give_up_after=GIVE_UP_AFTER,
                 backoff_start=BACKOFF_START, backoff_max=BACKOFF_MAX, stop_timeout=30.0):
        self.say = say
        self.stable_seconds = stable_seconds
        self.give_up_after = give_up_after
        self.backoff_start = backoff_start
        self.backoff_max = backoff_max
        self.stop_timeout = stop_timeout
        self.children = {}
        self._lock = threading.RLock()
        self._stopping = False
        self._thread = None

    # -- children --------------------------------------------------------
    def add(self, name, argv, cwd=None, env=None, log_path=None, start=True):
        child = Child(name, list(argv), cwd, env, log_path)
        with self._lock:
            self.children[name] = child
            if start:
                self._spawn(child)
        return child

    def _spawn(self, child):
        log = open(child.log_path, "ab") if child.log_path else subprocess.DEVNULL
        try:
            child.process = subprocess.Popen(
                child.argv, cwd=child.cwd, env=child.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: a stop reaches its children too
                preexec_fn=_die_with_parent)
        finally:
            if log is not subprocess.DEVNULL:
                log.close()
        child.started_at = time.monotonic()
        child.restart_at = None

    def remove(self, name, timeout=None):
        """Stop one child (SIGTERM to its group, then SIGKILL) and forget it."""
        with self._lock:
            child = self.children.pop(name)
        if child.process and child.process.poll() is None:
            _signal_group(child.process, signal.SIGTERM)
            try:
                child.process.wait(timeout=self.stop_timeout if timeout is None else timeout)
            except subprocess.TimeoutExpired:
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait()

    def process(self, name):
        return self.children[name].process

    def pid(self, name):
        return self.children[name].process.pid

    def kill(self, name, sig=signal.SIGKILL):
        """Signal a child's process group (tests: a crash on purpose)."""
        os.killpg(self.children[name].process.pid, sig)

    # -- watching --------------------------------------------------------
    def check(self):
        """One look at every child: note exits, start again those due.
        Raises GaveUp when one keeps failing fast."""
        now = time.monotonic()
        with self._lock:
            if self._stopping:
                return
            for child in self.children.values():
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        child.restarts += 1
                        self._spawn(child)
                        self.say(f"{child.name} started again (restart {child.restarts})")
                    continue
                code = child.process.poll() if child.process else None
                if code is None:
                    continue
                lived = now - child.started_at
                child.history.append((time.time(), code))
                child.fast_failures = child.fast_failures + 1 if lived < self.stable_seconds else 1
                if child.fast_failures >= self.give_up_after:
                    raise GaveUp(f"{child.name} failed {child.fast_failures} times in a row, each "
                                 f"within {self.stable_seconds:g}s of its start; giving up")
                delay = min(self.backoff_max, self.backoff_start * 2 ** (child.fast_failures - 1))
                child.restart_at = now + delay
                where = f"; see {child.log_path}" if child.log_path else ""
                self.say(f"{child.name} exited with {code} after {lived:.0f}s{where}; "
                         f"starting it again in {delay:g}s")

    def watch(self, interval=0.5, until=None):
        """Check every `interval` until stop() or `until()` is true. Raises GaveUp."""
        while not self._stopping and not (until and until()):
            self.check()
            time.sleep(interval)

    def watch_in_background(self, interval=0.5):
        """For tests: watch in a thread; a GaveUp is kept in `self.gave_up`."""
        self.gave_up = None

        def run():
            try:
                self.watch(interval)
            except GaveUp as exc:
                self.gave_up = exc
                self.say(str(exc))

        self._thread = threading.Thread(target=run, name="supervisor", daemon=True)
        self._thread.start()

    # -- stopping --------------------------------------------------------
    def stop(self, timeout=None):
        """SIGTERM every child's group, wait, SIGKILL what is left; returns
        the names of those that had to be killed."""
        timeout = self.stop_timeout if timeout is None else timeout
        with self._lock:
            self._stopping = True
            running = [c for c in self.children.values() if c.process and c.process.poll() is None]
            for child in running:
                _signal_group(child.process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        killed = []
        for child in running:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                killed.append(child.name)
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait()
        for child in self.children.values():  # what a child started may outlive it
            if child.process:
                _signal_group(child.process, signal.SIGKILL)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        return killed


def _signal_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass

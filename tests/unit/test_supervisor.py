"""The launcher of `make run`: a crashed child comes back after a backoff, one
that keeps failing fast is given up, and a stop leaves no process behind
(not even one the child started, nor one that ignores SIGTERM)."""
import os
import time

import pytest

from jastar_common.supervisor import GaveUp, Supervisor


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purpose
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def until(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_child_is_started_again_and_the_console_is_told():
    said = []
    supervisor = Supervisor(say=said.append, backoff_start=0.2, stable_seconds=0.5)
    try:
        supervisor.add("sleeper", ["sleep", "60"])
        first = supervisor.pid("sleeper")
        time.sleep(0.6)  # up long enough to count as stable
        supervisor.kill("sleeper")
        assert until(lambda: (supervisor.check() or True) and supervisor.pid("sleeper") != first)
        assert alive(supervisor.pid("sleeper"))
        assert supervisor.children["sleeper"].restarts == 1
        assert any("sleeper exited with -9" in line for line in said)
        assert any("sleeper started again" in line for line in said)
    finally:
        supervisor.stop(timeout=5)


def test_repeated_fast_failures_are_given_up():
    supervisor = Supervisor(say=lambda _: None, backoff_start=0.01, backoff_max=0.05,
                            give_up_after=3, stable_seconds=30)
    try:
        supervisor.add("broken", ["sh", "-c", "exit 3"])
        with pytest.raises(GaveUp, match="broken failed 3 times"):
            supervisor.watch(interval=0.02, until=lambda: False)
    finally:
        supervisor.stop(timeout=5)


def test_stop_leaves_no_process_behind(tmp_path):
    pids = tmp_path / "pids"
    supervisor = Supervisor(say=lambda _: None)
    # a child that starts a grandchild, and one that ignores SIGTERM
    supervisor.add("parent", ["sh", "-c", f"sleep 60 & echo $! > {pids}; wait"])
    trapped = tmp_path / "trapped"
    supervisor.add("stubborn", ["sh", "-c", f"trap '' TERM; touch {trapped}; while true; do sleep 0.1; done"])
    assert until(lambda: pids.exists() and pids.read_text().strip() and trapped.exists())
    grandchild = int(pids.read_text())
    started = [supervisor.pid("parent"), supervisor.pid("stubborn"), grandchild]
    killed = supervisor.stop(timeout=1)
    assert killed == ["stubborn"]
    assert until(lambda: not any(alive(pid) for pid in started), seconds=5)


def test_a_stopped_supervisor_restarts_nothing():
    supervisor = Supervisor(say=lambda _: None, backoff_start=0.01)
    supervisor.add("sleeper", ["sleep", "60"])
    pid = supervisor.pid("sleeper")
    supervisor.stop(timeout=5)
    supervisor.check()
    assert supervisor.pid("sleeper") == pid and not alive(pid)


def test_one_child_can_be_removed_and_is_not_started_again():
    supervisor = Supervisor(say=lambda _: None, backoff_start=0.01)
    try:
        supervisor.add("stays", ["sleep", "60"])
        supervisor.add("goes", ["sleep", "60"])
        gone = supervisor.pid("goes")
        supervisor.remove("goes", timeout=5)
        supervisor.check()
        assert not alive(gone) and set(supervisor.children) == {"stays"}
        assert alive(supervisor.pid("stays"))
    finally:
        supervisor.stop(timeout=5)

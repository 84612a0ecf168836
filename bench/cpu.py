"""Where the CPU goes, from /proc, in jiffies: per process, per component
(groups of pids the bench started, RabbitMQ, PostgreSQL, everything else),
and the whole machine. Linux only; stdlib only (the load-generator processes
import it too)."""
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def say(line):
    print(f"bench: {line}", file=sys.stderr, flush=True)


def _proc_jiffies(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def _all_processes():
    """{pid: (name, jiffies)} of every process on the machine."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    raw = f.read()
                name, rest = raw[raw.index("(") + 1:raw.rindex(")")], raw.rsplit(")", 1)[1].split()
                found[int(entry)] = (name, int(rest[11]) + int(rest[12]))  # utime + stime
            except (OSError, ValueError, IndexError):
                pass
    return found


def cpu_snapshot(groups):
    """Every process's jiffies, the components' pids and the machine's busy jiffies."""
    try:
        with open("/proc/stat") as f:
            cpu = [int(x) for x in f.readline().split()[1:]]
        machine = sum(cpu) - cpu[3] - cpu[4]  # all but idle and iowait
    except OSError:
        machine = 0
    return {"processes": _all_processes(), "groups": groups, "machine": machine}


def cpu_percent(before, after, seconds):
    """% of one core per component over the window: each of `groups`,
    RabbitMQ (beam.smp), PostgreSQL (every postgres process on the machine),
    other processes, and `kernel+` (softirq and processes that began and
    ended inside the window), and the whole machine."""
    old, new = before["processes"], after["processes"]
    delta = {pid: jiffies - old[pid][1] if pid in old and old[pid][0] == name else jiffies
             for pid, (name, jiffies) in new.items()}
    result, seen = {}, set()
    for component, pids in after["groups"].items():
        result[component] = sum(delta.get(pid, 0) for pid in pids)
        seen.update(pids)
    for component, prefix in (("rabbitmq", "beam.smp"), ("postgres", "postgres")):
        pids = [pid for pid, (name, _) in new.items() if name.startswith(prefix) and pid not in seen]
        result[component] = sum(delta[pid] for pid in pids)
        seen.update(pids)
    result["other"] = sum(d for pid, d in delta.items() if pid not in seen)
    result["machine"] = after["machine"] - before["machine"]
    result["kernel+"] = result["machine"] - sum(v for k, v in result.items() if k != "machine")
    return {k: max(0.0, v / TICK / seconds * 100) for k, v in result.items()}


def machine_busy(seconds=3):
    """% of the machine's CPU busy over `seconds`."""
    before = cpu_snapshot({})
    time.sleep(seconds)
    return cpu_percent(before, cpu_snapshot({}), seconds)["machine"] / (os.cpu_count() or 1)


def wait_quiet(limit_seconds, threshold=25):
    """Other jobs on the machine (test suites, builds) skew every figure: wait
    a while for them to finish, then go on anyway and say so."""
    deadline = time.monotonic() + limit_seconds
    busy = machine_busy()
    while busy > threshold and time.monotonic() < deadline:
        say(f"machine {busy:.0f}% busy before starting; waiting for it to quieten")
        time.sleep(5)
        busy = machine_busy()
    return busy

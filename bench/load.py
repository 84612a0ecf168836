"""The HTTP load driver: closed-loop clients (threads, 10 per process) in
load-generator processes of their own (multiprocessing, spawn), each with one
keep-alive HTTP/1.1 connection and one request at a time; and percentiles.

Stdlib only: the spawned load-generator processes import this module (and
re-run the calling script as __mp_main__), so it must stay cheap to import.
"""
import http.client
import multiprocessing as mp
import os
import threading
import time
from collections import Counter

from cpu import cpu_percent, cpu_snapshot

HOST = "127.0.0.1"
THREADS_PER_PROCESS = 10


def percentile(sorted_values, p):
    """Nearest rank; None for no values."""
    if not sorted_values:
        return None
    rank = max(1, int(round(p / 100 * len(sorted_values) + 0.4999)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def ok_count(statuses):
    """The 2xx among a Counter of statuses."""
    return sum(n for s, n in statuses.items() if isinstance(s, int) and 200 <= s < 300)


def _client_thread(port, spec, tokens, counter, start_at, measure_from, end_at, record):
    """One client: one keep-alive connection, one request at a time until end_at."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.connect()
    except OSError:
        pass
    bodies = spec.get("bodies")
    sent = 0
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    while True:
        began = time.time()
        if began >= end_at:
            break
        headers = {"Accept": "application/json"}
        body = None
        if bodies is not None:
            with counter.get_lock():
                index = counter.value
                counter.value += 1
            if index >= len(bodies):
                record("exhausted", None, began, began)
                break
            body = bodies[index]
            headers["Content-Type"] = "application/json"
            headers["Authorization"] = "Bearer " + tokens[sent % len(tokens)]
        sent += 1
        started = time.perf_counter()
        try:
            conn.request(spec["method"], spec["path"], body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except Exception as exc:  # a failed request is counted by its exception's name
            status = type(exc).__name__
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
        elapsed_ms = (time.perf_counter() - started) * 1000
        done = time.time()
        if began >= measure_from and done <= end_at:
            record(status, elapsed_ms, began, done)
    conn.close()


def _load_process(port, spec, token_sets, counter, go, start_value, warmup, duration, results, ready):
    statuses, latencies, lock = Counter(), [], threading.Lock()

    def record(status, elapsed_ms, began, done):
        with lock:
            statuses[status] += 1
            if isinstance(status, int) and 200 <= status < 300:
                latencies.append(elapsed_ms)

    ready.put(os.getpid())
    go.wait()
    start_at = start_value.value
    measure_from, end_at = start_at + warmup, start_at + warmup + duration
    threads = [threading.Thread(target=_client_thread, daemon=True,
                                args=(port, spec, tokens, counter, start_at, measure_from, end_at, record))
               for tokens in token_sets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put({"statuses": dict(statuses), "latencies": latencies})


def drive(port, spec, concurrency, warmup, duration, token_sets=None, counter=None, cpu_groups=None):
    """Run `concurrency` clients from ceil(concurrency/10) processes; returns
    (Counter of statuses, sorted 2xx latencies in ms, (measure start, end) as
    epoch seconds, {component: % of a core} over the measured window)."""
    ctx = mp.get_context("spawn")
    counter = counter if counter is not None else ctx.Value("q", 0)
    go, start_value = ctx.Event(), ctx.Value("d", 0.0)
    results, ready = ctx.Queue(), ctx.Queue()
    token_sets = token_sets or [[""]] * concurrency
    groups = [list(range(i, min(i + THREADS_PER_PROCESS, concurrency)))
              for i in range(0, concurrency, THREADS_PER_PROCESS)]
    processes = [ctx.Process(target=_load_process, daemon=True,
                             args=(port, spec, [token_sets[i] for i in group], counter, go,
                                   start_value, warmup, duration, results, ready))
                 for group in groups]
    try:
        for proc in processes:
            proc.start()
        for _ in processes:
            ready.get(timeout=60)
        start_value.value = time.time() + 0.5
        go.set()
        groups = {**(cpu_groups or {}), "loadgen": [proc.pid for proc in processes]}
        time.sleep(max(0.0, start_value.value + warmup - time.time()))
        before = cpu_snapshot(groups)
        time.sleep(max(0.0, start_value.value + warmup + duration - time.time()))
        cpu = cpu_percent(before, cpu_snapshot(groups), duration)
        statuses, latencies = Counter(), []
        for _ in processes:
            part = results.get(timeout=warmup + duration + 120)
            statuses.update(part["statuses"])
            latencies.extend(part["latencies"])
        for proc in processes:
            proc.join(timeout=10)
    finally:
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
    window = (start_value.value + warmup, start_value.value + warmup + duration)
    return statuses, sorted(latencies), window, cpu

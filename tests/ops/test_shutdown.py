"""SIGTERM: no new work, running workers finish within a bound, then exit.
Run as real `nameko run` processes, the way production runs them."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcClient

from jastar_devkit.helpers import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def slow_process(rabbit_config, amqp_uri, tmp_path):
    port = free_port()
    config = tmp_path / "config.yml"
    config.write_text(
        f"AMQP_URI: '{amqp_uri}'\n"
        "SERVICE_CONTAINER_CLS: jastar_common.container.BoundedStopContainer\n"
        "SHUTDOWN_TIMEOUT_SECONDS: 3\n"
        f"METRICS_PORT: {port}\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "nameko"), "run", "--config", str(config),
                             "tests.ops.slow_service:SlowService"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200, 20,
                   "the slow service is not ready", interval=0.2, errors=(requests.ConnectionError,))
    except AssertionError:
        proc.kill()
        raise
    proc.port = port
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_sigterm_lets_the_running_worker_finish_then_exits_cleanly(slow_process, amqp_uri):
    with ClusterRpcClient(uri=amqp_uri) as rpc:
        running = rpc.slowpoke.work.call_async(1.5)
        time.sleep(0.5)
        slow_process.send_signal(signal.SIGTERM)
        assert running.result() == "worked 1.5s"
    assert slow_process.wait(timeout=10) == 0


@pytest.mark.slow  # waits out the shutdown bound
def test_a_worker_that_hangs_does_not_keep_the_process_past_the_bound(slow_process, amqp_uri):
    with ClusterRpcClient(uri=amqp_uri) as rpc:
        rpc.slowpoke.work.call_async(60)
        time.sleep(0.5)
        stopped_at = time.monotonic()
        slow_process.send_signal(signal.SIGTERM)
        code = slow_process.wait(timeout=15)
    assert code != 0 and time.monotonic() - stopped_at < 8  # the 3 s bound, not 60 s


def test_health_and_metrics_endpoints(slow_process, amqp_uri):
    base = f"http://127.0.0.1:{slow_process.port}"
    assert requests.get(base + "/healthz").text == "ok"
    with ClusterRpcClient(uri=amqp_uri) as rpc:
        rpc.slowpoke.work(0)
    metrics = requests.get(base + "/metrics").text
    assert 'jastar_entrypoint_calls_total{entrypoint="work",outcome="ok",service="slowpoke"} 1.0' in metrics
    assert "jastar_entrypoint_latency_seconds_bucket" in metrics
    assert requests.get(base + "/nothing").status_code == 404

"""The whole system as tests/integration runs it (System, each service by its
run script), but on a RabbitMQ node and a PostgreSQL cluster of its own, and
under the supervisor that `make run` uses, so a test can break any of them."""
import subprocess

import pytest

from ..integration.conftest import RUN_SCRIPTS, System, system_env
from .infra import PostgresCluster, RabbitNode

READY_SECONDS = 30  # the bound: /ready back this long after a fault ends


class SupervisedSystem(System):
    """System whose supervisor also starts again what dies."""

    def __init__(self, base_env, log_dir):
        super().__init__(base_env, log_dir, say=lambda line: print(f"supervisor: {line}", flush=True),
                         stable_seconds=20, stop_timeout=20)


@pytest.fixture(scope="module")
def rabbit():
    node = RabbitNode()
    try:
        node.start()
        yield node
    finally:
        node.destroy()


@pytest.fixture(scope="module")
def postgres():
    cluster = PostgresCluster()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="module")
def faulty_system(rabbit, postgres, tmp_path_factory):
    urls = postgres.create_databases([f"jastar_faults_{name}" for name in RUN_SCRIPTS])
    env = system_env(rabbit.uri, {name: urls[f"jastar_faults_{name}"] for name in RUN_SCRIPTS})
    env.update(BOOKING_MAX_ACTIVE_SPACE="100000", BOOKING_WINDOW_DAYS="120",
               SHUTDOWN_TIMEOUT_SECONDS="10", LOG_LEVEL="INFO",
               EVENT_QUEUE_SUFFIX="")
    system = SupervisedSystem(env, tmp_path_factory.mktemp("fault-logs"))
    system.database_urls = {name: urls[f"jastar_faults_{name}"] for name in RUN_SCRIPTS}
    try:
        for name in RUN_SCRIPTS:
            system.start(name)
        system.watch_in_background()
        system.wait_ready(180)
        subprocess.run(["jastar-registry-seed"], env=system.env("registry"), check=True,
                       capture_output=True)
        yield system
    finally:
        system.stop_all()

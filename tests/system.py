"""The whole system as it runs in production: each service its own process,
started by its run script, on its own PostgreSQL database, one RabbitMQ vhost
(the launcher: jastar_devkit.system). One `system` for the session, shared by
tests/integration and tests/browser (tests/conftest.py offers the fixture to
both); tests/faults runs the same on a broker and a cluster of its own."""
import pytest

from jastar_devkit import system as launcher
from jastar_devkit.system import ROOT, SERVICES, System  # noqa: F401

ADMIN_KEY = "integration-admin-key"
RUN_SCRIPTS = {service: launcher.run_script(service) for service in SERVICES}
SETTINGS = dict(
    OUTBOX_POLL_SECONDS="0.5", ADMIN_API_KEY=ADMIN_KEY,
    RATE_LIMIT_PER_SECOND="1000", RATE_LIMIT_BURST="2000",
    CATALOGUE_CACHE_SECONDS="0",  # tests read what they just wrote
    # connections each process keeps open (bursts still overflow): a system is 5+
    # processes, tests start more, and PostgreSQL allows 100 in all
    DB_POOL_SIZE="3")


def system_env(amqp_uri, database_urls):
    """The environment every service process of a test system gets (also tests/faults)."""
    return launcher.system_env(amqp_uri, database_urls, **SETTINGS)


@pytest.fixture(scope="session")
def system(infrastructure, request, pg_admin, tmp_path_factory):
    sandbox = launcher.Sandbox("jastar_it", request.config.getoption("RABBIT_AMQP_URI"),
                               request.config.getoption("RABBIT_API_URI"),
                               pg_admin.url.render_as_string(hide_password=False))
    with sandbox:
        system = System(system_env(sandbox.amqp_uri, sandbox.database_urls), tmp_path_factory.mktemp("logs"))
        try:
            system.start_all()
            system.wait_ready()
            yield system
        finally:
            system.stop_all()

# nameko's pytest plugin no longer monkey-patches eventlet: do it before
# anything imports socket or threading.
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # known; nameko needs it
import eventlet  # noqa: E402

eventlet.monkey_patch()

import os  # noqa: E402
import socket  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from jastar_common.migrations import upgrade_head  # noqa: E402

from .system import system  # noqa: E402,F401  (one running system for integration and browser tests)
from .timeouts import pytest_timeout_set_timer  # noqa: E402,F401  (a hook: pytest finds it here)

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
SERVICE_PACKAGES = {
    "registry": "jastar_registry",
    "booking": "jastar_booking",
    "notifications": "jastar_notifications",
    "reports": "jastar_reports",
}


def _reachable(host, port):
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def docker_compose_file(pytestconfig):
    return str(Path(__file__).parent / "docker-compose.test.yml")


@pytest.fixture(autouse=True)
def _infrastructure_unless_unit(request):
    # unit tests run the domain with fakes: they need no broker or database
    if "unit" not in request.node.path.relative_to(Path(__file__).parent).parts[:1]:
        request.getfixturevalue("infrastructure")


@pytest.fixture(scope="session")
def infrastructure(request):
    """Local RabbitMQ (with its management API) and PostgreSQL when reachable,
    as on the development machines and CI; else bring them up with compose."""
    needed = [("127.0.0.1", 5672), ("127.0.0.1", 15672), ("127.0.0.1", 5432)]
    if all(_reachable(*hostport) for hostport in needed):
        return "local"
    services = request.getfixturevalue("docker_services")
    services.wait_until_responsive(
        timeout=120, pause=1, check=lambda: all(_reachable(*hp) for hp in needed))
    return "compose"


@pytest.fixture(scope="session")
def pg_admin():
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def new_pg_database(pg_admin):
    """Factory of fresh, empty PostgreSQL databases, dropped after the test."""
    created = []

    def make(label="t"):
        name = f"jastar_{label}_{uuid.uuid4().hex[:10]}"
        with pg_admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    yield make
    with pg_admin.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def backend():
    """PostgreSQL, as in compose and production. A test of what differs on
    SQLite (locking, migrations) runs on both, by parametrising this name:
    @pytest.mark.parametrize("backend", ["sqlite", "postgresql"])."""
    return "postgresql"


def pytest_collection_modifyitems(items):
    # the fault tests stop the broker and kill processes: all of them are slow
    faults = Path(__file__).parent / "faults"
    for item in items:
        if faults in item.path.parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def database_url(backend, new_pg_database, tmp_path):
    """An empty database on the backend (PostgreSQL unless the test parametrises it)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return new_pg_database("test")


@pytest.fixture
def service_database(backend, new_pg_database, tmp_path):
    """Factory: a migrated database for a service, on the backend."""

    def make(service):
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / (service + '.db')}"
        else:
            url = new_pg_database(service)
        upgrade_head(SERVICE_PACKAGES[service], url)
        return url

    return make


@pytest.fixture
def web_session():
    """nameko's own web_session imports werkzeug.urls.url_join, gone in
    werkzeug 3: a small requests session bound to a base URL instead."""
    import requests

    class Session(requests.Session):
        base_url = None

        def request(self, method, url, *args, **kwargs):
            return super().request(method, self.base_url + url, *args, **kwargs)

    session = Session()
    yield session
    session.close()

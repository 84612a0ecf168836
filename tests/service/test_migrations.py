"""Every service migrates from empty to head (and back) on SQLite and
PostgreSQL, and the migrated schema is what its models describe."""
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from jastar_common import tables
from jastar_common.database import make_engine
from jastar_common.migrations import alembic_config, upgrade_head

SERVICES = {
    "registry": ("jastar_registry", "jastar_registry.models"),
    "booking": ("jastar_booking", "jastar_booking.models"),
    "notifications": ("jastar_notifications", "jastar_notifications.models"),
    "reports": ("jastar_reports", "jastar_reports.models"),
    "gateway": ("jastar_gateway", "jastar_gateway.models"),
}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])  # SQLite alters tables in batches
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_empty_to_head_matches_the_models_and_downgrades_cleanly(service, database_url):
    package, models = SERVICES[service]
    upgrade_head(package, database_url)

    metadata = __import__(models, fromlist=["metadata"]).metadata
    engine = make_engine(database_url, pool_size=1)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, [metadata, tables.metadata])
    assert differences == []

    command.downgrade(alembic_config(package, database_url), "base")
    with engine.connect() as conn:
        left = set(engine.dialect.get_table_names(conn)) - {"alembic_version"}
    assert left == set()
    upgrade_head(package, database_url)  # and up again
    engine.dispose()

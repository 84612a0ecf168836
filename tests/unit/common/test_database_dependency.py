"""nameko's get_dependency hands a worker the narrow object it needs: from
Database only `unit_of_work()`; the engines and the outbox relay stay with the
provider."""
from jastar_common.dependencies import Database, UnitsOfWork
from jastar_common.uow import SqlUnitOfWork


class _ServiceUnitOfWork(SqlUnitOfWork):
    pass


def test_a_worker_gets_units_of_work_not_the_provider(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTIFICATIONS_DATABASE_URL", f"sqlite:///{tmp_path}/notifications.db")
    database = Database("notifications", _ServiceUnitOfWork)
    database.setup()
    try:
        units = database.get_dependency(worker_ctx=None)
        assert isinstance(units, UnitsOfWork) and units is not database
        assert [name for name in dir(units) if not name.startswith("_")] == ["unit_of_work"]
        assert not hasattr(units, "engine") and not hasattr(units, "relay")
        assert database.get_dependency(worker_ctx=None) is units  # built once, in setup
        with units.unit_of_work() as uow:
            assert type(uow) is _ServiceUnitOfWork and uow.source == "notifications"
            assert uow.on_commit == database.relay.wake  # its commit wakes the relay
    finally:
        database.kill()

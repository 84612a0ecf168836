import pytest

from .world import apply_all, scenario, store


@pytest.fixture
def live(tmp_path):
    """A store with the scenario's events applied in publishing order."""
    uow_factory = store(tmp_path / "live.db")
    apply_all(uow_factory, scenario()[0])
    return uow_factory

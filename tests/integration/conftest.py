"""Integration tests run against the whole system (tests/system.py: the
`system` fixture, offered to every layer by tests/conftest.py)."""
# tests here and in tests/faults import these names from this module
from ..system import ADMIN_KEY, ROOT, RUN_SCRIPTS, System, system_env  # noqa: F401

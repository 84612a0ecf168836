"""A test that overruns its timeout fails alone; the session goes on."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CONFTEST = """
import eventlet
eventlet.monkey_patch()
from tests.timeouts import pytest_timeout_set_timer
"""

OVERRUNNING = """
import time
import pytest

@pytest.fixture
def slow_fixture():
    time.sleep(5)
    yield

@pytest.mark.timeout(1)
def test_overruns():
    time.sleep(5)

@pytest.mark.timeout(1)
def test_overruns_in_its_fixture(slow_fixture):
    pass

def test_runs_after_them():
    pass
"""


@pytest.mark.slow  # waits out a test's time limit
def test_an_overrun_fails_one_test_and_the_session_goes_on(tmp_path):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_overrun.py").write_text(OVERRUNNING)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:nameko", "-q", "-rA",
         "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": "", "COLUMNS": "300"}, capture_output=True, text=True, timeout=120)
    out = result.stdout + result.stderr
    assert "FAILED test_overrun.py::test_overruns - Failed: Timeout: over 1s" in out, out
    assert "ERROR test_overrun.py::test_overruns_in_its_fixture - Failed: Timeout: over 1s" in out, out
    assert "PASSED test_overrun.py::test_runs_after_them" in out, out

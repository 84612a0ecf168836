"""Every module of the web app parses as an ES module (node --check), so a
syntax slip fails here in a second, not in a browser journey."""
import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[3] / "web"
MODULES = sorted((WEB / "app").rglob("*.js"))


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(WEB)))
def test_the_module_parses(module):
    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "node is needed (make install runs npm, which brings it)"
    checked = subprocess.run([node, "--check", str(module)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_web_package_makes_js_files_modules():
    assert '"type": "module"' in (WEB / "package.json").read_text()

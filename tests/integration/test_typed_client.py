"""A client developer's first step: generate a typed Python client from the
live /openapi.json with openapi-python-client, with no warnings, and call
the API with it. Bare objects or undeclared shapes would come out as
classes holding only `additional_properties`, or as warnings here."""
import importlib
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import requests

# a YAML document (GET /asyncapi.yaml) is text to a Python client: the generator
# knows application/json, text/* and octet-stream, and is told so
CONFIG = "content_type_overrides:\n  application/yaml: text/plain\n"


@pytest.fixture(scope="module")
def seeded(system):
    subprocess.run(["jastar-registry-seed"], env=system.env("registry"), check=True, capture_output=True)
    return system


@pytest.fixture(scope="module")
def generated(seeded, tmp_path_factory):
    where = tmp_path_factory.mktemp("typed-client")
    (where / "openapi.json").write_bytes(requests.get(seeded.url + "/openapi.json", timeout=30).content)
    (where / "config.yml").write_text(CONFIG)
    tools = str(Path(sys.executable).parent)  # the generator formats its output with ruff, installed beside it
    done = subprocess.run(
        [os.path.join(tools, "openapi-python-client"), "generate", "--path", "openapi.json", "--meta", "none",
         "--output-path", "jastar_client", "--config", "config.yml"],
        cwd=where, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PATH": tools + os.pathsep + os.environ.get("PATH", "")})
    sys.path.insert(0, str(where))
    yield done
    sys.path.remove(str(where))
    for name in [m for m in sys.modules if m == "jastar_client" or m.startswith("jastar_client.")]:
        del sys.modules[name]


def test_the_client_generates_without_a_warning(generated):
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warning" not in output.lower() and "error" not in output.lower(), output


def test_the_generated_client_reads_centres_as_typed_objects(seeded, generated):
    client_module = importlib.import_module("jastar_client")
    get_centers = importlib.import_module("jastar_client.api.catalogue.get_centers")
    models = importlib.import_module("jastar_client.models")
    client = client_module.Client(base_url=seeded.url)

    page = get_centers.sync(client=client, district_id="karasai", limit=5)

    assert isinstance(page, models.CentrePage)
    # (page.total, page.limit, page.offset): other tests sharing the system may add Karasai centres
    assert (page.limit, page.offset) == (5, 0) and len(page.items) == min(page.total, 5)
    assert all(isinstance(item, models.Centre) for item in page.items)
    centre = next(item for item in page.items if item.id == "karasai-yrc")
    assert centre.name_ru and centre.address and centre.status == "open"
    assert isinstance(centre.opening_date, date)
    assert not hasattr(centre, "additional_properties")  # a closed class: every field it carries is declared


def test_the_generated_client_reads_a_programme_with_typed_times(seeded, generated):
    get_programme = importlib.import_module("jastar_client.api.catalogue.get_programmes_by_id")
    client = importlib.import_module("jastar_client").Client(base_url=seeded.url)

    programme = get_programme.sync(client=client, programme_id="sewing-course")

    session = programme.sessions[0]
    assert isinstance(session.starts_at, datetime) and session.starts_at.tzinfo is not None
    assert isinstance(session.seats_left, int)

"""Static checks of the container deployment: docker-compose.yml,
deploy/Dockerfile and deploy/postgres/init-databases.sh.

No Docker engine is needed: docker-compose.yml is validated against the
Compose Specification's JSON schema (vendored in tests/unit/schemas); the
tests here check what this project intends of it."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
INIT_SCRIPT = ROOT / "deploy" / "postgres" / "init-databases.sh"
COMPOSE_SCHEMA = Path(__file__).parent / "schemas" / "compose-spec.json"

NAMEKO_SERVICES = ("registry", "booking", "notifications", "reports")
APP_SERVICES = NAMEKO_SERVICES + ("gateway",)
INFRA_SERVICES = ("rabbitmq", "postgres")
ALL_SERVICES = APP_SERVICES + INFRA_SERVICES
SCALABLE = ("booking", "notifications")
# where each service's start script sits in the repository (and so in the image, under /app)
RUN_SCRIPTS = {
    "registry": "services/registry/run.sh",
    "booking": "services/booking/run.sh",
    "notifications": "services/notifications/run.sh",
    "reports": "services/reports/run.sh",
    "gateway": "gateway/run.sh",
}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile_instructions():
    """(INSTRUCTION, arguments) per instruction, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        instructions.append((word.upper(), rest.strip()))
    return instructions


def final_stage(instructions):
    last_from = max(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    return instructions[last_from:]


def depends_on_map(service):
    """depends_on in its long form; the short (list) form has no condition."""
    depends = service.get("depends_on", {})
    assert isinstance(depends, dict), "depends_on must use the long form with a condition"
    return depends


def published_ports(service):
    return service.get("ports", [])


def healthcheck_test(service):
    check = service.get("healthcheck") or {}
    assert not check.get("disable"), "healthcheck is disabled"
    return check.get("test")


# ---------------------------------------------------------------- compose ---

def test_every_service_is_defined(services):
    missing = [name for name in ALL_SERVICES if name not in services]
    assert not missing, f"services missing from docker-compose.yml: {missing}"


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_every_service_has_a_healthcheck_command(services, name):
    test = healthcheck_test(services[name])
    assert test, f"{name} has no healthcheck test"
    if isinstance(test, list):
        assert test[0] in ("CMD", "CMD-SHELL") and len(test) > 1, test
    else:
        assert isinstance(test, str) and test.strip()


@pytest.mark.parametrize("name", NAMEKO_SERVICES)
def test_nameko_services_are_checked_by_an_rpc_ping(services, name):
    test = healthcheck_test(services[name])
    command = test[1:] if isinstance(test, list) else test.split()
    assert command[:2] == ["jastar-ping", name], test


def test_gateway_is_checked_on_its_health_endpoint_without_curl(services):
    test = healthcheck_test(services["gateway"])
    text = " ".join(test) if isinstance(test, list) else test
    assert "http://127.0.0.1:8000/health" in text
    assert "urllib" in text and "curl" not in text


def test_infrastructure_healthchecks(services):
    rabbit = healthcheck_test(services["rabbitmq"])
    assert " ".join(rabbit if isinstance(rabbit, list) else [rabbit]).endswith("rabbitmq-diagnostics -q ping")
    postgres = healthcheck_test(services["postgres"])
    assert "pg_isready" in " ".join(postgres if isinstance(postgres, list) else [postgres])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_dependencies(services, name):
    depends = depends_on_map(services[name])
    assert depends, f"{name} has no depends_on"
    for target, spec in depends.items():
        assert (spec or {}).get("condition") == "service_healthy", f"{name} -> {target}: {spec}"
    required = ("rabbitmq",) if name == "gateway" else INFRA_SERVICES
    for target in required:
        assert target in depends, f"{name} must wait for {target}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_publish_no_ports_except_the_gateway(services, name):
    ports = [str(port) for port in published_ports(services[name])]
    if name == "gateway":
        assert ports == ["8000:8000"]
    else:
        assert ports == [], f"{name} publishes {ports}: it could not be scaled"
    assert "container_name" not in services[name], f"{name} has a container_name"


@pytest.mark.parametrize("name", SCALABLE)
def test_booking_and_notifications_can_be_scaled(services, name):
    service = services[name]
    for fixed in ("container_name", "ports", "hostname"):
        assert fixed not in service, f"{name} sets {fixed}: its replicas would clash"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_one_image_and_choose_their_run_script(services, name):
    service = services[name]
    assert service["build"]["context"] == "."
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert service["restart"] == "unless-stopped"
    assert service["command"] == [f"/app/{RUN_SCRIPTS[name]}"]
    images = {services[other].get("image") for other in APP_SERVICES}
    assert len(images) == 1, f"app services use different images: {images}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_environment(services, name):
    environment = services[name]["environment"]
    assert isinstance(environment, dict)
    for key in ("AMQP_URI", "LOG_LEVEL", "MAX_WORKERS", "EVENT_QUEUE_TYPE"):
        assert key in environment, f"{name} lacks {key}"
    assert "@rabbitmq:5672/" in environment["AMQP_URI"]
    assert re.search(rf"@postgres:5432/{name}$", environment["DATABASE_URL"]), environment["DATABASE_URL"]
    if name == "gateway":
        assert environment["GATEWAY_HOST"] == "0.0.0.0"
        assert str(environment["GATEWAY_PORT"]) == "8000"
        assert environment["ADMIN_API_KEY"] and environment["JWT_SECRET"]
    if name == "registry":
        assert environment["REGISTRY_IIN_KEY"]


def test_infrastructure_images_and_volumes(compose, services):
    assert services["rabbitmq"]["image"] == "rabbitmq:3.13-management"
    assert services["postgres"]["image"] == "postgres:16"
    volumes = compose["volumes"]
    postgres_mounts = [str(v) for v in services["postgres"]["volumes"]]
    rabbit_mounts = [str(v) for v in services["rabbitmq"]["volumes"]]
    assert any(m.split(":")[0] in volumes and m.split(":")[1] == "/var/lib/postgresql/data" for m in postgres_mounts)
    assert any(m.split(":")[0] in volumes and m.split(":")[1] == "/var/lib/rabbitmq" for m in rabbit_mounts)
    assert any(
        m.startswith("./deploy/postgres/init-databases.sh:/docker-entrypoint-initdb.d/") for m in postgres_mounts
    )


# Formats the Compose schema names and jsonschema does not know, as the compose
# CLI reads them: Go durations ("1m30s") and the short port syntax.
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("duration")
def _duration(value):
    return not isinstance(value, str) or re.fullmatch(r"(\d+(\.\d+)?(us|ms|s|m|h))+", value) is not None


@FORMATS.checks("ports")
def _ports(value):
    port = r"\d+(-\d+)?"
    return isinstance(value, int) or re.fullmatch(
        rf"(\d+\.\d+\.\d+\.\d+:)?({port}:)?{port}(/(tcp|udp|sctp))?", str(value)) is not None


def compose_validator():
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    return jsonschema.Draft201909Validator(schema, format_checker=FORMATS)


def test_compose_file_follows_the_compose_specification(compose):
    problems = [f"{e.json_path}: {e.message}" for e in compose_validator().iter_errors(compose)]
    assert not problems, "\n".join(problems)


def test_the_compose_schema_is_strict(compose):
    """A misspelt key, a bad duration or port fails the check above."""
    validator = compose_validator()

    def with_booking(**changes):
        booking = {**compose["services"]["booking"], **changes}
        return {**compose, "services": {**compose["services"], "booking": booking}}

    for broken, expected in (({**compose, "servces": {}}, "servces"),
                             (with_booking(helthcheck={}), "helthcheck"),
                             (with_booking(stop_grace_period="30 seconds"), "30 seconds"),
                             (with_booking(ports=["80:80:80"]), "80:80:80")):
        assert any(expected in e.message for e in validator.iter_errors(broken)), expected


def test_references_point_at_what_exists(compose, services):
    """What the schema cannot see: services, volumes and files named elsewhere."""
    declared_volumes = set(compose.get("volumes") or {})
    for name, service in services.items():
        assert "image" in service or "build" in service, f"{name}: neither image nor build"
        build = service.get("build")
        if isinstance(build, dict):
            context = ROOT / build.get("context", ".")
            assert (context / build.get("dockerfile", "Dockerfile")).is_file(), f"{name}: no dockerfile"
        for target in service.get("depends_on", {}):
            assert target in services and target != name, f"{name} depends on {target}"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: bind mount source {source} missing"
            elif source and not source.startswith(("/", "~")):
                assert source in declared_volumes, f"{name}: named volume {source} not declared"


# ------------------------------------------------------------- Dockerfile ---

def test_dockerfile_is_multi_stage(dockerfile_instructions):
    froms = [rest for word, rest in dockerfile_instructions if word == "FROM"]
    assert len(froms) >= 2
    assert froms[-1].split()[0] == "python:3.11-slim"


def test_dockerfile_runs_as_a_non_root_user(dockerfile_instructions):
    users = [rest for word, rest in final_stage(dockerfile_instructions) if word == "USER"]
    assert users, "the final stage has no USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert user == "10001" or re.search(rf"useradd\b.*--uid 10001\b.*\b{user}\b", DOCKERFILE.read_text().replace("\\\n", " "))


def test_dockerfile_final_stage_is_lean(dockerfile_instructions):
    stage = final_stage(dockerfile_instructions)
    text = "\n".join(rest for _, rest in stage)
    assert not any(word == "HEALTHCHECK" for word, _ in dockerfile_instructions)
    assert "apt-get" not in text and "build-essential" not in text and "gcc" not in text
    copies = [rest for word, rest in stage if word == "COPY"]
    assert any("--from=" in c and "/opt/venv" in c for c in copies)
    env = " ".join(rest for word, rest in stage if word == "ENV")
    assert "PYTHONUNBUFFERED=1" in env
    assert "PYTHONWARNINGS=ignore::DeprecationWarning" in env
    assert "/opt/venv/bin" in env


def test_dockerfile_builds_every_package_with_the_constraints():
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    wheel = next(line for line in text.splitlines() if "pip wheel" in line)
    assert "-c requirements/constraints.txt" in wheel
    for package in ("libs/jastar-common", "services/registry", "services/booking", "services/notifications", "gateway"):
        assert package in wheel
    for script in RUN_SCRIPTS.values():
        assert script.rsplit("/", 1)[0] in text


def test_dockerignore_keeps_the_context_small():
    patterns = (ROOT / ".dockerignore").read_text().split()
    for pattern in (".git", ".venv", "**/__pycache__", "**/*.egg-info"):
        assert pattern in patterns
    # the Dockerfile copies these: none may be ignored
    for needed in ("requirements", "libs", "services", "gateway", "deploy"):
        assert needed not in patterns


# ------------------------------------------------------------ init script ---

def test_init_script_creates_a_role_and_database_per_service():
    text = INIT_SCRIPT.read_text()
    assert text.startswith("#!/bin/bash")
    loop = re.search(r"for service in ([\w ]+); do", text)
    assert loop and loop.group(1).split() == ["registry", "booking", "notifications", "reports", "gateway"]
    assert "CREATE ROLE %I" in text and "CREATE DATABASE %I OWNER %I" in text
    # idempotent: each CREATE only when missing
    assert "NOT EXISTS (SELECT 1 FROM pg_roles" in text
    assert "NOT EXISTS (SELECT 1 FROM pg_database" in text
    assert "ON_ERROR_STOP=1" in text


def test_init_script_is_valid_bash():
    bash = shutil.which("bash")
    assert bash, "bash is needed to check the init script"
    result = subprocess.run([bash, "-n", str(INIT_SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_init_script_passwords_match_the_service_urls(services):
    postgres_env = services["postgres"]["environment"]
    for name in NAMEKO_SERVICES + ("gateway",):
        variable = f"{name.upper()}_DB_PASSWORD"
        assert variable in postgres_env
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith(f"postgresql://{name}:${{{variable}:-")
        assert postgres_env[variable] == url.split(f"postgresql://{name}:", 1)[1].split("@postgres", 1)[0]

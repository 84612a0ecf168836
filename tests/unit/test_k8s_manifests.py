"""Offline checks of the Kubernetes deployment (deploy/k8s), the Grafana
dashboard (deploy/grafana/jastar-dashboard.json) and the alerts.

No cluster, no network. Every YAML document under deploy/k8s (except the
examples in external/) is validated against a JSON schema:
- built-in kinds against the Kubernetes schemas bundled in the
  `kubernetes-validate` package, strict (unknown fields are errors);
- the CRD kinds (KEDA, Prometheus Operator) against the trimmed schemas
  committed in deploy/k8s/schemas/;
a kind with no schema is an error. Then `manifest_problems` checks what a
schema cannot: probes, resources, non-root, selectors, PDBs, autoscalers,
references between objects, ports. The same checker is fed deliberately
broken manifests to prove it fails.
"""
import copy
import json
import re
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from jastar_common.topology import SUBSCRIPTIONS

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
SCHEMAS = K8S / "schemas"
EXAMPLES = K8S / "external"
DASHBOARD = ROOT / "deploy" / "grafana" / "jastar-dashboard.json"
RUNBOOK = ROOT / "docs" / "runbook.md"

# the oldest Kubernetes release the manifests must be valid for
KUBERNETES_VERSION = "1.30"
NAMESPACE = "jastar"
IMAGE = "jastar-hub"
UID = 10001
METRICS_PORT = 9100
GATEWAY_PORT = 8000

COMMANDS = {
    "registry": ["/app/services/registry/run.sh"],
    "booking": ["/app/services/booking/run.sh"],
    "notifications": ["/app/services/notifications/run.sh"],
    "reports": ["/app/services/reports/run.sh"],
    "gateway": ["/app/gateway/run.sh"],
}
NAMEKO_SERVICES = ("registry", "booking", "notifications", "reports")
# every service owns one PostgreSQL database (the gateway's: staff accounts,
# API key hashes, sign-in codes); its source directory has the migrate script
DATABASE_SERVICES = {
    "registry": "services/registry",
    "booking": "services/booking",
    "notifications": "services/notifications",
    "reports": "services/reports",
    "gateway": "gateway",
}
# which queues KEDA watches for each service it scales
KEDA_QUEUES = {
    "booking": {"rpc-booking", "jastar.booking.registry_changes"},
    "notifications": {
        "jastar.notifications.booking_changes",
        "jastar.notifications.member_changes",
        "jastar.notifications.webhooks",
    },
}
HPA_SERVICES = {"gateway"}

COMMON_ENV = {"AMQP_URI", "JASTAR_ENV", "EVENT_QUEUE_TYPE", "LOG_LEVEL", "MAX_WORKERS", "METRICS_PORT"}
SERVICE_ENV = {
    "registry": {"DATABASE_URL", "REGISTRY_IIN_KEY"},
    "booking": {"DATABASE_URL"},
    "notifications": {
        "DATABASE_URL", "SMS_PROVIDER_URL", "SMS_PROVIDER_KEY", "SMTP_HOST", "SMTP_PORT",
        "SMTP_FROM", "TELEGRAM_API_BASE", "TELEGRAM_BOT_TOKEN", "WEBHOOKS_SECRET_KEY",
    },
    "reports": {"DATABASE_URL", "REPORTS_MEMBER_KEY"},
    "gateway": {"DATABASE_URL", "GATEWAY_HOST", "GATEWAY_PORT", "JWT_SECRET", "ADMIN_API_KEY"},
}
# these must come from a Secret, never from a ConfigMap or a literal
SECRET_ENV = {
    "AMQP_URI", "DATABASE_URL", "REGISTRY_IIN_KEY", "REPORTS_MEMBER_KEY", "JWT_SECRET", "ADMIN_API_KEY",
    "SMS_PROVIDER_KEY", "TELEGRAM_BOT_TOKEN", "SMTP_PASSWORD", "WEBHOOKS_SECRET_KEY",
}
FIXED_ENV = {"JASTAR_ENV": "production", "EVENT_QUEUE_TYPE": "quorum", "METRICS_PORT": str(METRICS_PORT),
             "GATEWAY_HOST": "0.0.0.0", "GATEWAY_PORT": str(GATEWAY_PORT)}

# The metrics contract: name -> labels (histograms also have _bucket{le}, _sum, _count).
CONTRACT_METRICS = {
    "jastar_entrypoint_calls_total": {"service", "entrypoint", "outcome"},
    "jastar_entrypoint_latency_seconds": {"service", "entrypoint"},
    "jastar_outbox_backlog": {"service"},
    "jastar_outbox_oldest_age_seconds": {"service"},
    "jastar_inbox_duplicates_total": {"service", "consumer"},
    "jastar_dead_letters_total": {"service", "queue"},
    "jastar_notifications_total": {"channel", "status"},
    "jastar_bookings_total": {"centre", "kind", "state"},
    "jastar_http_requests_total": {"route", "method", "status"},
    "jastar_http_request_seconds": {"route"},
}
HISTOGRAMS = {"jastar_entrypoint_latency_seconds", "jastar_http_request_seconds"}
# from the RabbitMQ Prometheus plugin (per-object metrics) and Prometheus itself
EXTERNAL_METRICS = {"rabbitmq_queue_messages_ready": {"queue", "vhost"}, "up": set()}
# labels every scraped series carries (target labels added by the scrape)
TARGET_LABELS = {"namespace", "pod", "instance", "job", "app", "container"}


# ------------------------------------------------------------------ loading --

def manifest_files():
    """Every YAML file under deploy/k8s, except the examples and kustomizations."""
    return sorted(
        path for path in K8S.rglob("*.y*ml")
        if EXAMPLES not in path.parents and path.name != "kustomization.yaml"
    )


def load_all(paths):
    docs = []
    for path in paths:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                docs.append(doc)
    return docs


@pytest.fixture(scope="module")
def docs():
    return load_all(manifest_files())


def by_kind(docs, kind):
    return [d for d in docs if d.get("kind") == kind]


def named(docs, kind, name):
    found = [d for d in by_kind(docs, kind) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


# ------------------------------------------------------------------ schemas --

def _local_schema(doc):
    group_version = doc.get("apiVersion", "")
    group, _, version = group_version.rpartition("/")
    path = SCHEMAS / f"{doc.get('kind', '').lower()}-{group.split('.')[0]}-{version}.json"
    return json.loads(path.read_text()) if path.exists() else None


def schema_problems(doc):
    """[] when the document validates against its kind's schema."""
    label = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
    local = _local_schema(doc)
    if local is not None:
        validator = jsonschema.Draft202012Validator(local)
        return [f"{label}: {'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{label}: {'.'.join(map(str, exc.path))}: {exc.message}"]
    except kubernetes_validate.SchemaNotFoundError as exc:
        return [f"{label}: no schema: {exc.message}"]
    return []


# ------------------------------------------------------------- the checker --

def _selects(selector, labels):
    match = selector.get("matchLabels", {})
    if not match and not selector.get("matchExpressions"):
        return False
    if any(labels.get(k) != v for k, v in match.items()):
        return False
    for expr in selector.get("matchExpressions", []):
        value, op = labels.get(expr["key"]), expr["operator"]
        if op == "In" and value not in expr["values"]:
            return False
        if op == "NotIn" and value in expr["values"]:
            return False
        if op == "Exists" and value is None:
            return False
        if op == "DoesNotExist" and value is not None:
            return False
    return True


def _probe_port(probe, container):
    port = (probe.get("httpGet") or probe.get("tcpSocket") or {}).get("port")
    if isinstance(port, str):
        names = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
        return names.get(port)
    return port


def _container_problems(where, pod, container, *, long_running):
    problems = []
    ports = {p["containerPort"] for p in container.get("ports", [])}
    if long_running:
        for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
            probe = container.get(kind)
            if not probe:
                problems.append(f"{where}: no {kind}")
                continue
            port = _probe_port(probe, container)
            if port not in ports:
                problems.append(f"{where}: {kind} port {port} is not a container port {sorted(ports)}")
        if METRICS_PORT not in ports:
            problems.append(f"{where}: no container port {METRICS_PORT} for /metrics")
        startup = container.get("startupProbe") or {}
        budget = startup.get("periodSeconds", 10) * startup.get("failureThreshold", 3)
        if startup and budget < 180:
            problems.append(f"{where}: startupProbe allows {budget}s, less than waiting + migrating")
        for kind, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            got = ((container.get(kind) or {}).get("httpGet") or {}).get("path")
            if got != path:
                problems.append(f"{where}: {kind} is {got}, not {path}")
    resources = container.get("resources", {})
    for part in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if resource not in resources.get(part, {}):
                problems.append(f"{where}: no resources.{part}.{resource}")
    ctx = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
    if ctx.get("runAsNonRoot") is not True:
        problems.append(f"{where}: runAsNonRoot is not true")
    if ctx.get("runAsUser") != UID:
        problems.append(f"{where}: runAsUser is {ctx.get('runAsUser')}, not {UID}")
    csc = container.get("securityContext", {})
    if csc.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{where}: allowPrivilegeEscalation is not false")
    if csc.get("readOnlyRootFilesystem") is not True:
        problems.append(f"{where}: readOnlyRootFilesystem is not true")
    if "ALL" not in csc.get("capabilities", {}).get("drop", []):
        problems.append(f"{where}: capabilities are not all dropped")
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    if "emptyDir" not in volumes.get(mounts.get("/tmp"), {}):
        problems.append(f"{where}: /tmp is not a writable emptyDir")
    for name in mounts.values():
        if name not in volumes:
            problems.append(f"{where}: volumeMount {name} has no volume")
    image = container.get("image", "")
    if image.rsplit(":", 1)[0] != IMAGE:
        problems.append(f"{where}: image {image} is not {IMAGE}")
    return problems


def _reference_problems(where, pod, container, config_maps, secrets):
    problems = []

    def need(kind, name, key=None):
        table = config_maps if kind == "ConfigMap" else secrets
        if name not in table:
            problems.append(f"{where}: {kind} {name} is not defined")
        elif key is not None and key not in table[name]:
            problems.append(f"{where}: {kind} {name} has no key {key}")

    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            need("ConfigMap", source["configMapRef"]["name"])
        if "secretRef" in source:
            need("Secret", source["secretRef"]["name"])
    for var in container.get("env", []):
        ref = var.get("valueFrom", {})
        if "configMapKeyRef" in ref:
            need("ConfigMap", ref["configMapKeyRef"]["name"], ref["configMapKeyRef"]["key"])
        if "secretKeyRef" in ref:
            need("Secret", ref["secretKeyRef"]["name"], ref["secretKeyRef"]["key"])
    for volume in pod.get("volumes", []):
        if "configMap" in volume:
            need("ConfigMap", volume["configMap"]["name"])
        if "secret" in volume:
            need("Secret", volume["secret"]["secretName"])
    return problems


def _data_keys(doc):
    return set(doc.get("data") or {}) | set(doc.get("stringData") or {})


def effective_env(container, docs):
    """name -> (source kind, value) as the container will see it."""
    config_maps = {d["metadata"]["name"]: d for d in by_kind(docs, "ConfigMap")}
    secrets = {d["metadata"]["name"]: d for d in by_kind(docs, "Secret")}
    env = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            for k, v in (config_maps[source["configMapRef"]["name"]].get("data") or {}).items():
                env[k] = ("ConfigMap", v)
        if "secretRef" in source:
            secret = secrets[source["secretRef"]["name"]]
            for k, v in {**(secret.get("data") or {}), **(secret.get("stringData") or {})}.items():
                env[k] = ("Secret", v)
    for var in container.get("env", []):
        ref = var.get("valueFrom", {})
        if "secretKeyRef" in ref:
            secret = secrets[ref["secretKeyRef"]["name"]]
            env[var["name"]] = ("Secret", (secret.get("stringData") or {}).get(ref["secretKeyRef"]["key"]))
        elif "configMapKeyRef" in ref:
            cm = config_maps[ref["configMapKeyRef"]["name"]]
            env[var["name"]] = ("ConfigMap", cm["data"][ref["configMapKeyRef"]["key"]])
        else:
            env[var["name"]] = ("literal", var.get("value"))
    return env


def manifest_problems(docs):
    """Everything wrong with a set of manifests that a schema cannot see."""
    problems = []
    config_maps = {d["metadata"]["name"]: _data_keys(d) for d in by_kind(docs, "ConfigMap")}
    secrets = {d["metadata"]["name"]: _data_keys(d) for d in by_kind(docs, "Secret")}
    deployments = {d["metadata"]["name"]: d for d in by_kind(docs, "Deployment")}

    for doc in docs:
        meta = doc.get("metadata", {})
        if doc.get("kind") != "Namespace" and meta.get("namespace") != NAMESPACE:
            problems.append(f"{doc.get('kind')}/{meta.get('name')}: namespace is {meta.get('namespace')}")

    if set(deployments) != set(COMMANDS):
        problems.append(f"Deployments are {sorted(deployments)}, expected {sorted(COMMANDS)}")

    for name, dep in deployments.items():
        where = f"Deployment/{name}"
        template = dep["spec"]["template"]
        labels = template["metadata"].get("labels", {})
        if not _selects(dep["spec"]["selector"], labels):
            problems.append(f"{where}: selector does not match the pod labels")
        pod = template["spec"]
        if not 30 <= pod.get("terminationGracePeriodSeconds", 30) <= 120 \
                or "terminationGracePeriodSeconds" not in pod:
            problems.append(f"{where}: terminationGracePeriodSeconds not set to ~45")
        if pod.get("automountServiceAccountToken") is not False:
            problems.append(f"{where}: the service account token is mounted")
        containers = pod["containers"]
        for container in containers:
            cwhere = f"{where}/{container['name']}"
            problems += _container_problems(cwhere, pod, container, long_running=True)
            problems += _reference_problems(cwhere, pod, container, config_maps, secrets)
        if name in COMMANDS and containers[0].get("command") != COMMANDS[name]:
            problems.append(f"{where}: command {containers[0].get('command')}, expected {COMMANDS[name]}")

        pdbs = [p for p in by_kind(docs, "PodDisruptionBudget") if _selects(p["spec"]["selector"], labels)]
        if len(pdbs) != 1:
            problems.append(f"{where}: {len(pdbs)} PodDisruptionBudgets select it, expected 1")
        for pdb in pdbs:
            if pdb["spec"].get("minAvailable") == dep["spec"].get("replicas", 1):
                problems.append(f"{where}: its PDB allows no disruption (node drains would hang)")

    for job in by_kind(docs, "Job"):
        where = f"Job/{job['metadata']['name']}"
        pod = job["spec"]["template"]["spec"]
        for container in pod["containers"]:
            problems += _container_problems(f"{where}/{container['name']}", pod, container, long_running=False)
            problems += _reference_problems(f"{where}/{container['name']}", pod, container, config_maps, secrets)

    # autoscaling: HPA for the gateway, KEDA for booking and notifications, never both
    targets = {}
    for hpa in by_kind(docs, "HorizontalPodAutoscaler"):
        ref = hpa["spec"]["scaleTargetRef"]
        targets.setdefault((ref["kind"], ref["name"]), []).append("HPA")
    triggers_of = {}
    auths = {d["metadata"]["name"]: d for d in by_kind(docs, "TriggerAuthentication")}
    for scaled in by_kind(docs, "ScaledObject"):
        ref = scaled["spec"]["scaleTargetRef"]
        targets.setdefault((ref.get("kind", "Deployment"), ref["name"]), []).append("KEDA")
        triggers_of[ref["name"]] = scaled["spec"]["triggers"]
        for trigger in scaled["spec"]["triggers"]:
            auth_name = (trigger.get("authenticationRef") or {}).get("name")
            if trigger["type"] == "rabbitmq" and auth_name not in auths:
                problems.append(f"ScaledObject/{scaled['metadata']['name']}: TriggerAuthentication "
                                f"{auth_name} is not defined")
    for (kind, name), scalers in targets.items():
        if kind != "Deployment" or name not in deployments:
            problems.append(f"an autoscaler targets {kind}/{name}, which is not defined")
        if len(scalers) > 1:
            problems.append(f"Deployment/{name} is targeted by {' and '.join(scalers)}")
        if name in deployments and "replicas" in deployments[name]["spec"]:
            problems.append(f"Deployment/{name} sets replicas, which fights its autoscaler")
    for name in HPA_SERVICES:
        if targets.get(("Deployment", name)) != ["HPA"]:
            problems.append(f"Deployment/{name} has no HorizontalPodAutoscaler")
    for name, queues in KEDA_QUEUES.items():
        if targets.get(("Deployment", name)) != ["KEDA"]:
            problems.append(f"Deployment/{name} has no KEDA ScaledObject")
            continue
        watched = {t["metadata"].get("queueName") for t in triggers_of[name] if t["type"] == "rabbitmq"}
        if watched != queues:
            problems.append(f"ScaledObject for {name} watches {sorted(watched)}, expected {sorted(queues)}")
    for auth_name, auth in auths.items():
        for ref in auth["spec"].get("secretTargetRef", []):
            if ref["key"] not in secrets.get(ref["name"], set()):
                problems.append(f"TriggerAuthentication/{auth_name}: Secret {ref['name']} key {ref['key']} "
                                "is not defined")

    # Services select pods that exist and target ports that they declare
    for svc in by_kind(docs, "Service"):
        selector = svc["spec"].get("selector", {})
        matches = [d for d in deployments.values()
                   if _selects({"matchLabels": selector}, d["spec"]["template"]["metadata"]["labels"])]
        if not matches:
            problems.append(f"Service/{svc['metadata']['name']} selects no Deployment")
        for dep in matches:
            container = dep["spec"]["template"]["spec"]["containers"][0]
            names = {p.get("name") for p in container.get("ports", [])}
            numbers = {p["containerPort"] for p in container.get("ports", [])}
            for port in svc["spec"]["ports"]:
                target = port.get("targetPort", port["port"])
                if target not in names | numbers:
                    problems.append(f"Service/{svc['metadata']['name']}: targetPort {target} is not a port of "
                                    f"Deployment/{dep['metadata']['name']}")
    return problems


# ------------------------------------------------------------------- tests --

def test_manifests_are_found_and_parse(docs):
    assert manifest_files(), "no manifests under deploy/k8s"
    kinds = {d["kind"] for d in docs}
    for kind in ("Namespace", "Deployment", "ConfigMap", "Secret", "PodDisruptionBudget", "Service",
                 "HorizontalPodAutoscaler", "ScaledObject", "TriggerAuthentication", "Job"):
        assert kind in kinds, f"no {kind} under deploy/k8s"
    for doc in docs:
        assert {"apiVersion", "kind", "metadata"} <= set(doc), doc


def test_every_manifest_validates_against_its_schema(docs):
    problems = [p for doc in docs for p in schema_problems(doc)]
    assert not problems, "\n".join(problems)


def test_manifests_pass_the_structural_checks(docs):
    problems = manifest_problems(docs)
    assert not problems, "\n".join(problems)


def test_object_names_are_unique(docs):
    seen = {}
    for doc in docs:
        key = (doc["kind"], doc["metadata"].get("namespace"), doc["metadata"]["name"])
        seen[key] = seen.get(key, 0) + 1
    assert not [k for k, n in seen.items() if n > 1]


def test_each_service_gets_the_settings_of_the_contract(docs):
    for name, dep in ((d["metadata"]["name"], d) for d in by_kind(docs, "Deployment")):
        env = effective_env(dep["spec"]["template"]["spec"]["containers"][0], docs)
        missing = (COMMON_ENV | SERVICE_ENV[name]) - set(env)
        assert not missing, f"{name} lacks {sorted(missing)}"
        for key, (source, _) in env.items():
            if key in SECRET_ENV:
                assert source == "Secret", f"{name}: {key} comes from a {source}, not a Secret"
        for key, expected in FIXED_ENV.items():
            if key in env:
                assert env[key][1] == expected, f"{name}: {key}={env[key][1]!r}, expected {expected!r}"
        # least privilege: a service sees only its own database and keys
        if name != "registry":
            assert "REGISTRY_IIN_KEY" not in env
        if name != "gateway":
            assert "JWT_SECRET" not in env and "ADMIN_API_KEY" not in env
        # each its own database, as its own role (SERVICE_ENV made it present)
        url = env["DATABASE_URL"][1]
        assert url.endswith(f"/{name}"), f"{name} points at another database: {url}"
        assert url.startswith(f"postgresql://{name}:"), f"{name} connects as another role: {url}"


def test_commands_are_the_images_run_scripts(docs):
    for name, command in COMMANDS.items():
        script = ROOT / command[0].removeprefix("/app/")
        assert script.is_file(), f"{command[0]} has no source at {script}"
        dep = named(docs, "Deployment", name)
        assert dep["spec"]["template"]["spec"]["containers"][0]["command"] == command


def test_gateway_serves_http_on_8000_behind_its_service(docs):
    container = named(docs, "Deployment", "gateway")["spec"]["template"]["spec"]["containers"][0]
    assert {"name": "http", "containerPort": GATEWAY_PORT, "protocol": "TCP"} in container["ports"]
    service = named(docs, "Service", "gateway")
    assert service["spec"]["ports"][0]["targetPort"] in ("http", GATEWAY_PORT)


def test_each_deployment_has_a_metrics_service_or_scrape_annotations(docs):
    metrics_services = [s for s in by_kind(docs, "Service")
                        if any(p.get("port") == METRICS_PORT for p in s["spec"]["ports"])]
    for dep in by_kind(docs, "Deployment"):
        labels = dep["spec"]["template"]["metadata"]["labels"]
        annotations = dep["spec"]["template"]["metadata"].get("annotations", {})
        scraped = [s for s in metrics_services if _selects({"matchLabels": s["spec"]["selector"]}, labels)]
        assert scraped, f"{dep['metadata']['name']}: no Service exposes {METRICS_PORT}"
        assert all(s["spec"].get("clusterIP") == "None" for s in scraped), "metrics Services are headless"
        assert annotations.get("prometheus.io/port") == str(METRICS_PORT)


def test_keda_watches_queues_that_exist_in_the_topology(docs):
    known = set(SUBSCRIPTIONS) | {f"rpc-{s}" for s in NAMEKO_SERVICES}
    for scaled in by_kind(docs, "ScaledObject"):
        for trigger in scaled["spec"]["triggers"]:
            assert trigger["type"] == "rabbitmq"
            meta = trigger["metadata"]
            assert meta["queueName"] in known, meta["queueName"]
            assert meta["mode"] == "QueueLength" and int(meta["value"]) > 0
            assert "host" not in meta, "the broker URL (with its password) belongs in the TriggerAuthentication"


def test_keda_reads_the_broker_from_a_secret(docs):
    auth = named(docs, "TriggerAuthentication", "jastar-rabbitmq-keda")
    ref = auth["spec"]["secretTargetRef"][0]
    assert ref["parameter"] == "host"
    secret = named(docs, "Secret", ref["name"])
    assert secret["stringData"][ref["key"]].startswith("amqp://")


def test_predeploy_jobs_declare_the_topology_and_migrate_each_database(docs):
    commands = {j["metadata"]["name"]: " ".join(j["spec"]["template"]["spec"]["containers"][0]["command"])
                for j in by_kind(docs, "Job")}
    assert "jastar-topology declare" in commands["jastar-topology"]
    assert set(commands) == {"jastar-topology"} | {f"jastar-migrate-{s}" for s in DATABASE_SERVICES}
    for service, source in DATABASE_SERVICES.items():
        command = commands[f"jastar-migrate-{service}"]
        assert f"jastar-{service}-migrate" in command
        assert f"jastar-wait --service {service}" in command
        pyproject = (ROOT / source / "pyproject.toml").read_text()
        assert f"jastar-{service}-migrate =" in pyproject
        # the Job migrates the database the Deployment will use
        job = named(docs, "Job", f"jastar-migrate-{service}")
        job_env = effective_env(job["spec"]["template"]["spec"]["containers"][0], docs)
        dep = named(docs, "Deployment", service)
        dep_env = effective_env(dep["spec"]["template"]["spec"]["containers"][0], docs)
        assert job_env["DATABASE_URL"] == dep_env["DATABASE_URL"], service


def test_secret_values_are_placeholders_only(docs):
    for secret in by_kind(docs, "Secret"):
        assert not secret.get("data"), "base64 data could hide a real value: use stringData placeholders"
        for key, value in secret["stringData"].items():
            assert "CHANGE-ME" in value, f"{secret['metadata']['name']}.{key} is not a placeholder"
    # too short to be accepted as an IIN key: a registry started with it refuses to run
    iin = named(docs, "Secret", "jastar-registry-secrets")["stringData"]["REGISTRY_IIN_KEY"]
    assert len(iin) < 16


def _kustomization_files(directory, seen=None):
    """Every file a kustomization directory pulls in, following directories."""
    seen = set() if seen is None else seen
    kustomization = directory / "kustomization.yaml"
    assert kustomization.is_file(), f"{directory} has no kustomization.yaml"
    data = yaml.safe_load(kustomization.read_text())
    files = set()
    for entry in data.get("resources", []):
        target = (directory / entry).resolve()
        assert target.exists(), f"{kustomization}: resource {entry} does not exist"
        if target.is_dir():
            if target not in seen:
                seen.add(target)
                files |= _kustomization_files(target, seen)
        else:
            assert directory.resolve() in target.parents, \
                f"{kustomization}: {entry} is outside the kustomization (kustomize refuses it)"
            files.add(target)
    return files


def test_every_manifest_is_applied_by_a_kustomization():
    roots = [K8S, K8S / "predeploy", K8S / "secrets", K8S / "monitoring"]
    reached = set().union(*(_kustomization_files(root) for root in roots))
    unreached = {p.resolve() for p in manifest_files()} - reached
    assert not unreached, f"not in any kustomization: {sorted(map(str, unreached))}"
    for root in (K8S, K8S / "predeploy"):
        images = yaml.safe_load((root / "kustomization.yaml").read_text())["images"]
        assert [i["name"] for i in images] == [IMAGE]
    # the placeholder Secrets are never applied with the application
    app = _kustomization_files(K8S)
    assert not any((K8S / "secrets") in p.parents for p in app)


def test_examples_are_marked_and_kept_out_of_the_deploy():
    examples = sorted(EXAMPLES.glob("*.yaml"))
    assert examples
    for path in examples:
        assert ".example." in path.name
        assert path.read_text().startswith("# EXAMPLE ONLY")
        for doc in load_all([path]):
            assert doc["apiVersion"] and doc["kind"] and doc["metadata"]["name"]
    kinds = {d["kind"] for d in load_all(examples)}
    assert {"RabbitmqCluster", "Cluster"} <= kinds
    rabbit = [d for d in load_all(examples) if d["kind"] == "RabbitmqCluster"][0]
    assert rabbit["spec"]["replicas"] == 3
    # the PostgreSQL example holds every service's database, each owned by its role
    postgres = load_all([EXAMPLES / "postgres-cluster.example.yaml"])
    initdb = next(d for d in postgres if d["kind"] == "Cluster")["spec"]["bootstrap"]["initdb"]
    owners = {initdb["database"]: initdb["owner"]}
    owners |= {d["spec"]["name"]: d["spec"]["owner"] for d in postgres if d["kind"] == "Database"}
    assert owners == {s: s for s in DATABASE_SERVICES}
    cluster = next(d for d in postgres if d["kind"] == "Cluster")
    roles = {r["name"] for r in cluster["spec"]["managed"]["roles"]} | {initdb["owner"]}
    assert roles == set(DATABASE_SERVICES)


# -------------------------------------------- the checker must catch breakage --

def _break(mutate):
    def apply(docs):
        broken = copy.deepcopy(docs)
        mutate(broken)
        return broken
    return apply


def _deployment(docs, name):
    return next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == name)


def _container(docs, name):
    return _deployment(docs, name)["spec"]["template"]["spec"]["containers"][0]


BROKEN = {
    "no liveness probe": (
        _break(lambda d: _container(d, "booking").pop("livenessProbe")),
        "Deployment/booking/booking: no livenessProbe"),
    "readiness on an undeclared port": (
        _break(lambda d: _container(d, "registry")["readinessProbe"]["httpGet"].update(port=9200)),
        "readinessProbe port 9200 is not a container port"),
    "no memory limit": (
        _break(lambda d: _container(d, "gateway")["resources"]["limits"].pop("memory")),
        "Deployment/gateway/gateway: no resources.limits.memory"),
    "runs as root": (
        _break(lambda d: _container(d, "notifications")["securityContext"]
               .update(runAsNonRoot=False, runAsUser=0)),
        "runAsNonRoot is not true"),
    "selector does not match the labels": (
        _break(lambda d: _deployment(d, "booking")["spec"]["selector"]["matchLabels"]
               .update({"app.kubernetes.io/name": "bookings"})),
        "Deployment/booking: selector does not match the pod labels"),
    "no PDB": (
        _break(lambda d: d.remove(next(x for x in d if x["kind"] == "PodDisruptionBudget"
                                       and x["metadata"]["name"] == "registry"))),
        "Deployment/registry: 0 PodDisruptionBudgets select it"),
    "HPA and KEDA on one Deployment": (
        _break(lambda d: d.append({**copy.deepcopy(next(x for x in d if x["kind"] == "HorizontalPodAutoscaler")),
                                   "metadata": {"name": "booking-cpu", "namespace": NAMESPACE},
                                   "spec": {**next(x for x in d if x["kind"] == "HorizontalPodAutoscaler")["spec"],
                                            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                                               "name": "booking"}}})),
        "Deployment/booking is targeted by"),
    "KEDA on the wrong queue": (
        _break(lambda d: next(x for x in d if x["kind"] == "ScaledObject" and x["metadata"]["name"] == "booking")
               ["spec"]["triggers"][0]["metadata"].update(queueName="rpc-bookings")),
        "ScaledObject for booking watches"),
    "gateway without HPA": (
        _break(lambda d: d.remove(next(x for x in d if x["kind"] == "HorizontalPodAutoscaler"))),
        "Deployment/gateway has no HorizontalPodAutoscaler"),
    "undefined ConfigMap": (
        _break(lambda d: _container(d, "booking")["envFrom"][0]["configMapRef"].update(name="jastar-nope")),
        "ConfigMap jastar-nope is not defined"),
    "undefined Secret key": (
        _break(lambda d: _container(d, "gateway")["env"][0]["valueFrom"]["secretKeyRef"].update(key="NOPE")),
        "has no key NOPE"),
    "writable root filesystem": (
        _break(lambda d: _container(d, "registry")["securityContext"].update(readOnlyRootFilesystem=False)),
        "readOnlyRootFilesystem is not true"),
    "wrong command": (
        _break(lambda d: _container(d, "notifications").update(command=["/app/services/booking/run.sh"])),
        "Deployment/notifications: command"),
    "service targets a missing port": (
        _break(lambda d: next(x for x in d if x["kind"] == "Service" and x["metadata"]["name"] == "gateway")
               ["spec"]["ports"][0].update(targetPort="web")),
        "Service/gateway: targetPort web"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_checker_rejects_a_broken_manifest(docs, case):
    mutate, expected = BROKEN[case]
    assert not manifest_problems(docs), "the real manifests must be clean first"
    problems = manifest_problems(mutate(docs))
    assert any(expected in p for p in problems), f"{case}: {expected!r} not in {problems}"


def test_schema_validation_rejects_broken_manifests(docs):
    deployment = copy.deepcopy(named(docs, "Deployment", "booking"))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["prot"] = 9100
    assert any("prot" in p for p in schema_problems(deployment))
    deployment = copy.deepcopy(named(docs, "Deployment", "booking"))
    deployment["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"] = {"cores": 1}
    assert schema_problems(deployment)
    scaled = copy.deepcopy(named(docs, "ScaledObject", "booking"))
    scaled["spec"]["triggers"][0]["metadata"]["value"] = 20  # KEDA wants strings
    assert schema_problems(scaled)
    scaled = copy.deepcopy(named(docs, "ScaledObject", "booking"))
    scaled["spec"]["maxReplicas"] = 3  # the HPA's field name, not KEDA's
    assert schema_problems(scaled)
    unknown = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    assert any("no schema" in p for p in schema_problems(unknown))


# ---------------------------------------------------------- metrics in PromQL --

METRIC_TOKEN = re.compile(r"\b(jastar_[a-z0-9_]+|rabbitmq_[a-z0-9_]+|up)\b(?!\s*\()")
BY_CLAUSE = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
MATCHER = re.compile(r"\{([^}]*)\}")
LABEL_IN_MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")


def metric_problems(expr, where):
    """Unknown metric names and labels in one PromQL expression."""
    problems = []
    known = {**CONTRACT_METRICS, **EXTERNAL_METRICS}
    labels = set(TARGET_LABELS)
    names = METRIC_TOKEN.findall(expr)
    if not names:
        problems.append(f"{where}: no metric in {expr!r}")
    for name in names:
        base = name
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and name.removesuffix(suffix) in HISTOGRAMS:
                base = name.removesuffix(suffix)
                if suffix == "_bucket":
                    labels.add("le")
        if base not in known:
            problems.append(f"{where}: metric {name} is not in the contract")
            continue
        labels |= known[base]
    used = set()
    for group in BY_CLAUSE.findall(expr):
        used |= {label.strip() for label in group.split(",") if label.strip()}
    for group in MATCHER.findall(expr):
        used |= set(LABEL_IN_MATCHER.findall(group))
    for label in sorted(used - labels):
        problems.append(f"{where}: label {label} is not a label of {sorted(set(names))}")
    return problems


def dashboard_exprs(dashboard):
    def panels(items):
        for panel in items:
            yield panel
            yield from panels(panel.get("panels", []))
    for panel in panels(dashboard["panels"]):
        for target in panel.get("targets", []):
            yield panel, target["expr"]


@pytest.fixture(scope="module")
def dashboard():
    return json.loads(DASHBOARD.read_text())


def test_dashboard_is_a_grafana_dashboard(dashboard):
    assert dashboard["schemaVersion"] >= 36
    assert dashboard["title"] and dashboard["uid"]
    panels = dashboard["panels"]
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in panels:
        assert {"type", "title", "gridPos"} <= set(panel), panel.get("title")
        if panel["type"] != "row":
            assert panel["targets"], panel["title"]
            assert panel["datasource"]["uid"] == "${datasource}"
    names = [v["name"] for v in dashboard["templating"]["list"]]
    assert "datasource" in names


def test_dashboard_uses_only_contract_metrics_and_labels(dashboard):
    problems = []
    for panel, expr in dashboard_exprs(dashboard):
        problems += metric_problems(expr, panel["title"])
    assert not problems, "\n".join(problems)


def test_dashboard_shows_every_contract_metric(dashboard):
    used = set()
    for _, expr in dashboard_exprs(dashboard):
        used |= {re.sub(r"_(bucket|sum|count)$", "", n) if re.sub(r"_(bucket|sum|count)$", "", n) in HISTOGRAMS
                 else n for n in METRIC_TOKEN.findall(expr)}
    missing = (set(CONTRACT_METRICS) | {"rabbitmq_queue_messages_ready"}) - used
    assert not missing, f"no panel for {sorted(missing)}"
    exprs = " ".join(expr for _, expr in dashboard_exprs(dashboard))
    for quantile in ("0.5", "0.99"):
        assert f"histogram_quantile({quantile}" in exprs


def test_metric_checker_rejects_unknown_metrics_and_labels():
    assert metric_problems('sum by (service) (rate(jastar_entrypoint_calls_total[5m]))', "ok") == []
    assert metric_problems('rate(jastar_http_request_seconds_bucket{route="/v1/x"}[5m])', "ok") == []
    assert metric_problems('rate(jastar_requests_total[5m])', "p")  # not in the contract
    assert metric_problems('sum by (route) (jastar_outbox_backlog)', "p")  # not its label
    assert metric_problems('jastar_bookings_total{status="x"}', "p")  # state, not status
    assert metric_problems('sum(rate(jastar_entrypoint_latency_seconds_bucket[5m]))', "ok") == []


@pytest.fixture(scope="module")
def alert_rules():
    rule_doc = yaml.safe_load((K8S / "monitoring" / "prometheusrule.yaml").read_text())
    return [rule for group in rule_doc["spec"]["groups"] for rule in group["rules"]]


def test_alerts_use_contract_metrics_and_are_in_the_runbook(alert_rules):
    runbook = RUNBOOK.read_text()
    problems = []
    for rule in alert_rules:
        problems += metric_problems(rule["expr"], rule["alert"])
        if f"`{rule['alert']}`" not in runbook:
            problems.append(f"{rule['alert']} is not explained in docs/runbook.md")
    assert not problems, "\n".join(problems)


def _queue_matcher(rule):
    # a PromQL label regex is anchored, and written in a string where \\ is one backslash
    pattern = re.search(r'queue=~"((?:[^"\\]|\\.)*)"', rule["expr"]).group(1).replace("\\\\", "\\")
    return lambda name: re.fullmatch(pattern, name) is not None


def test_a_stuck_gateway_cache_queue_has_its_own_alert(alert_rules):
    from jastar_gateway.invalidation import cache_queue
    rules = {rule["alert"]: rule for rule in alert_rules}
    stuck, backlog = (_queue_matcher(rules[name]) for name in ("JastarGatewayCacheStuck", "JastarQueueBacklog"))
    name = cache_queue().name  # what a gateway process declares
    assert stuck(name) and not backlog(name)
    assert not stuck("jastar.booking.registry") and backlog("jastar.booking.registry")

"""Offline checks of the Kubernetes deployment (deploy/k8s); no cluster, no
network. The shape of every manifest is checked by maintained tools: built-in
kinds by `kubernetes-validate` (strict, with the schemas it ships), the KEDA
and Prometheus Operator kinds it does not know against the CRD schemas in
tests/unit/schemas/crds. The tests below check what this project intends:
probes, limits, PDBs, autoscalers, ports, settings and secrets.
The dashboard and the alerts: tests/unit/test_monitoring.py."""
import json
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from jastar_common.topology import SUBSCRIPTIONS

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
CRD_SCHEMAS = Path(__file__).parent / "schemas" / "crds"
EXAMPLES = K8S / "external"

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
# which queues KEDA watches for each service it scales; the gateway scales on CPU
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


def manifest_files():
    """Every YAML file under deploy/k8s, except the examples and kustomizations."""
    return sorted(
        path for path in K8S.rglob("*.y*ml")
        if EXAMPLES not in path.parents and path.name != "kustomization.yaml"
    )


def load_all(paths):
    return [doc for path in paths for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


DOCS = load_all(manifest_files())


def by_kind(kind):
    return [d for d in DOCS if d.get("kind") == kind]


def named(kind, name):
    found = [d for d in by_kind(kind) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def pod_spec(name):
    return named("Deployment", name)["spec"]["template"]["spec"]


def selects(match_labels, labels):
    return bool(match_labels) and all(labels.get(k) == v for k, v in match_labels.items())


def pod_labels(name):
    return named("Deployment", name)["spec"]["template"]["metadata"]["labels"]


def workloads():
    """(where, pod spec, container) of every Deployment and Job container."""
    for kind in ("Deployment", "Job"):
        for doc in by_kind(kind):
            pod = doc["spec"]["template"]["spec"]
            for container in pod["containers"]:
                yield f"{kind}/{doc['metadata']['name']}/{container['name']}", pod, container


WORKLOADS = [pytest.param(*w, id=w[0]) for w in workloads()]


def effective_env(container):
    """name -> (source kind, value) as the container will see it."""
    config_maps = {d["metadata"]["name"]: d for d in by_kind("ConfigMap")}
    secrets = {d["metadata"]["name"]: d for d in by_kind("Secret")}
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


# ------------------------------------------------------------------ shape --

def test_manifests_are_found_and_parse():
    assert manifest_files(), "no manifests under deploy/k8s"
    kinds = {d["kind"] for d in DOCS}
    for kind in ("Namespace", "Deployment", "ConfigMap", "Secret", "PodDisruptionBudget", "Service",
                 "HorizontalPodAutoscaler", "ScaledObject", "TriggerAuthentication", "Job"):
        assert kind in kinds, f"no {kind} under deploy/k8s"
    for doc in DOCS:
        assert {"apiVersion", "kind", "metadata"} <= set(doc), doc


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_every_manifest_validates_against_its_schema(doc):
    group, _, version = doc["apiVersion"].rpartition("/")
    crd = CRD_SCHEMAS / f"{doc['kind'].lower()}-{group.split('.')[0]}-{version}.json"
    if crd.exists():
        errors = jsonschema.Draft202012Validator(json.loads(crd.read_text())).iter_errors(doc)
        problems = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors]
        assert not problems, "\n".join(problems)
    else:
        # strict: an unknown field is an error; a kind with no schema raises SchemaNotFoundError
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_object_names_are_unique_and_in_the_namespace():
    seen = {}
    for doc in DOCS:
        key = (doc["kind"], doc["metadata"].get("namespace"), doc["metadata"]["name"])
        seen[key] = seen.get(key, 0) + 1
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == NAMESPACE, key
    assert not [k for k, n in seen.items() if n > 1]


# --------------------------------------------------------------- workloads --

def test_commands_are_the_images_run_scripts():
    assert {d["metadata"]["name"] for d in by_kind("Deployment")} == set(COMMANDS)
    for name, command in COMMANDS.items():
        script = ROOT / command[0].removeprefix("/app/")
        assert script.is_file(), f"{command[0]} has no source at {script}"
        assert pod_spec(name)["containers"][0]["command"] == command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_service_is_probed_and_scraped_on_its_metrics_port(name):
    dep = named("Deployment", name)
    assert selects(dep["spec"]["selector"]["matchLabels"], pod_labels(name)), "selector misses the pod labels"
    for container in pod_spec(name)["containers"]:
        ports = {p["containerPort"] for p in container.get("ports", [])}
        assert METRICS_PORT in ports, f"no container port {METRICS_PORT} for /metrics"
        for kind, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"),
                           ("startupProbe", "/healthz")):
            probe = container[kind]["httpGet"]
            assert probe["path"] == path, kind
            assert probe["port"] in ports, f"{kind} port {probe['port']} is not a container port"
        startup = container["startupProbe"]
        # jastar-wait (up to 120 s), topology and migrations come before liveness
        assert startup.get("periodSeconds", 10) * startup.get("failureThreshold", 3) >= 180
    annotations = dep["spec"]["template"]["metadata"].get("annotations", {})
    assert annotations.get("prometheus.io/port") == str(METRICS_PORT)
    scraped = [s for s in by_kind("Service") if selects(s["spec"]["selector"], pod_labels(name))
               and any(p.get("port") == METRICS_PORT for p in s["spec"]["ports"])]
    assert scraped, f"{name}: no Service exposes {METRICS_PORT}"
    assert all(s["spec"].get("clusterIP") == "None" for s in scraped), "metrics Services are headless"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_service_has_one_pdb_that_lets_a_node_drain(name):
    pdbs = [p for p in by_kind("PodDisruptionBudget") if selects(p["spec"]["selector"]["matchLabels"],
                                                                 pod_labels(name))]
    assert len(pdbs) == 1, f"{len(pdbs)} PodDisruptionBudgets select {name}"
    replicas = named("Deployment", name)["spec"].get("replicas", 1)
    assert pdbs[0]["spec"].get("minAvailable") != replicas, "its PDB allows no disruption"


@pytest.mark.parametrize("where,pod,container", WORKLOADS)
def test_every_container_is_limited_and_locked_down(where, pod, container):
    resources = container.get("resources", {})
    for part in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources.get(part, {})), f"resources.{part}"
    ctx = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
    assert ctx.get("runAsNonRoot") is True and ctx.get("runAsUser") == UID
    own = container.get("securityContext", {})
    assert own.get("allowPrivilegeEscalation") is False
    assert own.get("readOnlyRootFilesystem") is True
    assert "ALL" in own.get("capabilities", {}).get("drop", [])
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    assert "emptyDir" in volumes.get(mounts.get("/tmp"), {}), "/tmp is not a writable emptyDir"
    assert set(mounts.values()) <= set(volumes), "a volumeMount has no volume"
    assert container["image"].rsplit(":", 1)[0] == IMAGE
    if where.startswith("Deployment/"):
        assert 30 <= pod["terminationGracePeriodSeconds"] <= 120
        assert pod.get("automountServiceAccountToken") is False


@pytest.mark.parametrize("where,pod,container", WORKLOADS)
def test_referenced_config_maps_and_secrets_exist(where, pod, container):
    keys = {(kind, d["metadata"]["name"]): set(d.get("data") or {}) | set(d.get("stringData") or {})
            for kind in ("ConfigMap", "Secret") for d in by_kind(kind)}
    refs = []
    for source in container.get("envFrom", []):
        refs += [("ConfigMap", source["configMapRef"]["name"], None)] if "configMapRef" in source else []
        refs += [("Secret", source["secretRef"]["name"], None)] if "secretRef" in source else []
    for var in container.get("env", []):
        ref = var.get("valueFrom", {})
        for kind, field in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
            if field in ref:
                refs.append((kind, ref[field]["name"], ref[field]["key"]))
    for volume in pod.get("volumes", []):
        refs += [("ConfigMap", volume["configMap"]["name"], None)] if "configMap" in volume else []
        refs += [("Secret", volume["secret"]["secretName"], None)] if "secret" in volume else []
    for kind, name, key in refs:
        assert (kind, name) in keys, f"{kind} {name} is not defined"
        assert key is None or key in keys[kind, name], f"{kind} {name} has no key {key}"


def test_each_service_gets_the_settings_of_the_contract():
    for name in COMMANDS:
        env = effective_env(pod_spec(name)["containers"][0])
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


def test_services_select_a_deployment_and_target_its_ports():
    for svc in by_kind("Service"):
        matches = [n for n in COMMANDS if selects(svc["spec"].get("selector", {}), pod_labels(n))]
        assert matches, f"Service/{svc['metadata']['name']} selects no Deployment"
        for name in matches:
            ports = pod_spec(name)["containers"][0].get("ports", [])
            declared = {p.get("name") for p in ports} | {p["containerPort"] for p in ports}
            for port in svc["spec"]["ports"]:
                assert port.get("targetPort", port["port"]) in declared, f"Service/{svc['metadata']['name']}"


def test_gateway_serves_http_on_8000_behind_its_service():
    container = pod_spec("gateway")["containers"][0]
    assert {"name": "http", "containerPort": GATEWAY_PORT, "protocol": "TCP"} in container["ports"]
    service = named("Service", "gateway")
    assert service["spec"]["ports"][0]["targetPort"] in ("http", GATEWAY_PORT)


# -------------------------------------------------------------- autoscaling --

def test_one_autoscaler_per_service_hpa_for_the_gateway_keda_for_queues():
    targets = {}
    for hpa in by_kind("HorizontalPodAutoscaler"):
        targets.setdefault(hpa["spec"]["scaleTargetRef"]["name"], []).append("HPA")
    for scaled in by_kind("ScaledObject"):
        assert scaled["spec"]["scaleTargetRef"].get("kind", "Deployment") == "Deployment"
        targets.setdefault(scaled["spec"]["scaleTargetRef"]["name"], []).append("KEDA")
    assert targets == {**{n: ["HPA"] for n in HPA_SERVICES}, **{n: ["KEDA"] for n in KEDA_QUEUES}}
    for name in targets:
        assert "replicas" not in named("Deployment", name)["spec"], f"{name}: replicas fight the autoscaler"
    for name, queues in KEDA_QUEUES.items():
        scaled = next(s for s in by_kind("ScaledObject") if s["spec"]["scaleTargetRef"]["name"] == name)
        assert {t["metadata"].get("queueName") for t in scaled["spec"]["triggers"]} == queues


def test_keda_watches_queues_that_exist_in_the_topology():
    known = set(SUBSCRIPTIONS) | {f"rpc-{s}" for s in NAMEKO_SERVICES}
    auths = {d["metadata"]["name"] for d in by_kind("TriggerAuthentication")}
    for scaled in by_kind("ScaledObject"):
        for trigger in scaled["spec"]["triggers"]:
            assert trigger["type"] == "rabbitmq"
            assert trigger["authenticationRef"]["name"] in auths
            meta = trigger["metadata"]
            assert meta["queueName"] in known, meta["queueName"]
            assert meta["mode"] == "QueueLength" and int(meta["value"]) > 0
            assert "host" not in meta, "the broker URL (with its password) belongs in the TriggerAuthentication"


def test_keda_reads_the_broker_from_a_secret():
    auth = named("TriggerAuthentication", "jastar-rabbitmq-keda")
    ref = auth["spec"]["secretTargetRef"][0]
    assert ref["parameter"] == "host"
    secret = named("Secret", ref["name"])
    assert secret["stringData"][ref["key"]].startswith("amqp://")


# ------------------------------------------------ predeploy, secrets, layout --

def test_predeploy_jobs_declare_the_topology_and_migrate_each_database():
    commands = {j["metadata"]["name"]: " ".join(j["spec"]["template"]["spec"]["containers"][0]["command"])
                for j in by_kind("Job")}
    assert "jastar-topology declare" in commands["jastar-topology"]
    assert set(commands) == {"jastar-topology"} | {f"jastar-migrate-{s}" for s in DATABASE_SERVICES}
    for service, source in DATABASE_SERVICES.items():
        command = commands[f"jastar-migrate-{service}"]
        assert f"jastar-{service}-migrate" in command
        assert f"jastar-wait --service {service}" in command
        pyproject = (ROOT / source / "pyproject.toml").read_text()
        assert f"jastar-{service}-migrate =" in pyproject
        # the Job migrates the database the Deployment will use
        job = named("Job", f"jastar-migrate-{service}")
        job_env = effective_env(job["spec"]["template"]["spec"]["containers"][0])
        dep_env = effective_env(pod_spec(service)["containers"][0])
        assert job_env["DATABASE_URL"] == dep_env["DATABASE_URL"], service


def test_secret_values_are_placeholders_only():
    for secret in by_kind("Secret"):
        assert not secret.get("data"), "base64 data could hide a real value: use stringData placeholders"
        for key, value in secret["stringData"].items():
            assert "CHANGE-ME" in value, f"{secret['metadata']['name']}.{key} is not a placeholder"
    # too short to be accepted as an IIN key: a registry started with it refuses to run
    iin = named("Secret", "jastar-registry-secrets")["stringData"]["REGISTRY_IIN_KEY"]
    assert len(iin) < 16


def _kustomization_files(directory, seen=None):
    """Every file a kustomization directory pulls in, following directories."""
    seen = set() if seen is None else seen
    kustomization = directory / "kustomization.yaml"
    assert kustomization.is_file(), f"{directory} has no kustomization.yaml"
    files = set()
    for entry in yaml.safe_load(kustomization.read_text()).get("resources", []):
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

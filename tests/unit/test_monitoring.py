"""Offline checks of the monitoring: the Grafana dashboard
(deploy/grafana/jastar-dashboard.json) and the alert rules
(deploy/k8s/monitoring/prometheusrule.yaml). promtool (Debian's `prometheus`
package; .ci/run installs it) checks the rules; the tests here check that the
dashboard and the alerts use the metrics contract and that the runbook
explains every alert."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "jastar-dashboard.json"
RULES = ROOT / "deploy" / "k8s" / "monitoring" / "prometheusrule.yaml"
RUNBOOK = ROOT / "docs" / "runbook.md"

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
    "jastar_rpc_expired_total": {"service", "method"},
}
HISTOGRAMS = {"jastar_entrypoint_latency_seconds", "jastar_http_request_seconds"}
# from the RabbitMQ Prometheus plugin (per-object metrics) and Prometheus itself
EXTERNAL_METRICS = {"rabbitmq_queue_messages_ready": {"queue", "vhost"}, "up": set()}
# labels every scraped series carries (target labels added by the scrape)
TARGET_LABELS = {"namespace", "pod", "instance", "job", "app", "container"}

METRIC_TOKEN = re.compile(r"\b(jastar_[a-z0-9_]+|rabbitmq_[a-z0-9_]+|up)\b(?!\s*\()")
BY_CLAUSE = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
MATCHER = re.compile(r"\{([^}]*)\}")
LABEL_IN_MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")


def metric_problems(expr, where):
    """Metric names and labels in one PromQL expression that the contract does not have."""
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


@pytest.fixture(scope="module")
def alert_rules():
    rule_doc = yaml.safe_load(RULES.read_text())
    return [rule for group in rule_doc["spec"]["groups"] for rule in group["rules"]]


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


def test_promtool_accepts_the_alert_rules(tmp_path):
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: apt-get install --no-install-recommends prometheus (.ci/run does)"
    rules = tmp_path / "rules.yml"
    # the PrometheusRule's spec is a plain Prometheus rules file
    rules.write_text(yaml.safe_dump(yaml.safe_load(RULES.read_text())["spec"]))
    result = subprocess.run([promtool, "check", "rules", str(rules)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


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

"""The Prometheus metrics every service shares (one registry per process).
Names are a contract with deploy/grafana and the alerts in docs/runbook.md."""
from prometheus_client import Counter, Histogram

ENTRYPOINT_CALLS = Counter(
    "jastar_entrypoint_calls_total", "Entrypoint calls by outcome (ok, expected_error, error).",
    ["service", "entrypoint", "outcome"])
ENTRYPOINT_LATENCY = Histogram(
    "jastar_entrypoint_latency_seconds", "Entrypoint run time.", ["service", "entrypoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
INBOX_DUPLICATES = Counter(
    "jastar_inbox_duplicates_total", "Events delivered again and skipped by the inbox.",
    ["service", "consumer"])
DEAD_LETTERS = Counter(
    "jastar_dead_letters_total", "Events parked on a dead-letter queue.", ["service", "queue"])
NOTIFICATIONS = Counter(
    "jastar_notifications_total", "Messages to members by channel and resulting status.",
    ["channel", "status"])
BOOKINGS = Counter(
    "jastar_bookings_total", "Booking state changes by centre, kind and new state.",
    ["centre", "kind", "state"])
HTTP_REQUESTS = Counter(
    "jastar_http_requests_total", "Gateway requests by route, method and status.",
    ["route", "method", "status"])
HTTP_LATENCY = Histogram(
    "jastar_http_request_seconds", "Gateway request time by route.", ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))

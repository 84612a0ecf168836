"""The live gateway against its own OpenAPI document (GET /openapi.json),
fuzzed by schemathesis with every service a real process: no request,
well-formed or not, may cause a 5xx, and every response must match the
schema the document declares for it (problem+json for errors included).

Each operation gets a bounded number of generated requests, valid and
invalid, once with the admin API key, once as a signed-in member and once
anonymously. Failures are collected (not stopped at) so one run reports
them all.

A run has a time budget, shared out between the operations: on a slow or
busy machine an operation that has used its share sends only its first few
cases, so the run ends in bounded time and still covers every operation.
(A test that outlives pytest-timeout stops the whole session: under
eventlet its timer is a thread, which can only exit the process.) The report says how many
requests were sent and how slow the slowest were."""
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from jastar_devkit.helpers import bearer, new_phone, sign_up

from .conftest import ADMIN_KEY

EXAMPLES_PER_OPERATION = 25  # per generation mode and caller
BUDGET_SECONDS = 180  # per caller; ~20 s on an idle 2-core machine
AT_LEAST = 3  # requests per operation and mode, unless twice the budget is spent
REQUEST_SECONDS = 15  # the gateway answers 503 after its 10 s RPC deadline
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]
# a member's token is made for the run (member_headers): their own routes answer 2xx only to them
CALLERS = {"admin": {"X-Api-Key": ADMIN_KEY}, "anonymous": {}, "member": None}
CREDENTIALS = ("Authorization", "X-Api-Key")  # bad ones are test_gateway_access.py's business


@dataclass
class Tally:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    server_errors: dict = field(default_factory=dict)  # (operation, status) -> a curl to reproduce
    schema_violations: dict = field(default_factory=dict)  # (operation, status, title) -> message
    unexpected: dict = field(default_factory=dict)  # (operation, error) -> message
    nothing_to_negate: list = field(default_factory=list)  # operations with no input to make invalid
    operations: int = 0
    sent: Counter = field(default_factory=Counter)  # (operation, mode) -> requests
    slowest: list = field(default_factory=list)  # (seconds, operation, status)
    cut_short: set = field(default_factory=set)  # operations that ran out of their share of the budget


@pytest.fixture(scope="module")
def seeded(system):
    """The demo network, so catalogue and availability answers have something in them."""
    subprocess.run(["jastar-registry-seed"], env=system.env("registry"), check=True, capture_output=True)
    return system


@pytest.fixture(scope="module")
def schema(seeded):
    system = seeded
    loaded = schemathesis.openapi.from_url(system.url + "/openapi.json", timeout=30)
    # from_url leaves out the operation that serves the document itself (GET /openapi.json);
    # the same document from a dict keeps every operation, so nothing is skipped
    return schemathesis.openapi.from_dict(loaded.raw_schema)


@pytest.fixture(scope="module")
def member_headers(seeded):
    """A member signed in, so that the member routes' answers are checked against their schemas."""
    _, token = sign_up(seeded.url, new_phone(operator="705"), full_name="Aigerim Fuzz", birth_date="2004-05-17")
    return bearer(token)


def fuzz(schema, base_url, headers, budget=BUDGET_SECONDS):
    tally = Tally()
    operations = [result.ok() for result in schema.get_all_operations()]
    tally.operations = len(operations)
    started = time.monotonic()
    given_up = started + 2 * budget  # past this nothing more is sent, and the test fails saying what was left
    for index, operation in enumerate(operations):
        share_ends = started + budget * (index + 1) / len(operations)
        for mode in MODES:
            now = time.monotonic()
            if now > given_up:
                tally.cut_short.add(operation.label)
                continue
            # behind schedule: generate only the few cases that will be sent
            examples = EXAMPLES_PER_OPERATION if now < share_ends else AT_LEAST
            strategy = operation.as_strategy(generation_mode=mode)

            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                      print_blob=False)
            @given(case=strategy)
            def run(case):
                label = operation.label
                now = time.monotonic()
                if now > given_up or (tally.sent[(label, mode)] >= AT_LEAST and now > share_ends):
                    tally.cut_short.add(label)
                    return
                for header in CREDENTIALS:  # the caller is who the test says, not a generated credential
                    if case.headers and header in case.headers:
                        del case.headers[header]
                tally.sent[(label, mode)] += 1
                sent = time.monotonic()
                try:
                    response = case.call(base_url=base_url, headers=headers, timeout=REQUEST_SECONDS)
                except Exception as exc:  # the transport failed: the gateway hung up or timed out
                    tally.unexpected[(label, type(exc).__name__)] = str(exc)[:300]
                    return
                tally.slowest = sorted(tally.slowest + [(time.monotonic() - sent, label, response.status_code)],
                                       reverse=True)[:5]
                tally.requests += 1
                tally.statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except FailureGroup as group:
                    record(tally, label, response, case, headers, group.exceptions)
                except Failure as failure:
                    record(tally, label, response, case, headers, [failure])

            try:
                run()
            except Unsatisfiable:
                # an operation without parameters or body has no invalid request to make: say so
                if mode is GenerationMode.POSITIVE:
                    raise
                tally.nothing_to_negate.append(operation.label)
    return tally


def record(tally, label, response, case, headers, failures):
    for failure in failures:
        if failure.title == "Server error" or response.status_code >= 500:
            tally.server_errors.setdefault((label, response.status_code),
                                           case.as_curl_command(headers=headers))
        else:
            tally.schema_violations.setdefault((label, response.status_code, failure.title),
                                               f"{failure.message[:600]}\n{case.as_curl_command(headers=headers)}")


def report(name, tally, seconds):
    print(f"\nschemathesis ({name}): {tally.operations} operations, {tally.requests} requests in "
          f"{seconds:.0f}s, statuses {dict(sorted(tally.statuses.items()))}; "
          f"{len(tally.server_errors)} server errors, {len(tally.schema_violations)} schema violations, "
          f"{len(tally.unexpected)} transport errors")
    print(f"  no invalid input to generate for {len(tally.nothing_to_negate)} operations: "
          f"{', '.join(tally.nothing_to_negate)}")
    print("  slowest: " + ", ".join(f"{label} {status} {took:.2f}s" for took, label, status in tally.slowest))
    if tally.cut_short:
        print(f"  the time budget cut short {len(tally.cut_short)} operations: {', '.join(sorted(tally.cut_short))}")
    for (label, status), curl in sorted(tally.server_errors.items()):
        print(f"  SERVER ERROR {status} {label}\n    {curl}")
    for (label, status, title), message in sorted(tally.schema_violations.items()):
        print(f"  SCHEMA VIOLATION {status} {label}: {title}\n    " + message.replace("\n", "\n    "))
    for (label, error), message in sorted(tally.unexpected.items()):
        print(f"  TRANSPORT ERROR {label}: {error}: {message}")


# beyond twice the budget: one last request, and the module's set-up (the first caller pays it)
@pytest.mark.slow  # the fuzzing run
@pytest.mark.timeout(2 * BUDGET_SECONDS + REQUEST_SECONDS + 180)
@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_the_gateway_keeps_its_openapi_contract(system, schema, caller, request):
    document = requests.get(system.url + "/openapi.json", timeout=30).json()
    declared = {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item}
    loaded = {result.ok().label for result in schema.get_all_operations()}
    assert loaded == declared, "every operation the document declares is fuzzed"
    started = time.monotonic()
    headers = CALLERS[caller] if CALLERS[caller] is not None else request.getfixturevalue("member_headers")
    tally = fuzz(schema, system.url, headers)
    report(caller, tally, time.monotonic() - started)
    assert tally.operations >= 40 and tally.requests >= tally.operations * len(MODES)
    unfuzzed = [f"{operation.label} {mode.value}" for operation in (r.ok() for r in schema.get_all_operations())
                for mode in MODES if not tally.sent[(operation.label, mode)]
                and not (mode is GenerationMode.NEGATIVE and operation.label in tally.nothing_to_negate)]
    assert unfuzzed == [], "every operation gets requests of each kind (twice the time budget ran out)"
    assert sorted(tally.server_errors) == []
    assert sorted(tally.schema_violations) == []
    assert sorted(tally.unexpected) == []



# What the fuzzing found, pinned down: text PostgreSQL cannot store (a NUL character, or a
# lone UTF-16 surrogate that JSON lets through) must be refused as invalid input (400),
# wherever it comes in: a path id, a query parameter, a JSON body.
UNSTORABLE = [
    ("GET", "/v1/centers/a%00b", None),
    ("GET", "/v1/centers?q=a%00b", None),
    ("GET", "/v1/centers?district_id=a%00", None),
    ("GET", "/v1/programmes/x%00", None),
    ("GET", "/v1/bookings/a%00b", None),
    ("GET", "/v1/members/a%00b", None),
    ("GET", "/v1/webhooks/a%00b/deliveries", None),
    ("POST", "/v1/api-keys", '{"name": "a\\u0000b"}'),
    ("POST", "/v1/api-keys", '{"name": "a\\ud992b"}'),
    ("POST", "/v1/bookings", '{"kind": "consultation", "member_id": "a\\u0000b", "service_id": "jobs", '
                             '"starts_at": "2030-01-07T10:00:00+05:00"}'),
    ("POST", "/v1/bookings", '{"kind": "consultation", "member_id": "a\\ud992b", "service_id": "jobs", '
                             '"starts_at": "2030-01-07T10:00:00+05:00"}'),
]


@pytest.mark.parametrize("method, path, raw", UNSTORABLE, ids=[f"{m} {p} {b or ''}" for m, p, b in UNSTORABLE])
def test_text_postgresql_cannot_store_is_a_400_not_a_500(system, method, path, raw):
    response = requests.request(method, system.url + path, data=raw.encode() if raw else None,
                                headers={"X-Api-Key": ADMIN_KEY, "Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 400, f"{response.status_code} {response.text[:200]}"
    assert response.json()["code"] == "invalid_input"


def test_the_webhook_list_is_the_documented_object(system):
    """OpenAPI says GET /v1/webhooks answers {items}; the route passes on the bare list the
    notifications service returns."""
    response = requests.get(system.url + "/v1/webhooks", headers={"X-Api-Key": ADMIN_KEY}, timeout=30)
    assert response.status_code == 200
    assert isinstance(response.json(), dict) and isinstance(response.json().get("items"), list), response.text[:200]


@pytest.mark.parametrize("path, content_type", [("/docs", "text/html"), ("/asyncapi.yaml", "application/yaml")])
def test_the_document_says_what_the_meta_pages_are(system, path, content_type):
    """The OpenAPI document declares every 2xx as application/json; /docs is HTML and
    /asyncapi.yaml is YAML."""
    document = requests.get(system.url + "/openapi.json", timeout=30).json()
    declared = document["paths"][path]["get"]["responses"]["200"].get("content", {})
    served = requests.get(system.url + path, timeout=30).headers["Content-Type"]
    assert served.startswith(content_type)
    assert content_type in declared, f"{path} is served as {served}, documented as {sorted(declared)}"


# Also found by the fuzzing: dates at the ends of the calendar overflow when turned into
# local-day bounds; a date the service cannot work with is invalid input (400), not a 500.
EDGE_DATES = [
    "/v1/centers/karasai-yrc/day?date=0001-01-01",
    "/v1/centers/karasai-yrc/day?date=9999-12-31",
    "/v1/availability?service_id=jobs&from=0001-01-01&to=0001-01-03",
    "/v1/availability?service_id=jobs&from=9999-12-29&to=9999-12-31",
    "/v1/availability?space_id=karasai-sewing&from=9999-12-29&to=9999-12-31",
]


@pytest.mark.parametrize("path", EDGE_DATES)
def test_a_date_at_the_end_of_the_calendar_is_not_a_500(seeded, path):
    response = requests.get(seeded.url + path, headers={"X-Api-Key": ADMIN_KEY}, timeout=30)
    assert response.status_code < 500, f"{response.status_code} {response.text[:200]}"

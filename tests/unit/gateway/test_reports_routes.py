"""The reports routes' formats: CSV that a spreadsheet opens cleanly, chosen
by ?format=csv or Accept, and an OpenAPI that shows both."""
import csv
import io
from datetime import date
from types import SimpleNamespace

import eventlet
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from jastar_gateway import openapi, service  # noqa: F401  (registers every route)
from jastar_gateway.problems import ServiceUnavailable
from jastar_gateway.routes import Calls
from jastar_gateway.routes.reports import ReportRoutes, _wants_csv, to_csv


def test_csv_has_a_bom_a_header_and_empty_cells_for_null():
    text = to_csv({"columns": ["level", "id", "youth_population", "members_served"],
                   "rows": [{"level": "district", "id": "Қарасай, аудан", "youth_population": None,
                             "members_served": "<5"}]})
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["level", "id", "youth_population", "members_served"],
                    ["district", "Қарасай, аудан", "", "<5"]]


def request(accept=None):
    headers = {"Accept": accept} if accept else {}
    return Request(EnvironBuilder(headers=headers).get_environ())


def test_csv_is_chosen_by_the_format_parameter_or_accept():
    assert _wants_csv(request(), {"format": "csv"})
    assert not _wants_csv(request("text/csv"), {"format": "json"})
    assert _wants_csv(request("text/csv"), {})
    assert not _wants_csv(request("*/*"), {})
    assert not _wants_csv(request(), {})
    assert not _wants_csv(request("application/json, text/csv;q=0.5"), {})


def test_openapi_shows_each_report_as_json_and_csv_for_staff_and_admins():
    paths = openapi.build()["paths"]
    for name in ("overview", "districts", "daily", "reach", "consultations", "specialists", "spaces", "waitlists",
                 "waiting", "members"):
        get = paths[f"/v1/reports/{name}"]["get"]
        content = get["responses"]["200"]["content"]
        assert content["application/json"]["schema"]["$ref"].endswith("Report")
        assert "text/csv" in content
        assert get["security"] == [{"bearer": []}, {"apiKey": []}]


def test_a_report_leaves_through_its_schema_whole():
    from jastar_gateway.examples import EXAMPLES
    from jastar_gateway.routes import reports
    assert len(reports.REPORTS) == 10
    for name, schema in reports.REPORTS.items():
        example = EXAMPLES[f"{name.capitalize()}Report"]
        assert schema.__name__ == f"{name.capitalize()}Report" and schema().dump(example) == example


class _Rpc:
    """The worker's RPC proxy: each service answers after `seconds`."""

    def __init__(self, seconds):
        self.context_data, self.seconds = {}, seconds

    def __getitem__(self, service):
        def answer(*args, **kwargs):
            eventlet.sleep(self.seconds)
            return {"service": service}
        return SimpleNamespace(report=answer, list_reports=answer)


class _Routes(ReportRoutes, Calls):
    settings = SimpleNamespace(rpc_timeout_seconds=0.05, report_timeout_seconds=1.0)

    def __init__(self, seconds):
        self.rpc = _Rpc(seconds)


def test_a_report_may_take_longer_than_other_calls_but_not_for_ever():
    asked = request()
    asked.jastar_query = {"from_": date(2026, 1, 1), "to": date(2026, 12, 31)}
    assert _Routes(0.2).report(asked, "overview") == {"service": "reports"}  # past RPC_TIMEOUT_SECONDS
    with pytest.raises(ServiceUnavailable):  # the other calls keep theirs
        _Routes(0.2).call("reports", "list_reports")
    slow = _Routes(0.2)
    slow.settings = SimpleNamespace(rpc_timeout_seconds=0.05, report_timeout_seconds=0.1)
    with pytest.raises(ServiceUnavailable):
        slow.report(asked, "overview")

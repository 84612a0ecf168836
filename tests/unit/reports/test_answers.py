"""Each report's answer leaves the service through its schema: the JSON the
gateway passes on (through the schema its OpenAPI shows) is the service's,
unchanged, and an export keeps its "<5"."""
import json

import pytest

from jastar_gateway.routes.reports import REPORTS as GATEWAY
from jastar_reports import schemas
from jastar_reports.domain import reports
from jastar_reports.domain.figures import REPORTS

from .world import ADMIN, NOW, SETTINGS, WEEK


def answer(uow_factory, name, export=False):
    built = reports.build(uow_factory(), ADMIN, name, WEEK, SETTINGS, NOW, export=export)
    return built, schemas.ANSWERS[name]().dump(built)


def _fields(schema):
    return set(schema().fields)


@pytest.mark.parametrize("name", list(REPORTS))
def test_an_answer_has_the_fields_the_gateway_shows(name):
    ours, theirs = schemas.ANSWERS[name], GATEWAY[name]
    assert ours.__name__ == theirs.__name__ == f"{name.capitalize()}Report"
    assert _fields(ours) == _fields(theirs)
    rows = (schema().fields["rows"].inner.nested for schema in (ours, theirs))
    assert _fields(next(rows)) == _fields(next(rows)) == set(REPORTS[name].columns)


@pytest.mark.parametrize("name", list(REPORTS))
def test_the_gateway_passes_an_answer_on_unchanged(live, name):
    built, dumped = answer(live, name)
    assert dumped["rows"] == built["rows"] and dumped["rows"]
    assert (dumped["from"], dumped["to"], dumped["generated_at"]) == ("2026-03-02", "2026-03-08",
                                                                      "2026-03-09T04:00:00+00:00")
    wire = json.loads(json.dumps(dumped))  # as RPC carries it
    assert GATEWAY[name]().dump(wire) == wire


def test_an_export_keeps_suppressed_counts_and_nulls(live):
    built, dumped = answer(live, "overview", export=True)
    assert dumped["suppressed"] is True and dumped["rows"] == built["rows"]
    karasai = next(r for r in dumped["rows"] if r["centre_id"] == "karasai-yrc")
    assert karasai["served"] == "<5" and karasai["no_show_rate"] is None and karasai["bookings"] == 6


def test_the_list_of_reports_names_each_with_its_columns():
    dumped = schemas.ReportInfoSchema(many=True).dump(reports.available())
    assert dumped == [{"name": name, "columns": list(report.columns)} for name, report in REPORTS.items()]

"""Building a report for a caller: the scope they may see, the figures, and
for exports the suppression of small counts."""

from jastar_common.clock import utcnow
from jastar_common.errors import InvalidInput

from . import figures, scope as scopes

SMALL = 5  # a count below this could point at one young person: never exported
SUPPRESSED = "<5"


def suppress(rows, report):
    """Counts from 1 to 4 become "<5"; a figure computed from a suppressed
    count becomes null (it would give the count back). Zero stays zero."""
    out = []
    for row in rows:
        hidden = {name for name in report.counts if isinstance(row.get(name), int) and 0 < row[name] < SMALL}
        clean = {name: SUPPRESSED if name in hidden else value for name, value in row.items()}
        for name, inputs in report.derived.items():
            if hidden.intersection(inputs):
                clean[name] = None
        out.append(clean)
    return out


def build(uow, caller, name, query, settings, export=False):
    """{"report", "from", "to", "generated_at", "suppressed", "columns", "rows"}."""
    report = figures.REPORTS.get(name)
    if report is None:
        raise InvalidInput("unknown report", fields={"report": [f"one of {', '.join(figures.REPORTS)}"]})
    with uow:
        scope = scopes.resolve(caller, query, uow.copies.all)
        rows = report.build(uow, scope, settings)
    return {
        "report": name, "from": scope.date_from.isoformat(), "to": scope.date_to.isoformat(),
        "generated_at": utcnow().isoformat(),
        "suppressed": export, "columns": list(report.columns),
        "rows": suppress(rows, report) if export else rows,
    }

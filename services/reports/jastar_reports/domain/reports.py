"""Building a report for a caller: the scope they may see (access.py), the
figures, and for exports the suppression of small counts."""
from dataclasses import dataclass
from datetime import date, timedelta

from jastar_common.errors import InvalidInput

from . import access, figures

MAX_DAYS = 366
SMALL = 5  # a count below this could point at one young person: never exported
SUPPRESSED = "<5"


@dataclass(frozen=True)
class Scope:
    """Which centres, for which period of Almaty days (both included)."""
    date_from: date
    date_to: date
    centres: dict      # id -> centre copy (with "id"), the centres reported on
    districts: dict    # id -> district copy, the districts those centres are in (all, for admins)
    regions: dict      # id -> region copy
    everything: bool   # no centre or district filter and an admin: registrations without a district count

    @property
    def days(self):
        return [self.date_from + timedelta(days=n) for n in range((self.date_to - self.date_from).days + 1)]


def resolve(caller, query, copies):
    """`query` is loaded by schemas.ReportQuerySchema; `copies(kind)` gives
    registry copies as dicts with "id"."""
    access.check_reader(caller)
    date_from, date_to = query["from"], query["to"]
    if date_to < date_from:
        raise InvalidInput("to is before from", fields={"to": ["must not be before from"]})
    if (date_to - date_from).days >= MAX_DAYS:
        raise InvalidInput("period too long", fields={"to": [f"at most {MAX_DAYS} days after from"]})
    centres = {c["id"]: c for c in copies("centre")}
    districts = {d["id"]: d for d in copies("district")}
    centre_id, district_id = query.get("centre_id"), query.get("district_id")
    if centre_id is not None and centre_id not in centres:
        raise InvalidInput("unknown centre", fields={"centre_id": [f"no centre {centre_id!r}"]})
    if district_id is not None and district_id not in districts:
        raise InvalidInput("unknown district", fields={"district_id": [f"no district {district_id!r}"]})
    access.check_centre(caller, centre_id)
    visible = {cid: c for cid, c in centres.items() if access.sees(caller, cid)
               and (centre_id is None or cid == centre_id)
               and (district_id is None or c.get("district_id") == district_id)}
    everything = access.sees_everything(caller, centre_id, district_id)
    if everything:
        shown_districts = districts
    else:
        wanted = {c.get("district_id") for c in visible.values()}
        if access.sees_whole_district(caller, centre_id, district_id):
            wanted.add(district_id)
        shown_districts = {d: districts[d] for d in wanted if d in districts}
    regions = {r["id"]: r for r in copies("region")
               if everything or any(d.get("region_id") == r["id"] for d in shown_districts.values())}
    return Scope(date_from, date_to, visible, shown_districts, regions, everything)


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


def build(uow, caller, name, query, settings, now, export=False):
    """{"report", "from", "to", "generated_at", "suppressed", "columns", "rows"}
    (schemas.ANSWERS[name]); `now` is when it is generated (the service's clock)."""
    report = figures.REPORTS.get(name)
    if report is None:
        raise InvalidInput("unknown report", fields={"report": [f"one of {', '.join(figures.REPORTS)}"]})
    with uow:
        scope = resolve(caller, query, uow.copies.all)
        rows = report.build(uow, scope, settings)
    return {
        "report": name, "from": scope.date_from, "to": scope.date_to, "generated_at": now,
        "suppressed": export, "columns": list(report.columns),
        "rows": suppress(rows, report) if export else rows,
    }


def available():
    """Every report's name and columns."""
    return [{"name": name, "columns": list(report.columns)} for name, report in figures.REPORTS.items()]

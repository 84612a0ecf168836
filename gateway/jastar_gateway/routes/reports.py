"""Reports for staff (their centres) and admins (all): JSON for charts, CSV
for spreadsheets. Every report answers the same query (a period of Almaty
days, optionally one centre or district) with the same envelope: `columns`,
and `rows` under them. The reports service computes them; CSV exports have
counts below 5 suppressed ("<5") there."""
import csv
import io

from marshmallow import Schema, fields, validate
from werkzeug.wrappers import Response

from jastar_common.validation import StrictSchema

from .. import schemas
from ..domain.access import DESK
from ..examples import EXAMPLES
from ..http import route
from ..responses import day, page_of, timestamp
from ..schemas import ID, SANE_DATE
from . import page

CSV = "text/csv"


class ReportQuery(StrictSchema):
    """`from` and `to` are Almaty dates, both included (at most 366 days)."""
    from_ = fields.Date(required=True, validate=SANE_DATE, data_key="from")
    to = fields.Date(required=True, validate=SANE_DATE)
    centre_id = fields.String(validate=ID)
    district_id = fields.String(validate=ID)
    format = fields.String(load_default=None, validate=validate.OneOf(("json", "csv")),
                           metadata={"description": "csv: a spreadsheet download (also Accept: text/csv)"})


# --- response schemas: one envelope, a row schema per report ------------------

_N = fields.Integer
_RATE = fields.Float(allow_none=True, metadata={"description": "0 to 1; null when nothing to divide by"})


def _envelope(name, row):
    return type(name, (Schema,), {
        "report": fields.String(), "from": day(allow_none=False), "to": day(allow_none=False),
        "generated_at": timestamp(allow_none=False), "suppressed": fields.Boolean(),
        "columns": fields.List(fields.String(), metadata={"description": "the rows' keys, in CSV order"}),
        "rows": fields.List(fields.Nested(row)),
    })


class OverviewRow(Schema):
    centre_id, district_id = fields.String(), fields.String()
    bookings, served, members_served, new_members = _N(), _N(), _N(), _N()
    no_shows, cancelled, late_cancellations, rejected = _N(), _N(), _N(), _N()
    no_show_rate, cancellation_rate = _RATE, _RATE


class DistrictsRow(Schema):
    district_id = fields.String()
    bookings, served, members_served, new_members = _N(), _N(), _N(), _N()
    no_shows, cancelled, late_cancellations, rejected = _N(), _N(), _N(), _N()
    no_show_rate, cancellation_rate = _RATE, _RATE


class DailyRow(Schema):
    date, centre_id = day(allow_none=False), fields.String()
    bookings, served, members_served, no_shows, cancelled, late_cancellations = _N(), _N(), _N(), _N(), _N(), _N()


class ReachRow(Schema):
    level = fields.String(validate=validate.OneOf(("region", "district", "centre")))
    id, district_id = fields.String(), fields.String(allow_none=True)
    youth_population = fields.Integer(allow_none=True, metadata={"description": "null: unknown"})
    members_served, new_members = _N(), _N()
    share_of_youth = fields.Float(allow_none=True, metadata={"description": "null when the population is unknown"})


class ConsultationsRow(Schema):
    centre_id, service_id, topic = fields.String(), fields.String(), fields.String(allow_none=True)
    partner_id = fields.String(allow_none=True)
    consultations, served, no_shows, cancelled = _N(), _N(), _N(), _N()
    no_show_rate = _RATE


class SpecialistsRow(Schema):
    centre_id, specialist_id, partner_id = fields.String(), fields.String(), fields.String(allow_none=True)
    scheduled_hours, booked_hours = fields.Float(), fields.Float()
    booked_share = _RATE


class SpacesRow(Schema):
    centre_id, space_id, space_kind = fields.String(), fields.String(), fields.String(allow_none=True)
    weekday = fields.String(validate=validate.OneOf(("mon", "tue", "wed", "thu", "fri", "sat", "sun")))
    hour = fields.Integer(metadata={"description": "local hour, 0 to 23"})
    open_hours, booked_hours = fields.Float(), fields.Float()
    use = _RATE


class WaitlistsRow(Schema):
    centre_id = fields.String()
    joined, offers_made, accepted, declined, expired = _N(), _N(), _N(), _N(), _N()
    median_hours_to_seat = fields.Float(allow_none=True)


class WaitingRow(Schema):
    service_id, topic = fields.String(), fields.String(allow_none=True)
    consultations = _N()
    median_days, p90_days = fields.Float(allow_none=True), fields.Float(allow_none=True)


class MembersRow(Schema):
    centre_id = fields.String()
    age_band = fields.String(validate=validate.OneOf(("14-17", "18-24", "25-29", "30-35", "unknown")))
    members, first_visit, returning = _N(), _N(), _N()


# each report's schema, by its name in the URL: OverviewReport, DistrictsReport, ...
REPORTS = {row.__name__.removesuffix("Row").lower(): _envelope(row.__name__.replace("Row", "Report"), row)
           for row in (OverviewRow, DistrictsRow, DailyRow, ReachRow, ConsultationsRow, SpecialistsRow,
                       SpacesRow, WaitlistsRow, WaitingRow, MembersRow)}


class ReportInfo(Schema):
    name = fields.String()
    columns = fields.List(fields.String())


ReportPage = page_of(ReportInfo, "ReportPage")


# one example per report: rows of the demo figures (a week in Karasai)
_ROWS = {
    "Overview": {"centre_id": "karasai-yrc", "district_id": "karasai", "bookings": 6, "served": 3,
                 "members_served": 2, "new_members": 2, "no_shows": 1, "cancelled": 2, "late_cancellations": 1,
                 "rejected": 0, "no_show_rate": 0.25, "cancellation_rate": 0.3333},
    "Districts": {"district_id": "karasai", "bookings": 6, "served": 3, "members_served": 2, "new_members": 2,
                  "no_shows": 1, "cancelled": 2, "late_cancellations": 1, "rejected": 0, "no_show_rate": 0.25,
                  "cancellation_rate": 0.3333},
    "Daily": {"date": "2026-03-02", "centre_id": "karasai-yrc", "bookings": 5, "served": 2, "members_served": 2,
              "no_shows": 1, "cancelled": 2, "late_cancellations": 1},
    "Reach": {"level": "district", "id": "karasai", "district_id": "karasai", "youth_population": 82000,
              "members_served": 2, "new_members": 1, "share_of_youth": 0.000024},
    "Consultations": {"centre_id": "karasai-yrc", "service_id": "jobs", "topic": "jobs",
                      "partner_id": "career-centre", "consultations": 5, "served": 2, "no_shows": 1,
                      "cancelled": 2, "no_show_rate": 0.3333},
    "Specialists": {"centre_id": "karasai-yrc", "specialist_id": "career-consultant",
                    "partner_id": "career-centre", "scheduled_hours": 4.0, "booked_hours": 1.5,
                    "booked_share": 0.375},
    "Spaces": {"centre_id": "karasai-yrc", "space_id": "karasai-studio", "space_kind": "recording_studio",
               "weekday": "mon", "hour": 15, "open_hours": 1.0, "booked_hours": 1.0, "use": 1.0},
    "Waitlists": {"centre_id": "karasai-yrc", "joined": 2, "offers_made": 2, "accepted": 1, "declined": 0,
                  "expired": 1, "median_hours_to_seat": 5.0},
    "Waiting": {"service_id": "jobs", "topic": "jobs", "consultations": 4, "median_days": 3.0, "p90_days": 3.0},
    "Members": {"centre_id": "karasai-yrc", "age_band": "18-24", "members": 2, "first_visit": 2, "returning": 0},
}
EXAMPLES.update({f"{name}Report": {
    "report": name.lower(), "from": "2026-03-02", "to": "2026-03-08", "generated_at": "2026-03-09T04:00:00+00:00",
    "suppressed": False, "columns": list(row), "rows": [row]} for name, row in _ROWS.items()})
EXAMPLES["ReportPage"] = {"items": [{"name": "waiting", "columns": list(_ROWS["Waiting"])}], "total": 9,
                          "limit": 1, "offset": 7}


def to_csv(report):
    """UTF-8 with a byte order mark (so Excel reads Cyrillic names right),
    a header row, CRLF line ends; null is an empty cell."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(report["columns"])
    for row in report["rows"]:
        writer.writerow(["" if row.get(name) is None else row[name] for name in report["columns"]])
    return out.getvalue()


def _wants_csv(request, query):
    if query.get("format"):
        return query["format"] == "csv"
    accept = request.accept_mimetypes
    return accept[CSV] > accept["application/json"]


def _report(name, what):
    """The route of one report: GET /v1/reports/<name>, answered by ReportRoutes.report."""
    @route("GET", f"/v1/reports/{name}", f"Report: {what} (JSON or CSV)", "reports", roles=DESK,
           query=ReportQuery, content_type=CSV, response=REPORTS[name])
    def handler(self, request):
        return self.report(request, name)
    return handler


class ReportRoutes:
    def report(self, request, name):
        query = dict(request.jastar_query)
        as_csv = _wants_csv(request, query)
        query.pop("format", None)
        query["from"] = query.pop("from_").isoformat()
        query["to"] = query["to"].isoformat()
        # a year's figures take seconds to compute: not the 10 s of a desk's call
        result = self.call("reports", "report", name, query, export=as_csv,
                           timeout=self.settings.report_timeout_seconds)
        if not as_csv:
            return result
        filename = f"jastar-{name}-{result['from']}-{result['to']}.csv"
        return Response(to_csv(result), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    @route("GET", "/v1/reports", "The reports there are, and their columns", "reports", roles=DESK,
           query=schemas.Page, response=ReportPage)
    def list_reports(self, request):
        return page(self.call("reports", "list_reports"), request.jastar_query)

    report_overview = _report("overview", "bookings, people served, no-shows and cancellations per centre")
    report_districts = _report("districts", "the overview per district (people counted once across its centres)")
    report_daily = _report("daily", "the same counts per day and centre, for line charts")
    report_reach = _report("reach", "members served and new, against the youth population")
    report_consultations = _report("consultations", "consultations by service and partner organisation")
    report_specialists = _report("specialists", "specialists' booked share of their scheduled hours")
    report_spaces = _report("spaces", "space hours booked against open, per hour of the week")
    report_waitlists = _report("waitlists", "waitlist offers and the time from joining to a seat")
    report_waiting = _report("waiting", "days from the booking request to the consultation, per service")
    report_members = _report("members", "members served by age band, first visit or returning")

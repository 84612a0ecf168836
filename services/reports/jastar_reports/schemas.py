"""Reports' boundaries: the query every report takes, and each report's
answer (one envelope; its rows under the report's columns, typed here)."""
from marshmallow import Schema, fields, validate

from jastar_common.validation import StrictSchema, UtcDateTime

from .domain.figures import REPORTS
from .domain.reports import SUPPRESSED

_ID = validate.Length(min=1, max=40)

# a period of Almaty days (both included), and optionally one centre or district
# ("from" is a Python keyword, hence from_dict)
ReportQuerySchema = StrictSchema.from_dict({
    "from": fields.Date(required=True),
    "to": fields.Date(required=True),
    "centre_id": fields.String(load_default=None, validate=_ID),
    "district_id": fields.String(load_default=None, validate=_ID),
}, name="ReportQuerySchema")


class Count(fields.Integer):
    """A count of people or bookings; in an export, one below 5 is "<5"."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if value == SUPPRESSED else super()._serialize(value, attr, obj, **kwargs)


def _text():
    return fields.String(allow_none=True)


def _whole():
    return fields.Integer(allow_none=True)


def _figure():
    """A rate, hours or days: null when there is nothing to divide by, it is
    unknown, or (in an export) it would give a suppressed count back."""
    return fields.Float(allow_none=True)


# the field of each column that is not one of its report's counts
_COLUMNS = {
    **dict.fromkeys(("level", "id", "date", "centre_id", "district_id", "service_id", "topic", "partner_id",
                     "specialist_id", "space_id", "space_kind", "weekday", "age_band"), _text),
    **dict.fromkeys(("hour", "youth_population"), _whole),
    **dict.fromkeys(("no_show_rate", "cancellation_rate", "share_of_youth", "scheduled_hours", "booked_hours",
                     "booked_share", "open_hours", "use", "median_hours_to_seat", "median_days", "p90_days"),
                    _figure),
}


def _answer(name, report):
    """<Name>Report: the envelope, with rows of exactly the report's columns."""
    title = name.capitalize()
    row = Schema.from_dict({column: Count() if column in report.counts else _COLUMNS[column]()
                            for column in report.columns}, name=f"{title}Row")
    return Schema.from_dict({
        "report": fields.String(), "from": fields.Date(), "to": fields.Date(),
        "generated_at": UtcDateTime(), "suppressed": fields.Boolean(),
        "columns": fields.List(fields.String()), "rows": fields.List(fields.Nested(row)),
    }, name=f"{title}Report")


# each report's answer, by its name: OverviewReport, DistrictsReport, ...
ANSWERS = {name: _answer(name, report) for name, report in REPORTS.items()}

ReportInfoSchema = Schema.from_dict({"name": fields.String(), "columns": fields.List(fields.String())},
                                    name="ReportInfoSchema")

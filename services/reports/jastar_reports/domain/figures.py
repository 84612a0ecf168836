"""The figures, computed from facts for a scope (centres and a period of
Almaty days). Each report is a list of flat rows (one table, so that JSON and
CSV say the same) under named columns. Bookings count on the local day they
start; waitlist entries on the day they joined; members on the day they
registered."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from jastar_common.ages import BAND_NAMES

from . import hours

SERVED = ("checked_in", "completed")
HELD = ("pending", "confirmed", "checked_in", "completed", "no_show")  # took the time
OFFERED = ("offered", "accepted", "declined", "expired")
UNKNOWN_BAND = "unknown"


@dataclass(frozen=True)
class Report:
    build: object
    columns: tuple
    counts: tuple = ()              # counts of people or bookings: suppressed below 5 in exports
    derived: dict = field(default_factory=dict)  # column -> the counts it is computed from


def _rate(part, whole):
    return None if not whole else round(part / whole, 4)


def _round(value, digits=2):
    return None if value is None else round(value, digits)


def quantile(values, q):
    """The median (the mean of the two middle values of an even count), or the
    nearest-rank quantile q; None when there is nothing."""
    ordered = sorted(values)
    if not ordered:
        return None
    if q == 0.5:
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    rank = max(1, -(-len(ordered) * q // 1))  # ceil(n * q)
    return ordered[int(rank) - 1]


def _bookings(uow, scope):
    return uow.booking_facts.in_period(scope.date_from, scope.date_to, list(scope.centres))


def _is_late(fact, settings):
    # settings: the service's ReportsSettings (late_cancel)
    return fact["state"] == "cancelled" and fact["changed_at"] > fact["starts_at"] - settings.late_cancel


def _counts(facts, settings):
    served = [f for f in facts if f["state"] in SERVED]
    out = {
        "bookings": len(facts),
        "served": len(served),
        "members_served": len({f["member_hash"] for f in served}),
        "no_shows": sum(f["state"] == "no_show" for f in facts),
        "cancelled": sum(f["state"] == "cancelled" for f in facts),
        "late_cancellations": sum(_is_late(f, settings) for f in facts),
        "rejected": sum(f["state"] == "rejected" for f in facts),
    }
    out["no_show_rate"] = _rate(out["no_shows"], out["served"] + out["no_shows"])
    out["cancellation_rate"] = _rate(out["cancelled"], out["bookings"])
    return out


def _first_visits(uow, facts):
    """{member hash: the member's first served booking ever} for the members served in `facts`."""
    return uow.booking_facts.first_visits({f["member_hash"] for f in facts if f["state"] in SERVED})


def _is_first(fact, first):
    known = first.get(fact["member_hash"])
    return known is not None and known["booking_id"] == fact["booking_id"]


# --- the reports --------------------------------------------------------------

def overview(uow, scope, settings):
    facts = _bookings(uow, scope)
    by_centre = defaultdict(list)
    for fact in facts:
        by_centre[fact["centre_id"]].append(fact)
    first = _first_visits(uow, facts)
    rows = []
    for centre_id in sorted(scope.centres):
        mine = by_centre.get(centre_id, [])
        rows.append({"centre_id": centre_id, "district_id": scope.centres[centre_id].get("district_id"),
                     **_counts(mine, settings),
                     "new_members": sum(_is_first(f, first) for f in mine)})
    return rows


def districts(uow, scope, settings):
    """The overview's figures per district, over the centres seen there
    (unique members and rates do not add up from the centres' rows)."""
    facts = _bookings(uow, scope)
    first = _first_visits(uow, facts)
    rows = []
    for district_id in sorted({c.get("district_id") for c in scope.centres.values()} - {None}):
        mine = [f for f in facts if scope.centres[f["centre_id"]].get("district_id") == district_id]
        rows.append({"district_id": district_id, **_counts(mine, settings),
                     "new_members": len({f["member_hash"] for f in mine if _is_first(f, first)})})
    return rows


def daily(uow, scope, settings):
    """One row per day and centre with any booking: the series a chart draws."""
    by_key = defaultdict(list)
    for fact in _bookings(uow, scope):
        by_key[(fact["day"], fact["centre_id"])].append(fact)
    rows = []
    for day in scope.days:
        for centre_id in sorted(scope.centres):
            counts = _counts(by_key.get((day, centre_id), []), settings)
            rows.append({"date": day.isoformat(), "centre_id": centre_id,
                         **{k: counts[k] for k in DAILY_COUNTS}})
    return rows


DAILY_COUNTS = ("bookings", "served", "members_served", "no_shows", "cancelled", "late_cancellations")


def reach(uow, scope, settings):
    """Unique members served, and new members, against the youth population:
    the region, each district, each centre. A population nobody entered is
    null (unknown), and so is the share."""
    facts = [f for f in _bookings(uow, scope) if f["state"] in SERVED]
    first = _first_visits(uow, facts)
    registered = defaultdict(int)
    for row in uow.member_facts.registrations(scope.date_from, scope.date_to):
        registered[row["district_id"]] += row["count"]

    def row(level, obj_id, district_id, population, mine, new):
        served = len({f["member_hash"] for f in mine})
        return {"level": level, "id": obj_id, "district_id": district_id, "youth_population": population,
                "members_served": served, "new_members": new,
                "share_of_youth": None if not population else round(served / population, 8)}

    rows = []
    for region_id, region in sorted(scope.regions.items()):
        districts = [d for d, data in scope.districts.items() if data.get("region_id") == region_id]
        mine = [f for f in facts if scope.centres[f["centre_id"]].get("district_id") in districts]
        new = sum(registered[d] for d in districts) + (registered[None] if scope.everything else 0)
        rows.append(row("region", region_id, None, region.get("youth_population"), mine, new))
    for district_id, district in sorted(scope.districts.items()):
        mine = [f for f in facts if scope.centres[f["centre_id"]].get("district_id") == district_id]
        rows.append(row("district", district_id, district_id, district.get("youth_population"), mine,
                        registered[district_id]))
    for centre_id, centre in sorted(scope.centres.items()):
        mine = [f for f in facts if f["centre_id"] == centre_id]
        rows.append(row("centre", centre_id, centre.get("district_id"), None, mine,
                        sum(_is_first(f, first) for f in mine)))
    return rows


def _services(uow):
    return {s["id"]: s for s in uow.copies.all("service")}


def consultations(uow, scope, settings):
    services = _services(uow)
    groups = defaultdict(list)
    for fact in _bookings(uow, scope):
        if fact["kind"] == "consultation":
            groups[(fact["centre_id"], fact["service_id"])].append(fact)
    rows = []
    for (centre_id, service_id), mine in sorted(groups.items()):
        counts = _counts(mine, settings)
        rows.append({"centre_id": centre_id, "service_id": service_id,
                     "topic": services.get(service_id, {}).get("topic"),
                     "partner_id": services.get(service_id, {}).get("partner_id"),
                     "consultations": counts["bookings"], "served": counts["served"],
                     "no_shows": counts["no_shows"], "cancelled": counts["cancelled"],
                     "no_show_rate": counts["no_show_rate"]})
    return rows


def specialists(uow, scope, settings):
    """Each specialist's scheduled hours at a centre, the hours booked, and the share."""
    specialists = {s["id"]: s for s in uow.copies.all("specialist")}
    booked = defaultdict(list)
    for fact in _bookings(uow, scope):
        if fact["kind"] == "consultation" and fact["state"] in HELD:
            booked[(fact["centre_id"], fact["resource_id"])].append(fact)
    scheduled = defaultdict(float)
    for schedule in uow.copies.all("schedule"):
        centre = scope.centres.get(schedule.get("centre_id"))
        if centre is not None:
            scheduled[(centre["id"], schedule["specialist_id"])] += hours.scheduled_hours(
                schedule, centre, scope.date_from, scope.date_to)
    rows = []
    for centre_id, specialist_id in sorted(set(scheduled) | set(booked)):
        have = scheduled.get((centre_id, specialist_id), 0.0)
        used = hours.booked_hours(booked.get((centre_id, specialist_id), []))
        rows.append({"centre_id": centre_id, "specialist_id": specialist_id,
                     "partner_id": specialists.get(specialist_id, {}).get("partner_id"),
                     "scheduled_hours": _round(have), "booked_hours": _round(used),
                     "booked_share": _rate(used, have)})
    return rows


def spaces(uow, scope, settings):
    """Per space and hour of the week: hours open, hours booked (a space
    holding several at once, like a hall, can be booked for more hours than
    it is open), and their ratio."""
    booked = defaultdict(list)
    for fact in _bookings(uow, scope):
        if fact["kind"] == "space" and fact["state"] in HELD:
            booked[fact["resource_id"]].append(fact)
    rows = []
    for space in sorted(uow.copies.all("space"), key=lambda s: s["id"]):
        centre = scope.centres.get(space.get("centre_id"))
        if centre is None:
            continue
        opened = hours.open_hours_by_hour(centre, space, scope.date_from, scope.date_to)
        used = hours.booked_hours_by_hour(booked.get(space["id"], []))
        for weekday, hour in sorted(set(opened) | set(used), key=_hour_of_week):
            have, taken = opened.get((weekday, hour), 0.0), used.get((weekday, hour), 0.0)
            rows.append({"centre_id": centre["id"], "space_id": space["id"], "space_kind": space.get("kind"),
                         "weekday": weekday, "hour": hour, "open_hours": _round(have),
                         "booked_hours": _round(taken), "use": _rate(taken, have)})
    return rows


def _hour_of_week(key):
    return hours.WEEKDAY_KEYS.index(key[0]), key[1]


def waitlists(uow, scope, settings):
    groups = defaultdict(list)
    for fact in uow.waitlist_facts.in_period(scope.date_from, scope.date_to, list(scope.centres)):
        groups[fact["centre_id"]].append(fact)
    rows = []
    for centre_id in sorted(scope.centres):
        mine = groups.get(centre_id, [])
        seated = [(f["changed_at"] - f["joined_at"]) / timedelta(hours=1) for f in mine
                  if f["state"] == "accepted"]
        rows.append({"centre_id": centre_id, "joined": len(mine),
                     "offers_made": sum(f["state"] in OFFERED for f in mine),
                     "accepted": len(seated),
                     "declined": sum(f["state"] == "declined" for f in mine),
                     "expired": sum(f["state"] == "expired" for f in mine),
                     "median_hours_to_seat": _round(quantile(seated, 0.5))})
    return rows


def waiting(uow, scope, settings):
    """Days from the booking request to the consultation, per service, for
    the consultations that took place or were due to (not cancelled or rejected)."""
    services = _services(uow)
    groups = defaultdict(list)
    for fact in _bookings(uow, scope):
        if fact["kind"] == "consultation" and fact["state"] in HELD:
            groups[fact["service_id"]].append((fact["starts_at"] - fact["requested_at"]) / timedelta(days=1))
    return [{"service_id": service_id, "topic": services.get(service_id, {}).get("topic"),
             "consultations": len(days), "median_days": _round(quantile(days, 0.5)),
             "p90_days": _round(quantile(days, 0.9))}
            for service_id, days in sorted(groups.items())]


def members(uow, scope, settings):
    """Members served per centre and age band (the band of their last visit in
    the period), and how many of them came for the first time."""
    facts = sorted((f for f in _bookings(uow, scope) if f["state"] in SERVED), key=lambda f: f["starts_at"])
    first = _first_visits(uow, facts)
    latest, firsts = {}, set()
    for fact in facts:
        key = (fact["centre_id"], fact["member_hash"])
        latest[key] = fact["age_band"] or UNKNOWN_BAND
        if _is_first(fact, first):
            firsts.add(key)
    counts = defaultdict(lambda: [0, 0])
    for key, band in latest.items():
        counts[(key[0], band)][0] += 1
        counts[(key[0], band)][1] += key in firsts
    rows = []
    for centre_id in sorted(scope.centres):
        for band in (*BAND_NAMES, UNKNOWN_BAND):
            total, new = counts.get((centre_id, band), (0, 0))
            rows.append({"centre_id": centre_id, "age_band": band, "members": total,
                         "first_visit": new, "returning": total - new})
    return rows


_RATES = {"no_show_rate": ("no_shows", "served"), "cancellation_rate": ("cancelled", "bookings")}
_OVERVIEW = ("bookings", "served", "members_served", "new_members", "no_shows", "cancelled",
             "late_cancellations", "rejected")

REPORTS = {
    "overview": Report(overview, ("centre_id", "district_id", *_OVERVIEW, "no_show_rate", "cancellation_rate"),
                       _OVERVIEW, _RATES),
    "districts": Report(districts, ("district_id", *_OVERVIEW, "no_show_rate", "cancellation_rate"),
                        _OVERVIEW, _RATES),
    "daily": Report(daily, ("date", "centre_id", *DAILY_COUNTS), DAILY_COUNTS),
    "reach": Report(reach, ("level", "id", "district_id", "youth_population", "members_served", "new_members",
                            "share_of_youth"),
                    ("members_served", "new_members"), {"share_of_youth": ("members_served",)}),
    "consultations": Report(consultations, ("centre_id", "service_id", "topic", "partner_id", "consultations",
                                            "served", "no_shows", "cancelled", "no_show_rate"),
                            ("consultations", "served", "no_shows", "cancelled"),
                            {"no_show_rate": ("no_shows", "served")}),
    "specialists": Report(specialists, ("centre_id", "specialist_id", "partner_id", "scheduled_hours",
                                        "booked_hours", "booked_share")),
    "spaces": Report(spaces, ("centre_id", "space_id", "space_kind", "weekday", "hour", "open_hours",
                              "booked_hours", "use")),
    "waitlists": Report(waitlists, ("centre_id", "joined", "offers_made", "accepted", "declined", "expired",
                                    "median_hours_to_seat"),
                        ("joined", "offers_made", "accepted", "declined", "expired"),
                        {"median_hours_to_seat": ("accepted",)}),
    "waiting": Report(waiting, ("service_id", "topic", "consultations", "median_days", "p90_days"),
                      ("consultations",), {"median_days": ("consultations",), "p90_days": ("consultations",)}),
    "members": Report(members, ("centre_id", "age_band", "members", "first_visit", "returning"),
                      ("members", "first_visit", "returning")),
}

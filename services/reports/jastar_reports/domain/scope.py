"""Who sees which centres, for which period: staff their centres, admins all."""
from dataclasses import dataclass
from datetime import date, timedelta

from jastar_common.errors import InvalidInput, NotAllowed

MAX_DAYS = 366


@dataclass(frozen=True)
class Scope:
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
    if caller.kind not in ("staff", "admin", "system"):
        raise NotAllowed("reports are for staff and admins", caller=caller.kind)
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
    if centre_id is not None and not caller.works_at(centre_id):
        raise NotAllowed("not a centre you work at", centre_id=centre_id)
    visible = {cid: c for cid, c in centres.items() if caller.works_at(cid)
               and (centre_id is None or cid == centre_id)
               and (district_id is None or c.get("district_id") == district_id)}
    everything = caller.is_privileged and centre_id is None and district_id is None
    if everything:
        shown_districts = districts
    else:
        wanted = {c.get("district_id") for c in visible.values()}
        if district_id is not None and caller.is_privileged and centre_id is None:
            wanted.add(district_id)
        shown_districts = {d: districts[d] for d in wanted if d in districts}
    regions = {r["id"]: r for r in copies("region")
               if everything or any(d.get("region_id") == r["id"] for d in shown_districts.values())}
    return Scope(date_from, date_to, visible, shown_districts, regions, everything)

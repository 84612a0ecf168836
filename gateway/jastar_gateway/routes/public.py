"""What anyone may read: the network, its centres and what they offer."""
import json
from datetime import timedelta

from jastar_common.calendar import local_date
from jastar_common.errors import InvalidInput

from .. import responses, schemas
from ..cache import AVAILABILITY, CATALOGUE
from ..http import route
from . import page


REFERENCE = "public, max-age=60"  # reference data changes seldom; ETag revalidates
LIVE = "no-cache"  # seats left change: always revalidate (a 304 when they did not)


def _listing(kind, path, summary):
    """The route of one kind's public list (GET /v1/<path>, queried by <Kind>Query,
    answered as a <Kind>Page): the registry's answer, shared a few seconds."""
    name = kind.capitalize()
    @route("GET", f"/v1/{path}", summary, "catalogue", query=getattr(schemas, f"{name}Query"),
           response=getattr(responses, f"{name}Page"), cache=REFERENCE)
    def handler(self, request):
        return self.catalogue("list", kind, request.jastar_query)
    return handler


class PublicRoutes:
    def catalogue(self, *call):
        """A registry read, shared for a few seconds by everyone who asks the same."""
        key = json.dumps(call, sort_keys=True, default=str)
        return CATALOGUE.get_or_call(key, self.settings.catalogue_cache_seconds, lambda: self.call("registry", *call))

    def booking_availability(self, ask):
        """Booking's answer to exactly this request (dates already resolved),
        shared until a booking or registry event drops it (invalidation.py)."""
        key = json.dumps(ask, sort_keys=True, default=str)
        return AVAILABILITY.get_or_call(key, self.settings.availability_cache_seconds,
                                        lambda: self.call("booking", "availability", ask))

    list_districts = _listing("district", "districts", "Districts of Almaty region, with youth numbers where known")
    list_centres = _listing("centre", "centers", "Youth resource centres (open and planned)")

    @route("GET", "/v1/centers/<string:centre_id>", "A centre with its spaces, services and partners",
           "catalogue", response=responses.CentreDetail, cache=REFERENCE)
    def get_centre(self, request, centre_id):
        centre = self.catalogue("get", "centre", centre_id)
        wide = {"centre_id": centre_id, "limit": 200}
        spaces = self.catalogue("list", "space", wide)["items"]
        services = self.catalogue("list", "service", wide)["items"]
        partner_ids = sorted({s["partner_id"] for s in services if s.get("partner_id")})
        partners = [self.catalogue("get", "partner", p) for p in partner_ids]
        return {**centre, "spaces": spaces, "services": services, "partners": partners}

    list_services = _listing("service", "services", "What members book: consultations by topic")
    list_specialists = _listing("specialist", "specialists", "Specialists who give consultations: name, title, services")
    list_programmes = _listing("programme", "programmes", "Courses, events and trainings")

    @route("GET", "/v1/programmes/<string:programme_id>", "A programme with its sessions and seats left",
           "catalogue", response=responses.ProgrammeDetail, cache=LIVE)
    def get_programme(self, request, programme_id):
        programme = self.call("registry", "get", "programme", programme_id)
        sessions = self.call("registry", "list", "session", {"programme_id": programme_id, "limit": 200})
        seats = self.booking_availability({"kind": "programme", "programme_id": programme_id})
        left = {row["resource_id"]: row for row in seats["items"]}
        for session in sessions["items"]:
            row = left.get(session["id"]) or left.get(programme_id) or {}
            session["seats_left"], session["waiting"] = row.get("seats_left"), row.get("waiting")
        return {**programme, "sessions": sessions["items"]}

    @route("GET", "/v1/availability", "Free consultation slots, free space hours, or seats left",
           "booking", query=schemas.AvailabilityQuery,
           response=responses.AvailabilityPage)
    def availability(self, request):
        query = dict(request.jastar_query)
        paging = {"limit": query.pop("limit"), "offset": query.pop("offset")}
        answer = self._availability(query)
        return {**answer, **page(answer["items"], paging)}

    def _availability(self, query):
        given = [k for k in ("service_id", "specialist_id", "space_id", "programme_id") if k in query]
        if len(given) != 1 and given != ["service_id", "specialist_id"]:
            raise InvalidInput("say what to look at", fields={
                "service_id": ["give one of service_id (optionally with specialist_id), space_id, "
                               "programme_id"]})
        # keyed only when asked, so plain requests share the cache as before
        full = {"include_full": True} if query.pop("include_full", False) else {}
        if full and "space_id" not in query:
            raise InvalidInput("include_full is for space hours",
                               fields={"include_full": ["only with space_id"]})
        if "programme_id" in query:
            return self.booking_availability({"kind": "programme", "programme_id": query["programme_id"]})
        today = local_date(self.now())  # resolved before keying: the key is the request sent
        date_from = query.get("date_from") or today
        date_to = query.get("date_to") or date_from + timedelta(days=13)
        ask = {"from": date_from.isoformat(), "to": date_to.isoformat()}
        if "space_id" in query:
            return self.booking_availability({"kind": "space", "space_id": query["space_id"],
                                              **ask, **full})
        if "service_id" not in query:
            raise InvalidInput("a specialist's slots are per service",
                               fields={"service_id": ["required with specialist_id"]})
        ask.update(kind="consultation", service_id=query["service_id"])
        if "specialist_id" in query:
            ask["specialist_id"] = query["specialist_id"]
        return self.booking_availability(ask)

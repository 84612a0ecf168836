"""The registry's nameko adapter: RPC in, schema-checked, use case, schema out.
Who may do what is decided in the use cases (domain/access.py)."""
import eventlet
from nameko.rpc import ServiceRpc

from jastar_common.calendar import assert_tzdata_current
from jastar_common.clock import Clock
from jastar_common.dependencies import Database
from jastar_common.errors import EXPECTED_ERRORS
from jastar_common.rpc import rpc
from jastar_common.service_base import JastarService
from jastar_common.settings import Settings
from jastar_common.validation import load

from . import member_schemas, schemas
from .dependencies import IinVaultProvider
from .domain import catalogue, erasure, lookups, registration
from .models import start_mappers
from .repository import RegistryUnitOfWork
from .settings import RegistrySettings

# slot times are local times in Asia/Almaty: refuse to run on a tzdata that
# predates Kazakhstan's move to UTC+5 (1 March 2024)
assert_tzdata_current()
start_mappers()

api = rpc(expected_exceptions=EXPECTED_ERRORS)


def _page(kind, items, total, query):
    return {"items": schemas.output_schema(kind, many=True).dump(items), "total": total,
            "limit": query["limit"], "offset": query["offset"]}


def _member(member):
    return member_schemas.MemberSchema().dump(member)


class RegistryService(JastarService):
    name = "registry"

    db = Database("registry", RegistryUnitOfWork)
    vault = IinVaultProvider()
    settings = Settings(RegistrySettings)
    now = Clock()
    booking = ServiceRpc("booking")  # who booked where, for staff reading members

    # reference data, the same five calls for every kind (see catalogue.KINDS)

    @api
    def list(self, kind, query=None):
        catalogue.kind_of(kind)
        query = load(schemas.list_query_schema(kind), query)
        limit, offset, q = query.pop("limit"), query.pop("offset"), query.pop("q", None)
        items, total = catalogue.search(self.db.unit_of_work(), kind, query, q, limit, offset)
        return _page(kind, items, total, {"limit": limit, "offset": offset})

    @api
    def get(self, kind, obj_id):
        return schemas.output_schema(kind).dump(catalogue.get(self.db.unit_of_work(), kind, obj_id))

    @api
    def create(self, kind, data):
        catalogue.kind_of(kind)
        obj = catalogue.create(self.db.unit_of_work(), kind, load(schemas.create_schema(kind), data),
                               caller=self.caller, now=self.now())
        return schemas.output_schema(kind).dump(obj)

    @api
    def update(self, kind, obj_id, changes):
        catalogue.kind_of(kind)
        obj = catalogue.update(self.db.unit_of_work(), kind, obj_id, load(schemas.update_schema(kind), changes),
                               caller=self.caller, now=self.now())
        return schemas.output_schema(kind).dump(obj)

    @api
    def close(self, kind, obj_id):
        obj = catalogue.close(self.db.unit_of_work(), kind, obj_id, caller=self.caller, now=self.now())
        return schemas.output_schema(kind).dump(obj)

    # members: young people, 14 to 35 (settings.member_ages)

    @api
    def register_member(self, data):
        return _member(registration.register_member(
            self.db.unit_of_work(), load(member_schemas.MemberRegistrationSchema(), data), self.vault,
            self.now(), self.settings.member_ages, caller=self.caller))

    @api
    def update_member(self, member_id, changes):
        return _member(registration.update_member(
            self.db.unit_of_work(), member_id, load(member_schemas.MemberUpdateSchema(), changes),
            self.vault, self.now(), self.settings.member_ages, caller=self.caller))

    @api
    def erase_member(self, member_id):
        return _member(erasure.erase_member(self.db.unit_of_work(), member_id, self.now(),
                                            caller=self.caller))

    @api
    def get_member(self, member_id):
        return _member(lookups.get_member(self.db.unit_of_work(), member_id, caller=self.caller,
                                          centres_booked=self._centres_booked))

    def _centres_booked(self, member_id):
        """Booking's answer: where the member has or had a booking, among the
        calling staff member's centres (the caller travels in the context)."""
        try:
            with eventlet.Timeout(self.settings.booking_rpc_timeout):
                return self.booking.member_centres(member_id)
        except eventlet.Timeout:
            # the gateway answers 503 for this type: the staff member may retry
            raise ConnectionError("booking did not answer in time") from None

    @api
    def get_members(self, member_ids):
        """For notifications: the contacts of a whole sending batch in one call
        (up to MAX_MEMBERS_PER_CALL ids). Unknown ids are left out; erased
        members come back with status "erased" and no contacts."""
        query = load(member_schemas.MemberIdsSchema(), {"member_ids": member_ids})
        found = lookups.get_members(self.db.unit_of_work(), query["member_ids"], caller=self.caller)
        return member_schemas.MemberSchema(many=True, only=member_schemas.CONTACT_FIELDS).dump(found)

    @api
    def find_member(self, query):
        query = load(member_schemas.MemberLookupSchema(), query)
        return _member(lookups.find_member(self.db.unit_of_work(), vault=self.vault, caller=self.caller,
                                           centres_booked=self._centres_booked, **query))

    @api
    def member_eligibility(self, member_id):
        """For booking: birth date, declared categories and status."""
        return member_schemas.MemberEligibilitySchema().dump(
            lookups.member_eligibility(self.db.unit_of_work(), member_id, caller=self.caller))

    @api
    def list_member_facts(self, query=None):
        """Every member's district, registration time and status, a page at a
        time (the reports service's rebuild; no personal data)."""
        page = load(member_schemas.EligibilityPageSchema(), query)
        items, total = lookups.member_facts(self.db.unit_of_work(), caller=self.caller, **page)
        return {"items": member_schemas.MemberFactsSchema(many=True).dump(items), "total": total, **page}

    @api
    def list_member_eligibility(self, query=None):
        """Every member's eligibility, a page at a time (booking's resync)."""
        page = load(member_schemas.EligibilityPageSchema(), query)
        items, total = lookups.member_eligibilities(self.db.unit_of_work(), caller=self.caller, **page)
        return {"items": member_schemas.MemberEligibilitySchema(many=True).dump(items), "total": total,
                **page}

"""The registry's nameko adapter: RPC in, schema-checked, domain call, schema out."""
from datetime import datetime

import eventlet
from nameko.rpc import ServiceRpc

from jastar_common.service_base import JastarService
from jastar_common.dependencies import Database
from jastar_common.errors import EXPECTED_ERRORS
from jastar_common.rpc import rpc
from jastar_common.config import setting
from jastar_common.validation import load

from . import member_schemas, schemas
from .dependencies import IinVaultProvider
from .domain import catalogue, members, permissions
from jastar_common.calendar import ALMATY, assert_tzdata_current
from .models import start_mappers
from .repository import RegistryUnitOfWork

# slot times are local times in Asia/Almaty: refuse to run on a tzdata that
# predates Kazakhstan's move to UTC+5 (1 March 2024)
assert_tzdata_current()
start_mappers()

api = rpc(expected_exceptions=EXPECTED_ERRORS)


def today():
    """The date in Almaty, where every member and centre is."""
    return datetime.now(ALMATY).date()


def age_bounds():
    return {"min_age": setting("MEMBER_MIN_AGE", 14, int), "max_age": setting("MEMBER_MAX_AGE", 35, int)}


def _page(kind, items, total, query):
    return {"items": schemas.output_schema(kind, many=True).dump(items), "total": total,
            "limit": query["limit"], "offset": query["offset"]}


class RegistryService(JastarService):
    name = "registry"

    db = Database("registry", RegistryUnitOfWork)
    vault = IinVaultProvider()
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
        data = load(schemas.create_schema(kind), data)
        self._check_write(kind, data)
        obj = catalogue.create(self.db.unit_of_work(), kind, data)
        return schemas.output_schema(kind).dump(obj)

    def _check_write(self, kind, data):
        with self.db.unit_of_work() as uow:
            centre_id = permissions.centre_of(uow, kind, data)
        permissions.check_catalogue_write(self.caller, kind, centre_id)

    @api
    def update(self, kind, obj_id, changes):
        catalogue.kind_of(kind)
        changes = load(schemas.update_schema(kind), changes)
        current = vars(catalogue.get(self.db.unit_of_work(), kind, obj_id))
        self._check_write(kind, current)  # where it is now
        self._check_write(kind, {**current, **changes})  # and where it would be
        obj = catalogue.update(self.db.unit_of_work(), kind, obj_id, changes)
        return schemas.output_schema(kind).dump(obj)

    @api
    def close(self, kind, obj_id):
        self._check_write(kind, vars(catalogue.get(self.db.unit_of_work(), kind, obj_id)))
        return schemas.output_schema(kind).dump(catalogue.close(self.db.unit_of_work(), kind, obj_id))

    # members: young people, 14 to 35 (bounds from MEMBER_MIN_AGE / MEMBER_MAX_AGE)

    @api
    def register_member(self, data):
        permissions.check_registration(self.caller)
        member = members.register_member(
            self.db.unit_of_work(), load(member_schemas.MemberRegistrationSchema(), data),
            self.vault, today(), **age_bounds())
        return member_schemas.MemberSchema().dump(member)

    @api
    def update_member(self, member_id, changes):
        permissions.check_member_access(self.caller, member_id)
        member = members.update_member(
            self.db.unit_of_work(), member_id, load(member_schemas.MemberUpdateSchema(), changes),
            self.vault, today(), **age_bounds())
        return member_schemas.MemberSchema().dump(member)

    @api
    def erase_member(self, member_id):
        permissions.check_member_access(self.caller, member_id)
        return member_schemas.MemberSchema().dump(members.erase_member(self.db.unit_of_work(), member_id))

    @api
    def get_member(self, member_id):
        permissions.check_member_access(self.caller, member_id, self._centres_booked)
        return member_schemas.MemberSchema().dump(members.get_member(self.db.unit_of_work(), member_id))

    def _centres_booked(self, member_id):
        """Booking's answer: where the member has or had a booking, among the
        calling staff member's centres (the caller travels in the context)."""
        try:
            with eventlet.Timeout(setting("BOOKING_RPC_TIMEOUT_SECONDS", 5, float)):
                return self.booking.member_centres(member_id)
        except eventlet.Timeout:
            # the gateway answers 503 for this type: the staff member may retry
            raise ConnectionError("booking did not answer in time") from None

    @api
    def get_members(self, member_ids):
        """For notifications: the contacts of a whole sending batch in one call
        (up to MAX_MEMBERS_PER_CALL ids). Unknown ids are left out; erased
        members come back with status "erased" and no contacts."""
        permissions.check_system(self.caller)
        query = load(member_schemas.MemberIdsSchema(), {"member_ids": member_ids})
        found = members.get_members(self.db.unit_of_work(), query["member_ids"])
        return member_schemas.MemberSchema(many=True, only=member_schemas.CONTACT_FIELDS).dump(found)

    @api
    def find_member(self, query):
        permissions.check_staff_desk(self.caller)
        query = load(member_schemas.MemberLookupSchema(), query)
        member = members.find_member(self.db.unit_of_work(), vault=self.vault, **query)
        permissions.check_member_lookup(self.caller, query, member, self._centres_booked)
        return member_schemas.MemberSchema().dump(member)

    @api
    def member_eligibility(self, member_id):
        """For booking: birth date, declared categories and status."""
        permissions.check_system(self.caller)
        return member_schemas.MemberEligibilitySchema().dump(
            members.member_eligibility(self.db.unit_of_work(), member_id))

    @api
    def list_member_facts(self, query=None):
        """Every member's district, registration time and status, a page at a
        time (the reports service's rebuild; no personal data)."""
        permissions.check_system(self.caller)
        page = load(member_schemas.EligibilityPageSchema(), query)
        items, total = members.member_facts(self.db.unit_of_work(), **page)
        return {"items": member_schemas.MemberFactsSchema(many=True).dump(items), "total": total, **page}

    @api
    def list_member_eligibility(self, query=None):
        """Every member's eligibility, a page at a time (booking's resync)."""
        permissions.check_system(self.caller)
        page = load(member_schemas.EligibilityPageSchema(), query)
        items, total = members.member_eligibilities(self.db.unit_of_work(), **page)
        return {"items": member_schemas.MemberEligibilitySchema(many=True).dump(items), "total": total,
                **page}

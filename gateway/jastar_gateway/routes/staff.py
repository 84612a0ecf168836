"""The centre desk (staff, per centre) and administration (admins)."""
from jastar_common.contracts import REFERENCE_KINDS
from jastar_common.errors import InvalidInput, NotFound

from .. import responses, schemas
from ..domain import accounts
from ..domain.access import ADMIN, DESK
from ..http import route
from . import page, phone_of

KINDS = REFERENCE_KINDS


KIND_SCHEMAS = tuple(responses.CATALOGUE[kind] for kind in KINDS)  # one of them, by kind


def _dumped(kind, obj):
    return responses.CATALOGUE[kind]().dump(obj)


def _kind(kind):
    if kind not in KINDS:
        raise InvalidInput("unknown kind", fields={"kind": [f"one of {', '.join(KINDS)}"]})
    return kind


class StaffRoutes:
    @route("GET", "/v1/members", "Find a member by exact phone (any walk-in) or by IIN (members who "
           "booked at my centres)", "desk", roles=DESK,
           query=schemas.MemberLookup, response=responses.Member)
    def find_member(self, request):
        query = request.jastar_query
        if len(query) != 1:
            raise InvalidInput("give phone or iin", fields={"phone": ["give exactly one of phone, iin"]})
        return self.call("registry", "find_member", query)

    @route("GET", "/v1/members/<string:member_id>", "A member's profile: staff see the members who "
           "have or had a booking at their centres, admins all", "desk", roles=DESK,
           response=responses.Member)
    def get_member(self, request, member_id):
        return self.call("registry", "get_member", member_id)

    @route("GET", "/v1/members/<string:member_id>/bookings", "A member's bookings at my centres", "desk",
           roles=DESK, query=schemas.Page, response=responses.BookingPage)
    def member_bookings(self, request, member_id):
        return self.call("booking", "member_bookings", member_id, request.jastar_query)

    @route("GET", "/v1/members/<string:member_id>/waitlist", "A member's waitlist places at my centres",
           "desk", roles=DESK, query=schemas.Page, response=responses.WaitlistPage)
    def member_waitlist(self, request, member_id):
        return self.call("booking", "member_waitlist", member_id, request.jastar_query)

    @route("GET", "/v1/centers/<string:centre_id>/day", "The day list of a centre", "desk", roles=DESK,
           query=schemas.DayQuery, response=responses.BookingPage)
    def centre_day(self, request, centre_id):
        query = dict(request.jastar_query)
        return self.call("booking", "centre_day", centre_id, query.pop("date").isoformat(), query)

    @route("GET", "/v1/waitlist", "Who waits for a session or course, in line order (its centre's "
           "staff)", "desk", roles=DESK, query=schemas.LineQuery, response=responses.WaitlistPage)
    def line(self, request):
        query = dict(request.jastar_query)
        return self.call("booking", "resource_waitlist", query.pop("resource_id"), query)

    @route("POST", "/v1/bookings/<string:booking_id>/check-in", "Check a member in", "desk", roles=DESK,
           response=responses.Booking)
    def check_in(self, request, booking_id):
        return self.change_booking("check_in", booking_id)

    @route("POST", "/v1/bookings/<string:booking_id>/approve", "Approve a pending booking", "desk",
           roles=DESK, response=responses.Booking)
    def approve(self, request, booking_id):
        return self.change_booking("approve_booking", booking_id)

    @route("POST", "/v1/bookings/<string:booking_id>/reject", "Reject a pending booking", "desk",
           roles=DESK, body=schemas.Cancellation, response=responses.Booking)
    def reject(self, request, booking_id):
        return self.change_booking("reject_booking", booking_id, request.jastar_body.get("reason"))

    @route("POST", "/v1/bookings/<string:booking_id>/no-show", "Mark a member as not come", "desk",
           roles=DESK, response=responses.Booking)
    def no_show(self, request, booking_id):
        return self.change_booking("mark_no_show", booking_id)

    @route("GET", "/v1/notifications/dead", "Messages that could not be delivered", "desk", roles=DESK,
           query=schemas.Page, response=responses.MessagePage)
    def dead_messages(self, request):
        return self.call("notifications", "list_dead_messages", request.jastar_query)

    # reference data: staff for their centres' spaces, programmes, sessions and
    # specialists; admins for everything (the registry decides)

    @route("GET", "/v1/schedules", "Specialists' weekly schedules of any status, by specialist or "
           "centre (to edit them under /v1/admin/schedule)", "admin", roles=DESK,
           query=schemas.ScheduleQuery, response=responses.SchedulePage)
    def list_schedules(self, request):
        return self.call("registry", "list", "schedule", request.jastar_query)

    @route("POST", "/v1/admin/<string:kind>", "Create reference data of a kind", "admin", roles=DESK,
           body=schemas.CatalogueObject, status=201, response=KIND_SCHEMAS,
           location="/v1/admin/{kind}/{id}")
    def create_object(self, request, kind):
        return _dumped(kind, self.call("registry", "create", _kind(kind), request.jastar_body))

    @route("GET", "/v1/admin/<string:kind>/<string:obj_id>", "Read reference data of any status", "admin",
           roles=DESK, response=KIND_SCHEMAS)
    def get_object(self, request, kind, obj_id):
        return _dumped(kind, self.call("registry", "get", _kind(kind), obj_id))

    @route("PATCH", "/v1/admin/<string:kind>/<string:obj_id>", "Change reference data", "admin",
           roles=DESK, body=schemas.CatalogueObject, response=KIND_SCHEMAS)
    def update_object(self, request, kind, obj_id):
        return _dumped(kind, self.call("registry", "update", _kind(kind), obj_id, request.jastar_body))

    @route("POST", "/v1/admin/<string:kind>/<string:obj_id>/close", "Close reference data", "admin",
           roles=DESK, response=KIND_SCHEMAS)
    def close_object(self, request, kind, obj_id):
        return _dumped(kind, self.call("registry", "close", _kind(kind), obj_id))

    # staff accounts and integrators' keys: admins only

    @route("POST", "/v1/staff", "Add a staff account (signs in by phone)", "admin", roles=ADMIN,
           body=schemas.NewStaff, status=201, response=responses.StaffAccount,
           location="/v1/staff/{id}")
    def add_staff(self, request):
        body = request.jastar_body
        return accounts.add_staff(self.db.unit_of_work(), phone_of(body["phone"]), body["full_name"], body["role"],
                                  body["centre_ids"], now=self.now())

    @route("GET", "/v1/staff/me", "My staff account: my role and the centres I work at", "desk",
           roles=DESK, response=responses.StaffAccount)
    def my_staff_account(self, request):
        caller = request.environ["jastar.caller"]
        account = accounts.staff_by_id(self.db.unit_of_work(), caller.id)
        if account is None:  # the bootstrap admin (ADMIN_API_KEY) has no account: all centres are theirs
            raise NotFound("no staff account", entity="staff_account", id=caller.id)
        return account

    @route("GET", "/v1/staff", "Staff accounts", "admin", roles=ADMIN, query=schemas.Page,
           response=responses.StaffPage)
    def list_staff(self, request):
        return page(accounts.list_staff(self.db.unit_of_work()), request.jastar_query)

    @route("DELETE", "/v1/staff/<string:account_id>", "Deactivate a staff account", "admin", roles=ADMIN,
           status=204)
    def remove_staff(self, request, account_id):
        accounts.deactivate_staff(self.db.unit_of_work(), account_id)
        return None

    @route("POST", "/v1/api-keys", "Create an integrator's API key (shown once)", "admin", roles=ADMIN,
           body=schemas.NewApiKey, status=201, response=responses.ApiKeyCreated,
           location="/v1/api-keys/{id}")
    def create_api_key(self, request):
        return accounts.create_api_key(self.db.unit_of_work(), request.jastar_body["name"],
                                       self.settings.jwt_secret, now=self.now())

    @route("GET", "/v1/api-keys", "Integrators' API keys (never the keys themselves)", "admin",
           roles=ADMIN, query=schemas.Page, response=responses.ApiKeyPage)
    def list_api_keys(self, request):
        return page(accounts.list_api_keys(self.db.unit_of_work()), request.jastar_query)

    @route("DELETE", "/v1/api-keys/<string:key_id>", "Revoke an API key", "admin", roles=ADMIN, status=204)
    def revoke_api_key(self, request, key_id):
        accounts.revoke_api_key(self.db.unit_of_work(), key_id, now=self.now())
        return None

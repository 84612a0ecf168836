"""Booking's nameko adapter: RPC and events in, domain calls, schemas out."""
import logging
from datetime import timedelta

import eventlet
from nameko.rpc import ServiceRpc
from nameko.standalone.rpc import ClusterRpcClient

from jastar_common.service_base import JastarService
from jastar_common.calendar import assert_tzdata_current
from jastar_common.clock import Clock
from jastar_common.config import amqp_uri
from jastar_common.dependencies import Database
from jastar_common.errors import EXPECTED_ERRORS, NotFound
from jastar_common.rpc import rpc
from jastar_common.settings import Settings, configured_timer
from jastar_common.subscriber import subscribe
from jastar_common.validation import load

from . import schemas
from .domain import bookings, copies, queries, sweeper, waitlist
from .models import start_mappers
from .repository import BookingUnitOfWork
from .settings import read_settings

assert_tzdata_current()
start_mappers()
log = logging.getLogger(__name__)

api = rpc(expected_exceptions=EXPECTED_ERRORS)


def _page(items, total, page):
    """Every list answers the same envelope: {items, total, limit, offset}."""
    return {"items": items, "total": total, "limit": page["limit"], "offset": page["offset"]}


class BookingService(JastarService):
    name = "booking"

    db = Database("booking", BookingUnitOfWork)
    registry = ServiceRpc("registry")
    settings = Settings(read_settings)
    now = Clock()

    def _booking(self, many=False):
        """Bookings leave through this one schema: it needs the policy for their deadlines."""
        return schemas.BookingSchema(self.settings.policy, many=many)

    def _outcome(self, outcome):
        what, obj = outcome
        if what == "booking":
            return {"booking": self._booking().dump(obj)}
        return {"waitlist": schemas.WaitlistEntrySchema().dump(obj)}

    @api
    def availability(self, query):
        query = load(schemas.AvailabilitySchema(), query)
        uow, kind = self.db.unit_of_work(), query["kind"]
        if kind == "programme":
            return schemas.ProgrammeSeatsSchema().dump(queries.programme_seats(uow, query["programme_id"]))
        if kind == "consultation":
            slots = queries.consultation_slots(uow, query["service_id"], query.get("specialist_id"),
                                               query["date_from"], query["date_to"], self.settings.policy,
                                               self.now())
        else:
            slots = queries.space_slots(uow, query["space_id"], query["date_from"], query["date_to"],
                                        self.settings.policy, self.now(), query["include_full"])
        return {"items": schemas.SlotSchema(many=True).dump(slots)}

    @api
    def create_booking(self, request):
        request = load(schemas.CreateBookingSchema(), request)
        return self._outcome(bookings.create(self.db.unit_of_work(), self.caller, request,
                                             self.settings.policy, self.now()))

    @api
    def get_booking(self, booking_id):
        return self._booking().dump(bookings.get(self.db.unit_of_work(), self.caller, booking_id))

    @api
    def member_bookings(self, member_id, page=None):
        page = load(schemas.PageSchema(), page)
        found, total = queries.member_bookings(self.db.unit_of_work(), self.caller, member_id, **page)
        return _page(self._booking(many=True).dump(found), total, page)

    @api
    def member_centres(self, member_id):
        """For the registry: where a member has or had a booking or a waitlist
        place, among the calling staff member's centres."""
        return queries.member_centres(self.db.unit_of_work(), self.caller, member_id)

    @api
    def member_waitlist(self, member_id, page=None):
        page = load(schemas.PageSchema(), page)
        found, total = queries.member_waitlist(self.db.unit_of_work(), self.caller, member_id, **page)
        return _page(schemas.WaitlistEntrySchema(many=True).dump(found), total, page)

    @api
    def resource_waitlist(self, resource_id, page=None):
        page = load(schemas.PageSchema(), page)
        found, total = queries.resource_waitlist(self.db.unit_of_work(), self.caller, resource_id, **page)
        return _page(schemas.WaitlistEntrySchema(many=True).dump(found), total, page)

    @api
    def centre_day(self, centre_id, day, page=None):
        day = load(schemas.CentreDaySchema(), {"day": day})["day"]
        page = load(schemas.PageSchema(), page)
        found, total = queries.centre_day(self.db.unit_of_work(), self.caller, centre_id, day, **page)
        return _page(self._booking(many=True).dump(found), total, page)

    @api
    def cancel_booking(self, booking_id, reason=None):
        return self._booking().dump(
            bookings.cancel(self.db.unit_of_work(), self.caller, booking_id, reason, self.settings.policy,
                            self.now()))

    @api
    def reschedule_booking(self, booking_id, change):
        change = load(schemas.RescheduleSchema(), change)
        return self._booking().dump(bookings.reschedule(
            self.db.unit_of_work(), self.caller, booking_id, change["starts_at"], change.get("ends_at"),
            self.settings.policy, self.now()))

    @api
    def check_in(self, booking_id):
        return self._booking().dump(
            bookings.check_in(self.db.unit_of_work(), self.caller, booking_id, self.settings.policy,
                              self.now()))

    @api
    def mark_no_show(self, booking_id):
        return self._booking().dump(
            bookings.mark_no_show(self.db.unit_of_work(), self.caller, booking_id, self.now()))

    @api
    def approve_booking(self, booking_id):
        return self._booking().dump(
            bookings.decide(self.db.unit_of_work(), self.caller, booking_id, True, None, self.now()))

    @api
    def reject_booking(self, booking_id, reason=None):
        return self._booking().dump(
            bookings.decide(self.db.unit_of_work(), self.caller, booking_id, False, reason, self.now()))

    @api
    def accept_offer(self, entry_id):
        return self._booking().dump(
            waitlist.accept(self.db.unit_of_work(), self.caller, entry_id, self.settings.policy, self.now()))

    @api
    def decline_offer(self, entry_id):
        return schemas.WaitlistEntrySchema().dump(
            waitlist.decline(self.db.unit_of_work(), self.caller, entry_id, self.settings.policy, self.now()))

    @api
    def list_facts(self, what, query=None):
        """For the reports service's rebuild (system only): every booking or
        waitlist entry as its latest event's data, by id; `next` continues."""
        query = load(schemas.FactsPageSchema(), {**(query or {}), "what": what})
        items, after = queries.report_facts(self.db.unit_of_work(), self.caller, query["what"],
                                            query.get("after"), query["limit"])
        return {"items": items, "next": after}

    @rpc
    def list_copies(self, kind):
        """Operators: what booking holds of the registry, per kind."""
        return copies.held(self.db.unit_of_work(), kind)

    @subscribe("booking", "registry_changes")
    def on_registry_change(self, envelope):
        member = None
        if envelope.type in ("member.registered", "member.updated"):
            member = self._eligibility(envelope.data["member_id"])  # RPC outside the transaction
        copies.apply_registry_event(
            self.db.unit_of_work(), envelope, member,
            on_erased=lambda uow, member_id: bookings.release_member(uow, member_id, self.settings.policy,
                                                                     self.now()))

    def _eligibility(self, member_id):
        # a registry that is down fails this try; the subscriber retries later
        try:
            with eventlet.Timeout(self.settings.registry_rpc_timeout):
                return self.registry.member_eligibility(member_id)
        except NotFound:
            return None

    @configured_timer("BOOKING_SWEEP_SECONDS", 30)
    def sweep(self):
        done = sweeper.sweep(self.db.unit_of_work, self.settings.policy, self.now())
        if any(done.values()):
            log.info("swept", extra=done)

    @configured_timer("BOOKING_RESYNC_CHECK_SECONDS", 60, eager=True)
    def resync_if_empty(self):
        """Start-up with an empty copy (a new database): read it all by RPC."""
        if not copies.is_empty(self.db.unit_of_work()):
            return
        # dated a little before the reads: an event of a change that committed
        # while we read is then still applied (events are whole snapshots, so
        # applying a slightly older one converges once the newer arrives)
        read_at = self.now() - timedelta(minutes=1)
        # a client of its own: a registry that is down must not leave this
        # service's reply listener with calls that will never be answered
        try:
            with ClusterRpcClient(uri=amqp_uri(), timeout=30) as cluster:
                for kind in copies.COPIED_KINDS:
                    self._resync_pages(kind, lambda q, kind=kind: cluster.registry.list(kind, q), read_at)
                self._resync_pages("member", cluster.registry.list_member_eligibility, read_at)
        except Exception:  # the registry may be down: try again next time
            log.warning("resync from the registry failed; will retry", exc_info=True)

    def _resync_pages(self, kind, fetch, read_at, limit=200):
        offset = 0
        while True:
            page = fetch({"limit": limit, "offset": offset})
            copies.resync(self.db.unit_of_work(), kind, page["items"], read_at)
            offset += limit
            if offset >= page["total"]:
                return

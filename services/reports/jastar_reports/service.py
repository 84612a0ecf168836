"""Reports' nameko adapter: registry and booking events in (facts), a
rebuild from the owners' RPC when the database is new, and the reports by
RPC for the gateway."""
import logging
from datetime import timedelta

from nameko.standalone.rpc import ClusterRpcClient
from nameko.timer import timer

from jastar_common.calendar import assert_tzdata_current
from jastar_common.config import amqp_uri, setting
from jastar_common.dependencies import Database
from jastar_common.clock import utcnow
from jastar_common.errors import EXPECTED_ERRORS
from jastar_common.rpc import rpc
from jastar_common.service_base import JastarService
from jastar_common.subscriber import subscribe
from jastar_common.validation import load

from . import schemas
from .dependencies import Reporting
from .domain import facts, reports
from .domain.figures import REPORTS
from .repository import ReportsUnitOfWork

# days are Almaty days: refuse to run on tzdata older than UTC+5 (2024)
assert_tzdata_current()
log = logging.getLogger(__name__)

api = rpc(expected_exceptions=EXPECTED_ERRORS)
REBUILD_CHECK_SECONDS = float(setting("REPORTS_REBUILD_CHECK_SECONDS", 60))
PAGE = 200


class ReportsService(JastarService):
    name = "reports"

    db = Database("reports", ReportsUnitOfWork)
    reporting = Reporting()

    # events in: each only writes facts (see domain/facts.py)

    @subscribe("reports", "registry_changes")
    def on_registry_change(self, envelope):
        facts.apply_event(self.db.unit_of_work(), envelope, self.reporting.hasher)

    @subscribe("reports", "booking_changes")
    def on_booking_change(self, envelope):
        facts.apply_event(self.db.unit_of_work(), envelope, self.reporting.hasher)

    # reports for the gateway

    @api
    def report(self, name, query=None, export=False):
        """One report (see domain/figures.REPORTS) for the caller's centres;
        `export` suppresses counts below 5."""
        query = load(schemas.ReportQuerySchema(), query)
        return reports.build(self.db.unit_of_work(), self.caller, name, query,
                             self.reporting.settings, export=bool(export))

    @api
    def list_reports(self):
        return [{"name": name, "columns": list(report.columns)} for name, report in REPORTS.items()]

    # a new database reads everything from the owners once

    @timer(interval=REBUILD_CHECK_SECONDS, eager=True)
    def rebuild_if_new(self):
        if not facts.needs_rebuild(self.db.unit_of_work()):
            return
        try:
            counts = self.rebuild()
        except Exception as exc:  # an owner may be down (or not up yet): try again next time
            log.warning("rebuild from the registry and booking failed (%s: %s); will retry",
                        exc.__class__.__name__, exc)
            return
        log.info("rebuilt from the owners", extra=counts)

    def rebuild(self):
        # dated a little before the reads: a change committed while reading
        # arrives as a newer event and wins (booking's facts carry their own times)
        read_at = utcnow() - timedelta(minutes=1)
        hasher, counts = self.reporting.hasher, {}
        # a client of its own: an owner that is down must not leave this
        # service's reply listener with calls that will never be answered
        with ClusterRpcClient(uri=amqp_uri(), timeout=60) as cluster:
            for kind in facts.COPIED_KINDS:
                counts[kind] = self._offset_pages(
                    lambda q, kind=kind: cluster.registry.list(kind, q),
                    lambda items, kind=kind: facts.rebuild_copies(self.db.unit_of_work(), kind, items, read_at))
            counts["member"] = self._offset_pages(
                cluster.registry.list_member_facts,
                lambda items: facts.rebuild_members(self.db.unit_of_work(), items, read_at, hasher))
            for what in ("bookings", "waitlist"):
                counts[what] = self._keyset_pages(
                    lambda q, what=what: cluster.booking.list_facts(what, q),
                    lambda items, what=what: facts.rebuild_facts(self.db.unit_of_work(), what, items,
                                                                 read_at, hasher))
        facts.rebuilt(self.db.unit_of_work(), utcnow(), counts)
        return counts

    @staticmethod
    def _offset_pages(fetch, store):
        offset = 0
        while True:
            page = fetch({"limit": PAGE, "offset": offset})
            store(page["items"])
            offset += PAGE
            if offset >= page["total"]:
                return page["total"]

    @staticmethod
    def _keyset_pages(fetch, store, limit=1000):
        after, seen = None, 0
        while True:
            page = fetch({"after": after, "limit": limit})
            store(page["items"])
            seen += len(page["items"])
            after = page["next"]
            if after is None:
                return seen

"""Reports' nameko adapter: registry and booking events in (facts), a
rebuild from the owners' RPC when the database is new, and the reports by
RPC for the gateway."""
import logging

from nameko.standalone.rpc import ClusterRpcClient

from jastar_common.batching import subscribe_batch
from jastar_common.calendar import assert_tzdata_current
from jastar_common.clock import Clock
from jastar_common.config import amqp_uri
from jastar_common.dependencies import Database
from jastar_common.errors import EXPECTED_ERRORS
from jastar_common.rpc import rpc
from jastar_common.service_base import JastarService
from jastar_common.settings import Settings, configured_timer
from jastar_common.subscriber import subscribe
from jastar_common.validation import load

from . import schemas
from .dependencies import MemberHasherProvider
from .domain import facts, reports
from .domain.rebuild import rebuild_from_owners
from .repository import ReportsUnitOfWork
from .settings import ReportsSettings

# days are Almaty days: refuse to run on tzdata older than UTC+5 (2024)
assert_tzdata_current()
log = logging.getLogger(__name__)

api = rpc(expected_exceptions=EXPECTED_ERRORS)


class ReportsService(JastarService):
    name = "reports"

    db = Database("reports", ReportsUnitOfWork)
    hasher = MemberHasherProvider()
    settings = Settings(ReportsSettings)
    now = Clock()

    # events in: each only writes facts (see domain/facts.py)

    @subscribe("reports", "registry_changes")
    def on_registry_change(self, envelope):
        facts.apply_event(self.db.unit_of_work(), envelope, self.hasher)

    # every booking makes an event: taken in batches, one transaction each
    @subscribe_batch("reports", "booking_changes")
    def on_booking_change(self, batch):
        facts.apply_events(self.db.unit_of_work(), batch, self.hasher)

    # reports for the gateway

    @api
    def report(self, name, query=None, export=False):
        """One report (see domain/figures.REPORTS) for the caller's centres;
        `export` suppresses counts below 5."""
        query = load(schemas.ReportQuerySchema(), query)
        answer = reports.build(self.db.unit_of_work(), self.caller, name, query, self.settings, self.now(),
                               export=bool(export))
        return schemas.ANSWERS[name]().dump(answer)

    @api
    def list_reports(self):
        return schemas.ReportInfoSchema(many=True).dump(reports.available())

    # a new database reads everything from the owners once

    # how often a new database checks whether it still needs its rebuild
    @configured_timer("REPORTS_REBUILD_CHECK_SECONDS", 60, eager=True)
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
        # a client of its own: an owner that is down must not leave this
        # service's reply listener with calls that will never be answered
        with ClusterRpcClient(uri=amqp_uri(), timeout=60) as cluster:
            return rebuild_from_owners(self.db.unit_of_work, cluster.registry, cluster.booking,
                                       self.hasher, self.now)

"""Notifications' nameko adapter."""
from nameko.rpc import rpc

from jastar_common.dependencies import Database
from jastar_common.health import ping
from jastar_common.logging import Correlation
from jastar_common.subscriber import subscribe

from .domain import services


class NotificationsService:
    name = "notifications"

    db = Database("notifications")
    correlation = Correlation()

    @rpc
    def ping(self):
        return ping(self.name, self.db.engine)

    @subscribe("notifications", "booking_changes")
    def on_booking_change(self, envelope):
        services.note_event(self.db.unit_of_work(), "notifications.booking_changes", envelope)

    @subscribe("notifications", "member_changes")
    def on_member_change(self, envelope):
        services.note_event(self.db.unit_of_work(), "notifications.member_changes", envelope)

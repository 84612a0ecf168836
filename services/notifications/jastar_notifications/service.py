"""Notifications' nameko adapter: events in (booking, waitlist, member, and
every event for webhooks), a timer that sends what is due, and RPC for the
gateway (login codes, preferences, the delivery log, webhooks)."""
from jastar_common.batching import subscribe_batch
from jastar_common.calendar import assert_tzdata_current
from jastar_common.clock import Clock
from jastar_common.dependencies import Database
from jastar_common.errors import EXPECTED_ERRORS
from jastar_common.rpc import rpc
from jastar_common.service_base import JastarService
from jastar_common.settings import Settings, configured_timer
from jastar_common.subscriber import subscribe
from jastar_common.validation import load

from . import schemas
from .dependencies import MessageSending, SendSoon, WebhookSending, on_bell
from .domain import services, webhooks
from .repository import NotificationsUnitOfWork
from .settings import read_settings

# messages state Almaty times: refuse to run on tzdata older than UTC+5 (2024)
assert_tzdata_current()

api = rpc(expected_exceptions=EXPECTED_ERRORS)


def _page(schema, found, query):
    """Every list answers the same envelope: {items, total, limit, offset}."""
    items, total = found
    return {"items": schema.dump(items), "total": total, "limit": query["limit"], "offset": query["offset"]}


class NotificationsService(JastarService):
    name = "notifications"

    db = Database("notifications", NotificationsUnitOfWork)
    settings = Settings(read_settings)
    now = Clock()
    message_sender = MessageSending()
    webhook_sender = WebhookSending()
    send_soon = SendSoon()

    # events in: they write rows (messages, reminders, deliveries); a message
    # due now (a confirmation, an offer) is then sent at once (send_new)

    @subscribe_batch("notifications", "booking_changes")
    def on_booking_change(self, batch):
        now = self.now()
        outcome = services.take_events(self.db.unit_of_work(), "notifications.booking_changes", batch,
                                       self.settings.intake, now, traced=batch.traced)
        if outcome.due_by(now):
            self.send_soon()

    @subscribe("notifications", "member_changes")
    def on_member_change(self, envelope):
        now = self.now()
        outcome = services.take_event(self.db.unit_of_work(), "notifications.member_changes", envelope,
                                      self.settings.intake, now)
        if outcome.due_by(now):
            self.send_soon()

    @subscribe_batch("notifications", "webhooks")
    def on_any_event(self, batch):
        webhooks.take_events(self.db.unit_of_work(), batch, self.now(), traced=batch.traced)

    # sending: every SEND_INTERVAL_SECONDS, what is due (message_sender.py,
    # webhook_sender.py); and at once, a message due now that a commit wrote

    @configured_timer("SEND_INTERVAL_SECONDS", 1.0)
    def send_due(self):
        self.message_sender.send_due()
        self.webhook_sender.send_due()

    @on_bell
    def send_new(self):
        self.message_sender.send_new()

    # messages

    @api
    def send_login_code(self, phone, code, language="ru"):
        """For the gateway, which makes and checks the code; never logged."""
        data = load(schemas.LoginCodeSchema(), {"phone": phone, "code": code, "language": language})
        message_id = services.queue_login_code(self.db.unit_of_work(), self.caller, self.settings.intake,
                                               self.now(), **data)
        self.send_soon()
        return {"message_id": message_id}

    @api
    def get_preferences(self, member_id):
        prefs = services.get_preferences(self.db.unit_of_work(), self.caller, self.settings.intake, member_id)
        return schemas.PreferencesSchema().dump(prefs)

    @api
    def set_preferences(self, member_id, data):
        data = load(schemas.PreferencesInSchema(), data)
        prefs = services.set_preferences(self.db.unit_of_work(), self.caller, self.now(), member_id, **data)
        return schemas.PreferencesSchema().dump(prefs)

    @api
    def list_messages(self, member_id, query=None):
        """GET /v1/me/notifications: the member's delivery log."""
        query = load(schemas.PageSchema(), query)
        items = services.list_messages(self.db.unit_of_work(), self.caller, member_id, **query)
        return _page(schemas.MessageSchema(many=True), items, query)

    @api
    def list_dead_messages(self, query=None):
        """For staff: messages that could not be delivered after every try."""
        query = load(schemas.PageSchema(), query)
        items = services.list_dead_messages(self.db.unit_of_work(), self.caller, **query)
        return _page(schemas.MessageSchema(many=True), items, query)

    @api
    def retry_message(self, message_id):
        message = services.retry_dead_message(self.db.unit_of_work(), self.caller, self.now(), message_id)
        return schemas.MessageSchema().dump(message)

    # webhooks for integrators

    @api
    def create_webhook(self, url, event_types, description=None):
        data = load(schemas.WebhookInSchema(),
                    {"url": url, "event_types": event_types, "description": description})
        created = webhooks.create_subscription(
            self.db.unit_of_work(), self.webhook_sender.box, self.now(), self.caller, **data,
            allowed=self.settings.sending.webhook_allowed_hosts,
            resolver=self.webhook_sender.resolver)
        return schemas.NewWebhookSchema().dump(created)

    @api
    def list_webhooks(self):
        items = webhooks.list_subscriptions(self.db.unit_of_work(), self.caller)
        return schemas.WebhookSchema(many=True).dump(items)

    @api
    def delete_webhook(self, webhook_id):
        webhooks.delete_subscription(self.db.unit_of_work(), self.caller, webhook_id)
        return {"id": webhook_id, "deleted": True}

    @api
    def list_deliveries(self, webhook_id, query=None):
        query = load(schemas.PageSchema(), query)
        items = webhooks.list_deliveries(self.db.unit_of_work(), self.caller, webhook_id, **query)
        return _page(schemas.DeliverySchema(many=True), items, query)

    @api
    def replay_delivery(self, delivery_id):
        delivery = webhooks.replay_delivery(self.db.unit_of_work(), self.caller, self.now(), delivery_id)
        return schemas.DeliverySchema().dump(delivery)

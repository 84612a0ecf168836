"""Integrators: webhooks they own (the notifications service checks whose)."""
from .. import responses, schemas
from ..http import route
from ..domain.access import INTEGRATOR
from . import page


class IntegratorRoutes:
    @route("POST", "/v1/webhooks", "Subscribe a URL to event types (the secret is shown once)",
           "integrators", roles=INTEGRATOR, body=schemas.NewWebhook, status=201, location="/v1/webhooks/{id}",
           response=responses.WebhookCreated)
    def create_webhook(self, request):
        body = request.jastar_body
        return self.call("notifications", "create_webhook", body["url"], body["event_types"],
                         body.get("description"))

    @route("GET", "/v1/webhooks", "My webhook subscriptions", "integrators", roles=INTEGRATOR,
           query=schemas.Page, response=responses.WebhookPage)
    def list_webhooks(self, request):
        return page(self.call("notifications", "list_webhooks"), request.jastar_query)

    @route("DELETE", "/v1/webhooks/<string:webhook_id>", "Delete a subscription", "integrators",
           roles=INTEGRATOR, status=204)
    def delete_webhook(self, request, webhook_id):
        self.call("notifications", "delete_webhook", webhook_id)
        return None

    @route("GET", "/v1/webhooks/<string:webhook_id>/deliveries", "Delivery attempts of a subscription",
           "integrators", roles=INTEGRATOR, query=schemas.Page, response=responses.DeliveryPage)
    def deliveries(self, request, webhook_id):
        return self.call("notifications", "list_deliveries", webhook_id, request.jastar_query)

    @route("POST", "/v1/webhook-deliveries/<string:delivery_id>/replay", "Send a delivery again",
           "integrators", roles=INTEGRATOR, response=responses.Delivery)
    def replay(self, request, delivery_id):
        return self.call("notifications", "replay_delivery", delivery_id)

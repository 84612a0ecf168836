#!/bin/sh
# Start the notifications: wait for RabbitMQ and the database, declare the event
# topology, migrate, then hand the process over to nameko.
set -e
cd "$(dirname "$0")"
jastar-wait --service notifications
jastar-topology declare
jastar-notifications-migrate
exec nameko run --config config.yml jastar_notifications.service:NotificationsService

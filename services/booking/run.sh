#!/bin/sh
# Start the booking: wait for RabbitMQ and the database, declare the event
# topology, migrate, then hand the process over to nameko.
set -e
cd "$(dirname "$0")"
jastar-wait --service booking
jastar-topology declare
jastar-booking-migrate
exec nameko run --config config.yml jastar_booking.service:BookingService

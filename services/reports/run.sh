#!/bin/sh
# Start the reports: wait for RabbitMQ and the database, declare the event
# topology, migrate, then hand the process over to nameko.
set -e
cd "$(dirname "$0")"
jastar-wait --service reports
jastar-topology declare
jastar-reports-migrate
exec nameko run --config config.yml jastar_reports.service:ReportsService

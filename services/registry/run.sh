#!/bin/sh
# Start the registry: wait for RabbitMQ and the database, declare the event
# topology, migrate, then hand the process over to nameko.
set -e
cd "$(dirname "$0")"
jastar-wait --service registry
jastar-topology declare
jastar-registry-migrate
exec nameko run --config config.yml jastar_registry.service:RegistryService

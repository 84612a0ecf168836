#!/bin/sh
# Start the gateway: wait for RabbitMQ, then hand the process over to nameko.
set -e
cd "$(dirname "$0")"
jastar-wait
exec nameko run --config config.yml jastar_gateway.service

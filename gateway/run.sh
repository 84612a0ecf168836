#!/bin/sh
# Start the gateway: wait for RabbitMQ and its database (accounts, login
# codes), migrate, then hand the process over to nameko.
set -e
cd "$(dirname "$0")"
jastar-wait --service gateway
jastar-gateway-migrate
exec nameko run --config config.yml jastar_gateway.service:GatewayService

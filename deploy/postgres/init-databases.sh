#!/bin/bash
# Jastar Hub: one PostgreSQL role and one database per service.
#
# Mounted into /docker-entrypoint-initdb.d/ of the official postgres image,
# which runs it once, when the data volume is empty. It is idempotent, so it
# can also be re-run by hand on a live server:
#     docker compose exec postgres /docker-entrypoint-initdb.d/init-databases.sh
#
# For each service NAME (registry, booking, notifications, reports, gateway) it makes
#   - role NAME (LOGIN) with password $NAME_DB_PASSWORD (upper case, e.g.
#     REGISTRY_DB_PASSWORD; default: the service name, for development only),
#   - database NAME owned by that role, closed to every other role.
# Each service's DATABASE_URL is then postgresql://NAME:PASSWORD@postgres:5432/NAME.
#
# The body runs in a subshell so its shell options stay local even when the
# entrypoint sources the file (it does so when the file is not executable).
init_jastar_databases() (
    set -euo pipefail
    local service password_var password
    for service in registry booking notifications reports gateway; do
        password_var="${service^^}_DB_PASSWORD"
        password="${!password_var:-$service}"
        echo "init-databases: role and database '$service'"
        # Values are passed as psql variables and quoted by format(%I, %L), so a
        # password may hold any character. CREATE DATABASE cannot run inside a
        # DO block, hence the conditional SELECT ... \gexec.
        psql -v ON_ERROR_STOP=1 -X -q \
            --username "${POSTGRES_USER:-postgres}" \
            --dbname "${POSTGRES_DB:-postgres}" \
            -v name="$service" -v password="$password" <<-'EOSQL'
	SELECT format('CREATE ROLE %I LOGIN', :'name')
	 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'name')
	\gexec
	SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'name', :'password')
	\gexec
	SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
	 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'name')
	\gexec
	SELECT format('ALTER DATABASE %I OWNER TO %I', :'name', :'name')
	\gexec
	SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name')
	\gexec
	SELECT format('GRANT ALL PRIVILEGES ON DATABASE %I TO %I', :'name', :'name')
	\gexec
EOSQL
    done
)

init_jastar_databases

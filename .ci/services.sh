#!/usr/bin/env bash
# Start PostgreSQL and Redis on loopback for the test suite; prints the export lines.
# Usage: eval "$(bash .ci/services.sh)"
set -euo pipefail
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PG_PORT=${PG_PORT:-$(free_port)}
REDIS_PORT=${REDIS_PORT:-$(free_port)}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGDATA=$(mktemp -d /tmp/panels-pg.XXXXXX)
chown postgres "$PGDATA"
su postgres -c "$PGBIN/initdb -D $PGDATA -A trust -U postgres" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D $PGDATA -l $PGDATA/server.log -w start -o '-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PGDATA -c fsync=off -c full_page_writes=off'" >/dev/null
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >/dev/null
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "export DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
echo "export PANELS_PGDATA=$PGDATA PANELS_PGBIN=$PGBIN"

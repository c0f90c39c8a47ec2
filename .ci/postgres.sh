#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL cluster on 127.0.0.1 for the test suite.
#   source .ci/postgres.sh start   -> exports EMPLOYMENT_DOMAIN_TEST_POSTGRES_URL
#   source .ci/postgres.sh stop
# Installs Debian's postgresql package when no server binaries are present.
set -euo pipefail

pg_port="${PG_TEST_PORT:-54329}"

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

pg_install() {
    if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
        echo "postgres: installing Debian's postgresql package"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    [ -x "$(pg_bin)/initdb" ] || { echo "postgres: no initdb after install" >&2; return 1; }
}

pg_start() {
    pg_install
    local bin; bin=$(pg_bin)
    PG_TEST_DATA=$(mktemp -d /tmp/employment-domain-pg.XXXXXX)
    export PG_TEST_DATA
    chown postgres:postgres "$PG_TEST_DATA"; chmod 700 "$PG_TEST_DATA"
    echo test > "$PG_TEST_DATA.pw"; chown postgres "$PG_TEST_DATA.pw"
    su postgres -s /bin/sh -c "$bin/initdb -D '$PG_TEST_DATA' -U test --pwfile='$PG_TEST_DATA.pw' \
        --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    rm -f "$PG_TEST_DATA.pw"
    su postgres -s /bin/sh -c "$bin/pg_ctl -D '$PG_TEST_DATA' -l '$PG_TEST_DATA/server.log' -w -t 60 \
        -o \"-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories='$PG_TEST_DATA' -c max_connections=200\" start" >/dev/null
    export EMPLOYMENT_DOMAIN_TEST_POSTGRES_URL="postgresql://test:test@127.0.0.1:$pg_port/postgres"
    echo "postgres: running on 127.0.0.1:$pg_port ($PG_TEST_DATA)"
}

pg_stop() {
    [ -n "${PG_TEST_DATA:-}" ] || return 0
    su postgres -s /bin/sh -c "$(pg_bin)/pg_ctl -D '$PG_TEST_DATA' -m fast -w stop" >/dev/null || true
    rm -rf "$PG_TEST_DATA"
}

case "${1:-}" in
    start) pg_start ;;
    stop) pg_stop ;;
    *) echo "usage: source .ci/postgres.sh start|stop" >&2; return 2 2>/dev/null || exit 2 ;;
esac

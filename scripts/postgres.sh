#!/usr/bin/env bash
# A PostgreSQL server of our own, on loopback only: throwaway for the test suite,
# durable for `make serve` (JAMPORTAL_PG_DURABLE=1).
#   scripts/postgres.sh start   starts it (creating it the first time) and prints its DATABASE_URL
#   scripts/postgres.sh stop    stops it
set -euo pipefail

port=${JAMPORTAL_PG_PORT:-54329}
dir=${JAMPORTAL_PG_DIR:-/tmp/jamportal-pg-$(id -u)}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
    echo "The PostgreSQL server is not installed: run scripts/system-packages.sh test" >&2
    exit 1
fi

# PostgreSQL refuses to run as root; as root, run it as the postgres user.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

case ${1:-start} in
start)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        [ "$(id -u)" = 0 ] && chown postgres: "$dir"
        as_owner "$bin/initdb" -D "$dir/data" -U jamportal -A trust -E UTF8 --no-sync >/dev/null
    fi
    if ! running; then
        options="-p $port -k $dir -c listen_addresses=127.0.0.1"
        # Durability is not wanted for test data: trade it for speed.
        [ -n "${JAMPORTAL_PG_DURABLE:-}" ] || options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$options" start >/dev/null
    fi
    if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U jamportal -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'jamportal'" | grep -q 1; then
        as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U jamportal jamportal
    fi
    echo "postgres://jamportal@127.0.0.1:$port/jamportal"
    ;;
stop)
    if running; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac

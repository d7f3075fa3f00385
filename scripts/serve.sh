#!/usr/bin/env bash
# `make serve`: JamPortal as production runs it, on this machine, all on loopback:
# PostgreSQL and Redis of its own (state in var/serve/), nginx serving the static
# files and the photos and passing the rest to gunicorn, a Celery worker and
# Celery beat, DEBUG off. Stop it with Ctrl+C; everything it started stops with it.
set -euo pipefail
cd "$(dirname "$0")/.."

state=${JAMPORTAL_SERVE_STATE:-$PWD/var/serve}
port=${JAMPORTAL_SERVE_PORT:-8001}
redis_port=${JAMPORTAL_SERVE_REDIS_PORT:-6380}
mkdir -p "$state"
[ -s "$state/secret_key" ] || (umask 077 && .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" >"$state/secret_key")

export DJANGO_DEBUG=false
DJANGO_SECRET_KEY=$(cat "$state/secret_key")
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export JAMPORTAL_SITE_URL=http://127.0.0.1:$port
# Plain HTTP on loopback: no HTTPS redirect, HSTS or HTTPS-only cookies (a real server has them all).
export DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false DJANGO_SECURE_HSTS_SECONDS=0
export DJANGO_MEDIA_ROOT=$state/media DJANGO_STATIC_ROOT=$state/static JAMPORTAL_PRIVATE_MEDIA_ROOT=$state/private-media
export JAMPORTAL_UPLOAD_TEMP_DIR=$state/uploads
# nginx in front sets X-Forwarded-For: the per-address limits count visitors, not nginx.
export JAMPORTAL_TRUSTED_PROXIES=1
# (assigned before export: `export X=$(...)` would hide a failure from set -e)
DATABASE_URL=$(JAMPORTAL_PG_DIR=$state/pg JAMPORTAL_PG_PORT=${JAMPORTAL_SERVE_PG_PORT:-54330} JAMPORTAL_PG_DURABLE=1 scripts/postgres.sh start)
export DATABASE_URL
export CELERY_BROKER_URL=redis://127.0.0.1:$redis_port/0 CACHE_URL=redis://127.0.0.1:$redis_port/1

children=()
stop() {
    trap - EXIT INT TERM
    echo "Stopping..."
    # Redis (the first child) goes last: beat and the worker wait for it while they stop.
    for pid in "${children[@]:1}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${children[@]:1}"; do wait "$pid" 2>/dev/null || true; done
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    wait 2>/dev/null || true
    JAMPORTAL_PG_DIR=$state/pg scripts/postgres.sh stop
}
trap stop EXIT INT TERM

# Cached pages expire and may be evicted; queued tasks and cache versions never expire, so are kept.
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$state" --save "" --appendonly no \
    --maxmemory 256mb --maxmemory-policy volatile-lru >"$state/redis.log" 2>&1 &
children+=($!)
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done

py=.venv/bin/python
$py manage.py migrate --no-input -v0
$py manage.py collectstatic --no-input -v0
$py manage.py build_gazetteer --if-missing
DJANGO_DEBUG=true $py manage.py load_demo   # demo Jams to look at (load_demo refuses to run with DEBUG off)
export JAMPORTAL_SERVE_STATE=$state
if [ -n "${JAMPORTAL_SERVE_SETUP:-}" ]; then $py "$JAMPORTAL_SERVE_SETUP"; fi   # e.g. bench/load_setup.py

workers=$((2 * $(nproc) + 1))
# The worker at a lower priority than the web: what it does can wait (booth uploads are
# answered once stored, and cleaned and sized here), a visitor or a booth cannot.
nice -n 10 .venv/bin/celery -A jamportal worker --loglevel INFO --concurrency 2 >"$state/worker.log" 2>&1 &
children+=($!)
.venv/bin/celery -A jamportal beat --loglevel INFO --schedule "$state/celerybeat-schedule" >"$state/beat.log" 2>&1 &
children+=($!)
rm -f "$state/gunicorn.sock"
.venv/bin/gunicorn jamportal.wsgi --bind "unix:$state/gunicorn.sock" --workers "$workers" --access-logfile - &
children+=($!)

# nginx from Debian, in the foreground with a configuration of our own (scripts/nginx.conf).
mkdir -p "$state/nginx" "$state/media"
brotli=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
load_brotli="" brotli_static=""
if [ -f "$brotli" ]; then load_brotli="load_module $brotli;" brotli_static="brotli_static on;"; fi
sed -e "s|@STATE@|$state|g" -e "s|@PORT@|$port|g" -e "s|@STATIC_ROOT@|$DJANGO_STATIC_ROOT|g" \
    -e "s|@MEDIA_ROOT@|$DJANGO_MEDIA_ROOT|g" -e "s|@LOAD_BROTLI@|$load_brotli|" -e "s|@BROTLI_STATIC@|$brotli_static|" \
    scripts/nginx.conf >"$state/nginx/nginx.conf"
until [ -S "$state/gunicorn.sock" ]; do sleep 0.1; done
"$(command -v nginx || echo /usr/sbin/nginx)" -e "$state/nginx/error.log" -c "$state/nginx/nginx.conf" -g "daemon off;" &
children+=($!)
echo "JamPortal on http://127.0.0.1:$port/ (nginx, $workers gunicorn workers; worker and beat logs in var/serve/)"
wait -n "${children[@]}"

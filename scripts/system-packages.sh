#!/usr/bin/env bash
# Install the Debian/Ubuntu packages JamPortal needs, only when something is missing.
#   scripts/system-packages.sh run    what `make run` needs
#   scripts/system-packages.sh serve  what `make serve` needs as well (PostgreSQL, Redis, nginx)
#   scripts/system-packages.sh test   what `make test` needs as well (servers, browser)
#   scripts/system-packages.sh load   what `make load` needs as well (wrk)
set -euo pipefail

missing=()
need() { # need <package> <check command...>
    local package=$1
    shift
    "$@" >/dev/null 2>&1 || missing+=("$package")
}

need python3-venv python3 -c "import ensurepip, venv"
need gettext command -v msgfmt
# WeasyPrint (posters, flyers) draws text with Pango; Noto covers every script we print.
need libpango-1.0-0 bash -c "ldconfig -p | grep -q libpango-1.0.so.0"
need libpangoft2-1.0-0 bash -c "ldconfig -p | grep -q libpangoft2-1.0.so.0"
need fonts-noto-core test -d /usr/share/fonts/truetype/noto
need fonts-noto-cjk bash -c "ls /usr/share/fonts/opentype/noto/NotoSansCJK*"
need npm command -v npm   # the maps' base layer (country outlines); for make test also axe-core and Lighthouse
if [ "${1:-run}" != run ]; then
    need redis-server command -v redis-server
    need postgresql bash -c "ls /usr/lib/postgresql/*/bin/initdb"
    need nginx test -x /usr/sbin/nginx   # make serve: nginx serves static files and photos
    need libnginx-mod-http-brotli-static test -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so
fi
if [ "${1:-run}" = load ]; then
    need wrk command -v wrk
fi
if [ "${1:-run}" = test ]; then
    need chromium command -v chromium
    need poppler-utils command -v pdftotext
    need default-jre-headless command -v java   # the Nu HTML checker (vnu.jar)
    # The booth's printing: a real CUPS server with its PDF printer, and pycups built against it.
    need cups test -x /usr/sbin/cupsd
    need printer-driver-cups-pdf test -x /usr/lib/cups/backend/cups-pdf
    need libcups2-dev test -f /usr/include/cups/cups.h
    need gcc command -v gcc
fi

[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

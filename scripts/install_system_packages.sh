#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing: chromium (the
# real-browser tests drive Debian's build; Playwright's own download does not work offline),
# npm (Leaflet comes from the npm registry) and make. Needs root; does nothing if all are there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v make >/dev/null 2>&1 || missing+=(make)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Install them as root:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}" </dev/null

#!/usr/bin/env bash
# Install the Debian packages the test suite drives for real: chromium (browser tests) and
# postgresql (the storage and API tests run against a throwaway server). Nothing is installed
# when both are present. Needs root or sudo; otherwise says what to run and fails.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null \
    || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    run=()
elif command -v sudo >/dev/null; then
    run=(sudo)
else
    echo "test-deps: missing Debian packages: ${missing[*]}" >&2
    echo "test-deps: run 'sudo apt-get install -y ${missing[*]}' and try again" >&2
    exit 1
fi
echo "test-deps: installing ${missing[*]} from Debian's packages" >&2
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null

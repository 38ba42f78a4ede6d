#!/bin/sh
# Install the Debian packages loginrec needs to build, run and test.
# Idempotent: installs only what is missing. Needs root or sudo (apt only).
#   scripts/deps.sh          build, run and test (make run, make check)
#   scripts/deps.sh bench    and the benchmarks' tools too (make bench)
set -eu

PKGS="build-essential cmake ninja-build pkg-config
libmicrohttpd-dev libcurl4-openssl-dev libsqlite3-dev libpq-dev postgresql-15
libjansson-dev libsodium-dev libcmocka-dev
libevtx-dev libbfio-dev libevtx-utils libsystemd-dev
sqlite3 curl python3 tzdata tinyproxy-bin
clang libclang-rt-14-dev
chromium chromium-driver python3-selenium fonts-noto-cjk valgrind
gcc-mingw-w64-x86-64 wine64 wixl dpkg-dev lintian file man-db systemd prometheus python3-aiosmtpd openssl"
if [ "${1:-}" = bench ]; then
    PKGS="$PKGS wrk nginx-light gnuplot-nox linux-perf"
fi

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "deps: missing packages:$missing; run as root or install sudo" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing

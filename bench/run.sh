#!/bin/sh
# make bench: runs every benchmark against the release build and prints its
# figures (each compares itself with a baseline measured in the same run).
set -eu
BUILD=${1:-build}
RUNS=${RUNS:-5}
mkdir -p "$BUILD/bench-tmp"
echo "== bench_links"
"$BUILD/bench_links" "$BUILD/bench-tmp" "$RUNS"
echo "== lanscope_parse"
bash "$(dirname "$0")/lanscope_parse.sh" "$BUILD" "$RUNS"
echo "== kot_delivery"
bash "$(dirname "$0")/kot_delivery.sh" "$BUILD" "$RUNS"
echo "== load"
bash "$(dirname "$0")/load.sh" "$BUILD"
rm -rf "$BUILD/bench-tmp"

#!/bin/sh
# make fuzz: runs every libFuzzer target of tests/fuzz for SECONDS each,
# starting from its seed corpus (tests/fuzz/corpus/NAME). New inputs go to a
# scratch folder, never into the repository. A crash stops with the input
# that caused it (turn it into a unit test, then fix the bug).
#   scripts/fuzz.sh BUILD_DIR SECONDS
set -eu
BUILD=$1
SECONDS_EACH=${2:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK="$BUILD/fuzz-work"
export TMPDIR="$WORK" # fuzz_http keeps its throw-away store here
mkdir -p "$WORK"
status=0
for src in "$ROOT"/tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    corpus="$ROOT/tests/fuzz/corpus/${name#fuzz_}"
    scratch="$WORK/$name"
    mkdir -p "$scratch" "$WORK/crashes"
    printf 'fuzz %-18s %ss ... ' "$name" "$SECONDS_EACH"
    # -timeout: an input's limit; fuzz_http's own hang limit (60 s) is
    # shorter, so it, not libFuzzer's alarm, says what kind of hang it was
    if "$BUILD/$name" -max_total_time="$SECONDS_EACH" -timeout=90 -rss_limit_mb=2048 \
        -artifact_prefix="$WORK/crashes/$name-" -print_final_stats=1 \
        "$scratch" "$corpus" >"$WORK/$name.log" 2>&1; then
        echo "ok ($(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$name.log") runs)"
    else
        echo "FAILED: see $WORK/$name.log"
        grep -E 'ERROR|SUMMARY|Test unit written' "$WORK/$name.log" | head -5
        status=1
    fi
done
exit $status

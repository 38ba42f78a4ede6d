#!/bin/bash
# Ingest end to end: one LanScope CSV of ROWS rows (bench/gen_lanscope.py,
# fixed seed: EMPLOYEES users logging on and off on consecutive days) through
# `loginrec ingest --source lanscope` into SQLite, day engine, punches and
# outbox included, for a company whose EMPLOYEES employees come from a KoT
# sync and are all linked.
# Baseline, same run, same file: `sqlite3 .import` of the same rows into a
# table with the same indexes as log_events (its unique natural key, time,
# source + time, and the partial one of other operations), mapped onto the
# CSV's columns.
# Ratio: our time over the baseline's time (goal: 1.2 or less, issue 24).
# Leaves the filled database at BENCH_DB for memory.sh and log_view.sh.
#   bench/ingest_e2e.sh BUILD_DIR   (ROWS, EMPLOYEES, RUNS from the environment)
set -eu
BUILD=$(cd "$1" && pwd)
ROWS=${ROWS:-1000000}
EMPLOYEES=${EMPLOYEES:-10000}
RUNS=${RUNS:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
BENCH_DB=${BENCH_DB:-$BUILD/bench-tmp/bench.db}

FILE="$BUILD/bench-tmp/lanscope-$ROWS.csv"
[ -f "$FILE" ] || python3 "$HERE/gen_lanscope.py" "$FILE" "$ROWS" "$EMPLOYEES"
cat "$FILE" > /dev/null # in the page cache for both

start_sim bench
rm -f "$BENCH_DB"*
company "$T/empty.db" BEN "$EMPLOYEES" > /dev/null
kill "$SIM_PID"; SIM_PID=""

baseline() {
    rm -f "$T/base.db"
    sqlite3 "$T/base.db" <<EOF
CREATE TABLE ev (sub TEXT, agent TEXT, logged TEXT, ts TEXT, account TEXT, kind TEXT, host TEXT);
CREATE UNIQUE INDEX ev_key ON ev(sub, account, ts, host, kind, agent);
CREATE INDEX ev_time ON ev(sub, ts);
CREATE INDEX ev_source_time ON ev(sub, agent, ts);
CREATE INDEX ev_other ON ev(sub, ts) WHERE kind NOT IN ('1', '2');
.import --csv --skip 1 $FILE ev
EOF
}
ours() {
    rm -f "$BENCH_DB"*
    cp "$T/empty.db" "$BENCH_DB"
    cp "$T/empty.db.key" "$BENCH_DB.key"
    "$BUILD/loginrec" --db "$BENCH_DB" ingest BEN "$FILE" --source lanscope > "$T/ingest.out"
}
o=(); b=()
# each timed on a quiet disk: the other's dirty pages are written back first
for _ in $(seq 1 "$RUNS"); do
    sync; t0=$(now_ms); baseline; t1=$(now_ms); b+=($((t1 - t0)))
    sync; t0=$(now_ms); ours; t1=$(now_ms); o+=($((t1 - t0)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
om=$(median "${o[@]}"); bm=$(median "${b[@]}")
events=$(sqlite3 "$BENCH_DB" 'SELECT count(*) FROM log_events')
punches=$(sqlite3 "$BENCH_DB" "SELECT count(*) FROM punches WHERE state = 'active'")
base_rows=$(sqlite3 "$T/base.db" 'SELECT count(*) FROM ev')
mib=$(($(stat -c %s "$FILE") / 1048576))
python3 - "$om" "$bm" "$ROWS" "$events" "$punches" "$base_rows" "$EMPLOYEES" "$mib" "$RUNS" \
    > "$T/part.json" <<'PY'
import json, sys
om, bm, rows, events, punches, base_rows, emps, mib, runs = map(float, sys.argv[1:])
print(json.dumps({"value": round(events / (om / 1000)), "unit": "events/s",
    "baseline": round(rows / (bm / 1000)), "ratio": round(om / bm, 3),
    "detail": {"ratio_means": "our time / sqlite3 .import time (goal <= 1.2)",
               "rows": int(rows), "file_mib": int(mib), "employees": int(emps),
               "events_stored": int(events), "punches_active": int(punches),
               "ours_ms": om, "baseline_ms": bm, "baseline_rows": int(base_rows),
               "runs": int(runs)}}))
PY
part ingest_e2e "$(cat "$T/part.json")"
awk -v o="$om" -v b="$bm" -v rows="$ROWS" -v ev="$events" -v p="$punches" -v mib="$mib" 'BEGIN {
    printf "file         %d rows, %d MiB CP932; %d events stored, %d punches\n", rows, mib, ev, p
    printf "loginrec     %8.0f ms  %9.0f events/s (parse, store, day engine, punches, outbox)\n", o, ev / (o / 1000)
    printf "sqlite3      %8.0f ms  %9.0f rows/s (.import into a table with the same indexes)\n", b, rows / (b / 1000)
    printf "ratio        %.2fx the baseline'"'"'s time (goal 1.2x)\n", o / b
}'

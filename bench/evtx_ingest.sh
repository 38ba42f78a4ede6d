#!/bin/bash
# A PC's own Windows log through `loginrec ingest`, two figures:
# - Winlogbeat's file output (ECS JSON lines, bench/gen_winlogbeat.py) of
#   ROWS records, in files of 200,000, against ingest_e2e's LanScope CSV
#   (one file) of the same number of
#   events (bench/gen_lanscope.py: the same people, days and times), each
#   into a copy of one empty database whose EMPLOYEES employees are linked
#   for both. Ratio: the Winlogbeat file's time over the CSV's (goal 1.3).
# - .evtx files (tests/data/evtx, real logs) through the libevtx helper
#   into a fresh database, EVTX_ROUNDS times, against libevtx's own
#   `evtxexport` of the same files. Ratio: our time over evtxexport's
#   (goal 2).
#   bench/evtx_ingest.sh BUILD_DIR   (ROWS, EMPLOYEES, EVTX_ROUNDS from the environment)
set -eu
BUILD=$(cd "$1" && pwd)
ROWS=${ROWS:-1000000}
EMPLOYEES=${EMPLOYEES:-10000}
EVTX_ROUNDS=${EVTX_ROUNDS:-10}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
command -v evtxexport >/dev/null || { echo "bench: evtxexport is missing (apt-get install libevtx-utils)" >&2; exit 2; }

CSV="$BUILD/bench-tmp/lanscope-$ROWS.csv"
ECS="$BUILD/bench-tmp/winlogbeat-$ROWS.ndjson"
[ -f "$CSV" ] || python3 "$HERE/gen_lanscope.py" "$CSV" "$ROWS" "$EMPLOYEES"
[ -f "$ECS" ] || python3 "$HERE/gen_winlogbeat.py" "$ECS" "$ROWS" "$EMPLOYEES"
cat "$CSV" "$ECS" > /dev/null # in the page cache for both

start_sim bench
company "$T/empty.db" BEN "$EMPLOYEES" > /dev/null
kill "$SIM_PID"; SIM_PID=""
python3 - "$T/windows.csv" "$EMPLOYEES" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write('"連携種別","種別コード","打刻先アカウント","姓・名","サービスアカウント"\r\n')
    for i in range(int(sys.argv[2])):
        f.write('"Windows連携","4","%05d","社員 %d","user%05d"\r\n' % (i, i, i))
PY
"$BUILD/loginrec" --db "$T/empty.db" links import BEN "$T/windows.csv" > /dev/null

# ingest DB FILE SOURCE: one file into a fresh copy of the empty database
ingest() {
    rm -f "$1"*
    cp "$T/empty.db" "$1"
    cp "$T/empty.db.key" "$1.key"
    "$BUILD/loginrec" --db "$1" ingest BEN "$2" --source "$3" > "$1.out"
}
# Winlogbeat's files rotate (10 MiB by default) and one file goes in whole
# or not at all, within the CLI's 256 MiB: the records go in files of
# 200,000 lines (82 MiB), one after the other, as the agent sends them
split -l 200000 -d -a 3 "$ECS" "$T/ecs-part-"
sync; t0=$(now_ms); ingest "$T/csv.db" "$CSV" lanscope; t1=$(now_ms); csv_ms=$((t1 - t0))
sync; t0=$(now_ms)
first=1
for f in "$T"/ecs-part-*; do
    if [ "$first" = 1 ]; then ingest "$T/ecs.db" "$f" winlogbeat; first=0
    else "$BUILD/loginrec" --db "$T/ecs.db" ingest BEN "$f" --source winlogbeat > "$T/ecs.db.out"; fi
done
t1=$(now_ms); ecs_ms=$((t1 - t0))
csv_events=$(sqlite3 "$T/csv.db" 'SELECT count(*) FROM log_events')
ecs_events=$(sqlite3 "$T/ecs.db" 'SELECT count(*) FROM log_events')
csv_punches=$(sqlite3 "$T/csv.db" "SELECT count(*) FROM punches WHERE state = 'active'")
ecs_punches=$(sqlite3 "$T/ecs.db" "SELECT count(*) FROM punches WHERE state = 'active'")

# .evtx: every real log of tests/data/evtx that is whole
EVTX=("$HERE/../tests/data/evtx/post-Security.evtx" "$HERE/../tests/data/evtx/Security_with_size_t.evtx"
      "$HERE/../tests/data/evtx/system.evtx")
records=0
for f in "${EVTX[@]}"; do
    records=$((records + $(evtxexport "$f" 2>/dev/null | grep -c '^Event number')))
done
t0=$(now_ms)
for _ in $(seq 1 "$EVTX_ROUNDS"); do
    rm -f "$T/evtx.db"*; cp "$T/empty.db" "$T/evtx.db"; cp "$T/empty.db.key" "$T/evtx.db.key"
    for f in "${EVTX[@]}"; do
        "$BUILD/loginrec" --db "$T/evtx.db" ingest BEN "$f" --source evtx > /dev/null
    done
done
t1=$(now_ms); evtx_ms=$((t1 - t0))
t0=$(now_ms)
for _ in $(seq 1 "$EVTX_ROUNDS"); do
    for f in "${EVTX[@]}"; do evtxexport "$f" > /dev/null 2>&1; done
done
t1=$(now_ms); export_ms=$((t1 - t0))

python3 - "$ecs_ms" "$csv_ms" "$ROWS" "$ecs_events" "$csv_events" "$ecs_punches" "$csv_punches" \
    "$EMPLOYEES" "$evtx_ms" "$export_ms" "$records" "$EVTX_ROUNDS" "$T" <<'PY'
import json, sys
(ecs, csv, rows, ecs_ev, csv_ev, ecs_p, csv_p, emps, evtx, export, records,
 rounds) = map(float, sys.argv[1:13])
out = sys.argv[13]
json.dump({"value": round(ecs_ev / (ecs / 1000)), "unit": "events/s (Winlogbeat JSON lines)",
    "baseline": round(csv_ev / (csv / 1000)), "ratio": round(ecs / csv, 3),
    "detail": {"ratio_means": "Winlogbeat JSON lines' time / the LanScope CSV's (goal <= 1.3)",
               "rows": int(rows), "employees": int(emps), "ecs_files_of": 200000,
               "ecs_ms": ecs, "csv_ms": csv, "ecs_events": int(ecs_ev), "csv_events": int(csv_ev),
               "ecs_punches": int(ecs_p), "csv_punches": int(csv_p)}},
    open(out + "/part.json", "w"))
json.dump({"value": round(records * rounds / (evtx / 1000)), "unit": "records/s (.evtx)",
    "baseline": round(records * rounds / (export / 1000)), "ratio": round(evtx / export, 3),
    "detail": {"ratio_means": "our ingest's time / evtxexport's, same files (goal <= 2)",
               "records_per_round": int(records), "rounds": int(rounds),
               "ours_ms": evtx, "evtxexport_ms": export}},
    open(out + "/part-evtx.json", "w"))
PY
part evtx_ingest "$(cat "$T/part.json")"
part evtx_file "$(cat "$T/part-evtx.json")"
awk -v e="$ecs_ms" -v c="$csv_ms" -v ee="$ecs_events" -v ce="$csv_events" -v ep="$ecs_punches" \
    -v cp="$csv_punches" -v x="$evtx_ms" -v xx="$export_ms" -v r="$records" -v n="$EVTX_ROUNDS" 'BEGIN {
    printf "winlogbeat   %8.0f ms  %9.0f events/s (%d events, %d punches)\n", e, ee / (e / 1000), ee, ep
    printf "lanscope     %8.0f ms  %9.0f events/s (%d events, %d punches)\n", c, ce / (c / 1000), ce, cp
    printf "ratio        %.2fx the LanScope CSV'"'"'s time (goal 1.3x)\n", e / c
    printf "evtx         %8.0f ms  %9.0f records/s (%d records x %d rounds, helper, store, sessions)\n", x, r * n / (x / 1000), r, n
    printf "evtxexport   %8.0f ms  %9.0f records/s (libevtx alone, XML to /dev/null)\n", xx, r * n / (xx / 1000)
    printf "ratio        %.2fx evtxexport'"'"'s time (goal 2x)\n", x / xx
}'

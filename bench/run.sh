#!/bin/sh
# make bench: runs every benchmark against the release build. Each prints
# its figures and the ratio to a baseline measured in the same run on the
# same data; the six main ones (and load) leave an entry in
# RESULTS/parts/, which bench/report.py gathers into RESULTS/results.json
# and draws as RESULTS/results.png.
#   bench/run.sh BUILD_DIR RESULTS_DIR
# Sizes: ROWS, EMPLOYEES, API_EVENTS, LATENCY_EVENTS, LATENCY_RATE, LATENCY_COMPANIES,
# LATENCY_CLIENTS, LATENCY_BASE_EVENTS, LATENCY_BASE_RATE,
# VIEW_LOADS, LOAD_SECONDS, RUNS, INST_EVENTS, INST_EMPLOYEES, INST_COMPANIES,
# INST_DELIVER_S, INST_BUDGET_PUNCHES, FANOUT_COMPANIES, FANOUT_RATE, FANOUT_SIMS,
# FANOUT_BACKLOG, FANOUT_EVENTS, FANOUT_LOAD, DIV_EMPLOYEES, DIV_DIVISIONS (see each
# script).
set -eu
BUILD=$(cd "$1" && pwd)
RESULTS=${2:-$BUILD/bench}
mkdir -p "$RESULTS" "$BUILD/bench-tmp"
RESULTS=$(cd "$RESULTS" && pwd)
export RESULTS RUNS=${RUNS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$RESULTS/parts"
run() { echo; echo "== $1"; shift; "$@"; }
run "ingest_e2e: 1,000,000 LanScope rows through loginrec ingest vs sqlite3 .import" \
    bash "$HERE/ingest_e2e.sh" "$BUILD"
run "memory and log_view: loginrecd serving the admin UI on that database" \
    bash "$HERE/log_view.sh" "$BUILD"
run "evtx_ingest: 1,000,000 Winlogbeat records vs the LanScope CSV; .evtx vs evtxexport" \
    bash "$HERE/evtx_ingest.sh" "$BUILD"
run "ingest_api: batches of 1,000 events from 4 clients vs the CLI" bash "$HERE/ingest_api.sh" "$BUILD"
run "day_engine: derivations vs sorting" bash "$HERE/day_engine.sh" "$BUILD"
run "divergence: the 乖離 report for 10,000 employees x 31 days vs reading its rows" \
    bash "$HERE/divergence.sh" "$BUILD"
run "latency and durability: event 200 -> punch at KING OF TIME at 1,000 events/s, and the fsyncs it costs" \
    bash "$HERE/latency.sh" "$BUILD"
run "load: 256 connections with wrk, nginx as the ceiling" bash "$HERE/load.sh" "$BUILD"
python3 - "$RESULTS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1] + "/load.json"))
json.dump({"value": r["read"]["rps"], "unit": "requests/s (read API, 256 connections)",
           "baseline": r["nginx"]["rps"], "ratio": round(r["nginx"]["rps"] / r["read"]["rps"], 2),
           "detail": dict(r, ratio_means="nginx's requests/s for a file of the same size / the read API's")},
          open(sys.argv[1] + "/parts/load.json", "w"))
PY
run "bench_links: the link CSV for 10,000 employees" "$BUILD/bench_links" "$BUILD/bench-tmp" "$RUNS"
run "lanscope_parse: the LanScope parser vs sqlite3 .import --csv" \
    bash "$HERE/lanscope_parse.sh" "$BUILD" "$RUNS"
run "kot_delivery: punches/s against the simulator's budget" bash "$HERE/kot_delivery.sh" "$BUILD" "$RUNS"
run "kot_fanout: one instance delivering to 200 companies at once" bash "$HERE/kot_fanout.sh" "$BUILD"
run "instances: ingest and delivery, SQLite vs 1 and 3 instances on PostgreSQL; one budget" \
    bash "$HERE/instances.sh" "$BUILD"
echo
echo "== results"
python3 "$HERE/report.py" "$RESULTS"
echo "results: $RESULTS/results.json"
rm -rf "$BUILD/bench-tmp"

#!/bin/bash
# Instances: ingest events/s and delivered punches/s with 1 loginrecd on
# SQLite (the baseline), and 1 and 3 loginrecd on one PostgreSQL 15 (a
# throw-away cluster with PostgreSQL's durable defaults, started by
# tests/pg/cluster.sh), in the same run on the same data.
# - ingest: INST_EVENTS events (default 60,000) in batches of 500 from 6
#   clients, spread over the instances, delivery off;
# - delivery: then punch delivery is switched on and the instances drain
#   the outbox to the KING OF TIME simulator (no budget, KoT rate 100/s per
#   instance); punches/s until
#   the last is done.
# Ratios: each configuration's rate over SQLite's.
#   bench/instances.sh BUILD_DIR
set -eu
BUILD=$(cd "$1" && pwd)
EVENTS=${INST_EVENTS:-60000}
EMPLOYEES=${INST_EMPLOYEES:-1000}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PGDIR="$T/pg"
stop_pg() { sh "$HERE/../tests/pg/cluster.sh" stop "$PGDIR" || true; }
trap 'stop_pg; bench_cleanup' EXIT
PG_DURABLE=1 sh "$HERE/../tests/pg/cluster.sh" start "$PGDIR"
PG_URL=$(cat "$PGDIR/url")
export LOGINREC_KEY
LOGINREC_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
start_sim bench

PIDS=()
# run NAME DB INSTANCES: one configuration; prints a JSON line
run() {
    local name=$1 db=$2 n=$3 token urls="" logs=() t0 t1 total
    token=$(company "$db" BEN "$EMPLOYEES")
    PIDS=()
    for i in $(seq 1 "$n"); do
        start_loginrecd "$db" --threads 4
        cp "$T/loginrecd.log" "$T/$name-$i.log"
        PIDS+=("$LRD_PID")
        urls="$urls${urls:+,}$URL"
    done
    python3 "$HERE/ingest_api.py" "$urls" "$token" "$EVENTS" 500 6 "$EMPLOYEES" "$T/events-$name" \
        > "$T/$name-ingest.json"
    total=$("$BUILD/loginrec" --db "$db" punches BEN --from 2026-06-01 --to 2027-05-31 | tail -n +2 | wc -l)
    t0=$(now_ms)
    printf 'bench\n' | "$BUILD/loginrec" --db "$db" kot set BEN --token - --rate 100 \
        --delivery on >/dev/null
    for _ in $(seq 1 3000); do
        left=$("$BUILD/loginrec" --db "$db" outbox BEN | sed -n 's/^# \([0-9]*\) pending, \([0-9]*\) sending, \([0-9]*\) failed.*/\1 \2 \3/p')
        [ "$left" = "0 0 0" ] && break
        sleep 0.2
    done
    t1=$(now_ms)
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    python3 - "$T/$name-ingest.json" "$total" "$((t1 - t0))" "$n" "$left" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
total, ms, n, left = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
print(json.dumps({"instances": n, "ingest_events_per_s": r["events_per_s"],
                  "ingest_p99_batch_ms": r["p99_batch_ms"], "ingest_errors": r["errors"],
                  "punches": total, "deliver_seconds": round(ms / 1000, 2),
                  "punches_per_s": round(total / (ms / 1000)), "left": left}))
PY
}

# companies come from the simulator's employees; ingest with delivery off
run sqlite "$T/bench.db" 1 > "$T/r-sqlite.json"
psql "$PG_URL" -qX -c "CREATE DATABASE bench1" -c "CREATE DATABASE bench3" >/dev/null
run pg1 "${PG_URL%/*}/bench1" 1 > "$T/r-pg1.json"
run pg3 "${PG_URL%/*}/bench3" 3 > "$T/r-pg3.json"

python3 - "$T/r-sqlite.json" "$T/r-pg1.json" "$T/r-pg3.json" "$RESULTS/instances.json" <<'PY'
import json, sys
s, p1, p3 = (json.load(open(f)) for f in sys.argv[1:4])
print("%-28s %14s %14s %12s %14s" % ("", "ingest ev/s", "p99 batch ms", "punches", "delivered/s"))
for name, r in (("SQLite, 1 instance", s), ("PostgreSQL, 1 instance", p1), ("PostgreSQL, 3 instances", p3)):
    print("%-28s %14d %14.0f %12d %14d   (ingest %.2fx, delivery %.2fx SQLite's)" % (
        name, r["ingest_events_per_s"], r["ingest_p99_batch_ms"], r["punches"], r["punches_per_s"],
        r["ingest_events_per_s"] / s["ingest_events_per_s"], r["punches_per_s"] / s["punches_per_s"]))
    if r["ingest_errors"] or r["left"] != "0 0 0":
        print("  WARNING: %d ingest errors, outbox left %s" % (r["ingest_errors"], r["left"]))
json.dump({"sqlite": s, "pg1": p1, "pg3": p3}, open(sys.argv[4], "w"), indent=1)
PY

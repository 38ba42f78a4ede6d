#!/bin/bash
# Instances: ingest events/s and delivered punches/s with 1 loginrecd on
# SQLite (the baseline), and 1 and 3 loginrecd on one PostgreSQL 15 (a
# throw-away cluster with PostgreSQL's durable defaults, started by
# tests/pg/cluster.sh), in the same run on the same data.
# - ingest: INST_EVENTS events (default 60,000) of INST_EMPLOYEES employees
#   (default 1,000) in batches of 500 from 6 clients, spread over the
#   instances and over INST_COMPANIES companies (default 3; each has the
#   same employees and links), delivery off;
# - delivery: then punch delivery is switched on (KoT rate 100/s, the most
#   a company may set) and the instances deliver to the KING OF TIME
#   simulator for INST_DELIVER_S seconds (default 20); punches/s is what
#   the simulator received in that window, each checked to be there once.
# Ratios: each configuration's rate over SQLite's. Leaves RESULTS/instances.json
# and the results.json entries instances_ingest and instances_delivery.
#   bench/instances.sh BUILD_DIR
set -eu
BUILD=$(cd "$1" && pwd)
EVENTS=${INST_EVENTS:-60000}
EMPLOYEES=${INST_EMPLOYEES:-1000}
WINDOW=${INST_DELIVER_S:-20}
COMPANIES=${INST_COMPANIES:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PGDIR="$T/pg"
PIDS=()
stop_all() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    PIDS=()
}
trap 'stop_all; sh "$HERE/../tests/pg/cluster.sh" stop "$PGDIR" || true; bench_cleanup' EXIT
PG_DURABLE=1 sh "$HERE/../tests/pg/cluster.sh" start "$PGDIR"
PG_URL=$(cat "$PGDIR/url")
export LOGINREC_KEY
LOGINREC_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
start_sim bench

sim_held() { curl -sS "$SIM/_sim/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["punches_held"])'; }

# run NAME DB INSTANCES: one configuration; prints a JSON line
run() {
    local name=$1 db=$2 n=$3 tokens="" urls="" total=0 t0 held ms c
    for c in $(seq 1 "$COMPANIES"); do
        tokens="$tokens${tokens:+,}$(company "$db" "BN$c" "$EMPLOYEES")"
    done
    sim_all_employees
    for i in $(seq 1 "$n"); do
        LRD_LOG="$T/$name-$i.log" start_loginrecd "$db" --threads 4
        PIDS+=("$LRD_PID")
        urls="$urls${urls:+,}$URL"
    done
    LRD_PID=""
    python3 "$HERE/ingest_api.py" "$urls" "$tokens" "$EVENTS" 500 6 "$EMPLOYEES" "$T/events-$name" \
        > "$T/$name-ingest.json"
    for c in $(seq 1 "$COMPANIES"); do
        total=$((total + $("$BUILD/loginrec" --db "$db" punches "BN$c" --from 2026-06-01 --to 2027-05-31 | tail -n +2 | wc -l)))
    done
    curl -sS -X POST "$SIM/_sim/reset" -d '{}' >/dev/null
    t0=$(now_ms)
    for c in $(seq 1 "$COMPANIES"); do
        printf 'bench\n' | "$BUILD/loginrec" --db "$db" kot set "BN$c" --token - --rate 100 \
            --delivery on >/dev/null
    done
    sleep "$WINDOW"
    held=$(sim_held)
    ms=$(($(now_ms) - t0))
    stop_all
    curl -sS "$SIM/_sim/punches" > "$T/$name-punches.json"
    python3 - "$T/$name-ingest.json" "$T/$name-punches.json" "$total" "$held" "$ms" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))
total, held, ms, n = (int(a) for a in sys.argv[3:7])
twice = len(got) - len({(p["employeeKey"], p["date"], p["time"], p["code"]) for p in got})
print(json.dumps({"instances": n, "ingest_events_per_s": r["events_per_s"],
                  "ingest_p99_batch_ms": r["p99_batch_ms"], "ingest_errors": r["errors"],
                  "punches": total, "delivered": held, "deliver_seconds": round(ms / 1000, 2),
                  "punches_per_s": round(held / (ms / 1000)), "sent_twice": twice}))
PY
}

run sqlite "$T/bench.db" 1 > "$T/r-sqlite.json"
psql "$PG_URL" -qX -c "CREATE DATABASE bench1" -c "CREATE DATABASE bench3" >/dev/null
run pg1 "${PG_URL%/*}/bench1" 1 > "$T/r-pg1.json"
run pg3 "${PG_URL%/*}/bench3" 3 > "$T/r-pg3.json"

python3 - "$T/r-sqlite.json" "$T/r-pg1.json" "$T/r-pg3.json" "$RESULTS/instances.json" "$RESULTS" <<'PY'
import json, sys
s, p1, p3 = (json.load(open(f)) for f in sys.argv[1:4])
print("%-26s %12s %13s %10s %12s" % ("", "ingest ev/s", "p99 batch ms", "punches", "delivered/s"))
for name, r in (("SQLite, 1 instance", s), ("PostgreSQL, 1 instance", p1), ("PostgreSQL, 3 instances", p3)):
    print("%-26s %12d %13.0f %10d %12d   (ingest %.2fx, delivery %.2fx SQLite's)" % (
        name, r["ingest_events_per_s"], r["ingest_p99_batch_ms"], r["punches"], r["punches_per_s"],
        r["ingest_events_per_s"] / s["ingest_events_per_s"], r["punches_per_s"] / s["punches_per_s"]))
    if r["ingest_errors"] or r["sent_twice"]:
        print("  WARNING: %d ingest errors, %d punches sent twice" % (r["ingest_errors"], r["sent_twice"]))
json.dump({"sqlite": s, "pg1": p1, "pg3": p3}, open(sys.argv[4], "w"), indent=1)
detail = {"sqlite_1": s, "postgresql_1": p1, "postgresql_3": p3}
for part, key, unit, what in (
        ("instances_ingest", "ingest_events_per_s", "events/s (3 instances on PostgreSQL)", "ingest"),
        ("instances_delivery", "punches_per_s", "punches/s (3 instances on PostgreSQL)", "delivery")):
    json.dump({"value": p3[key], "unit": unit, "baseline": s[key],
               "ratio": round(p3[key] / s[key], 2),
               "detail": dict(detail, ratio_means="3 PostgreSQL instances' %s rate / 1 SQLite "
                              "instance's (PostgreSQL with 1 instance: %.2f)" % (what, p1[key] / s[key]))},
              open(sys.argv[5] + "/parts/%s.json" % part, "w"))
PY

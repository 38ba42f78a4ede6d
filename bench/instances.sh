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
# - one budget: 3 instances on PostgreSQL deliver INST_BUDGET_PUNCHES
#   punches (default 100) of one company at --rate 5 to a KING OF TIME that
#   allows 5 requests a second (a simulator tenant with that budget):
#   punches/s from the first arrival to the last, and how many answers were
#   rate-limited (goal: none, and at least 0.9x the budget).
# Ratios: each configuration's rate over SQLite's; the budget's, delivered
# over the budget. Leaves RESULTS/instances.json and the results.json entries
# instances_ingest, instances_delivery and instances_budget.
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

# budget DB: one company at --rate 5, three instances, KoT allowing 5/s
budget() {
    local db=$1 n=${INST_BUDGET_PUNCHES:-100} token i urls=""
    python3 - "$n" "$T/bud-tenant.json" "$T/bud-events.json" "$T/bud-links.csv" <<'PY'
import json, sys
n = int(sys.argv[1])
emps = (n + 1) // 2
json.dump([{"name": "bud", "token": "bud-token", "budget": 5, "employees": [
    {"key": "bud%05d" % i, "code": "%05d" % i, "lastName": "社員", "firstName": str(i)}
    for i in range(emps)]}], open(sys.argv[2], "w"))
ev = [{"source": "lanscope", "account": "CORP\\user%05d" % i, "host": "PC", "op": op,
       "time": "2026-08-03T%02d:%02d:00+09:00" % (h, i % 60)}
      for i in range(emps) for h, op in ((9, "logon"), (18, "logoff"))][:n]
json.dump(ev, open(sys.argv[3], "w"))
with open(sys.argv[4], "w", encoding="utf-8") as f:
    f.write('"連携種別","種別コード","打刻先アカウント","姓・名","サービスアカウント"\r\n')
    for i in range(emps):
        f.write('"LanScope連携","2","%05d","社員 %d","CORP\\user%05d"\r\n' % (i, i, i))
PY
    curl -sS -X PUT "$SIM/_sim/tenants" --data-binary @"$T/bud-tenant.json" >/dev/null
    "$BUILD/loginrec" --db "$db" init >/dev/null
    "$BUILD/loginrec" --db "$db" company add BUD Budget >/dev/null
    printf 'bud-token\n' | "$BUILD/loginrec" --db "$db" kot set BUD --base-url "$SIM" --token - \
        --rate 5 >/dev/null
    "$BUILD/loginrec" --db "$db" kot sync BUD >/dev/null
    "$BUILD/loginrec" --db "$db" links import BUD "$T/bud-links.csv" >/dev/null
    "$BUILD/loginrec" --db "$db" ingest BUD "$T/bud-events.json" >/dev/null
    curl -sS -X POST "$SIM/_sim/reset" -d '{}' >/dev/null
    for i in 1 2 3; do
        LRD_LOG="$T/budget-$i.log" start_loginrecd "$db" --threads 2
        PIDS+=("$LRD_PID")
    done
    LRD_PID=""
    "$BUILD/loginrec" --db "$db" kot set BUD --delivery on >/dev/null
    for _ in $(seq 1 1200); do
        [ "$(curl -sS "$SIM/_sim/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tenants"]["bud"].get("punches_held", 0))')" -ge "$n" ] && break
        sleep 0.1
    done
    stop_all
    curl -sS "$SIM/_sim/punches?tenant=bud" > "$T/bud-punches.json"
    curl -sS "$SIM/_sim/stats" > "$T/bud-stats.json"
    python3 - "$T/bud-punches.json" "$T/bud-stats.json" "$n" <<'PY'
import json, sys
got, st, n = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["tenants"]["bud"], int(sys.argv[3])
t = sorted(p["received"] for p in got)
print(json.dumps({"instances": 3, "rate": 5, "budget": 5, "punches": n, "delivered": len(got),
                  "sent_twice": len(got) - len({(p["employeeKey"], p["date"], p["code"]) for p in got}),
                  "rate_limited": st.get("rate_limited", 0),
                  "punches_per_s": round((len(t) - 1) / (t[-1] - t[0]), 2) if len(t) > 1 else 0}))
PY
}

run sqlite "$T/bench.db" 1 > "$T/r-sqlite.json"
psql "$PG_URL" -qX -c "CREATE DATABASE bench1" -c "CREATE DATABASE bench3" \
    -c "CREATE DATABASE budget" >/dev/null
run pg1 "${PG_URL%/*}/bench1" 1 > "$T/r-pg1.json"
run pg3 "${PG_URL%/*}/bench3" 3 > "$T/r-pg3.json"
budget "${PG_URL%/*}/budget" > "$T/r-budget.json"

python3 - "$T/r-sqlite.json" "$T/r-pg1.json" "$T/r-pg3.json" "$RESULTS/instances.json" "$RESULTS" \
    "$T/r-budget.json" <<'PY'
import json, sys
s, p1, p3 = (json.load(open(f)) for f in sys.argv[1:4])
b = json.load(open(sys.argv[6]))
print("%-26s %12s %13s %10s %12s" % ("", "ingest ev/s", "p99 batch ms", "punches", "delivered/s"))
for name, r in (("SQLite, 1 instance", s), ("PostgreSQL, 1 instance", p1), ("PostgreSQL, 3 instances", p3)):
    print("%-26s %12d %13.0f %10d %12d   (ingest %.2fx, delivery %.2fx SQLite's)" % (
        name, r["ingest_events_per_s"], r["ingest_p99_batch_ms"], r["punches"], r["punches_per_s"],
        r["ingest_events_per_s"] / s["ingest_events_per_s"], r["punches_per_s"] / s["punches_per_s"]))
    if r["ingest_errors"] or r["sent_twice"]:
        print("  WARNING: %d ingest errors, %d punches sent twice" % (r["ingest_errors"], r["sent_twice"]))
print("one company at --rate 5, 3 instances, KoT allowing 5/s: %s punches/s (%.2fx the budget), "
      "%d rate-limited, %d of %d delivered, %d twice" % (b["punches_per_s"], b["punches_per_s"] / b["budget"],
      b["rate_limited"], b["delivered"], b["punches"], b["sent_twice"]))
json.dump({"value": b["punches_per_s"], "unit": "punches/s (one company, 3 instances)",
           "baseline": b["budget"], "ratio": round(b["punches_per_s"] / b["budget"], 3),
           "detail": dict(b, ratio_means="punches/s the 3 instances delivered together / the "
                          "company's KoT budget (goal: >= 0.9 and no rate-limited answer)")},
          open(sys.argv[5] + "/parts/instances_budget.json", "w"))
json.dump({"sqlite": s, "pg1": p1, "pg3": p3, "budget": b}, open(sys.argv[4], "w"), indent=1)
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

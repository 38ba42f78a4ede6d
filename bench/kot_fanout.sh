#!/bin/bash
# kot_fanout: one loginrecd on SQLite delivering to many companies at once.
# FANOUT_COMPANIES companies (default 200), each with its own KING OF TIME
# (a tenant of the simulator, its own token) that allows FANOUT_RATE
# requests a second (default 5), and each set to that rate in loginrec.
# The companies are spread over FANOUT_SIMS simulator processes (default 1;
# the simulator, on asyncio, answers about 6,000 fresh connections a second
# alone here).
#   1. throughput: FANOUT_BACKLOG punches per company (default 30) are
#      queued before loginrecd starts; punches/s is what the simulators
#      received from the first arrival to the last; median of RUNS (3),
#      each from the same queued database. Baseline: the sum of
#      the budgets (companies x rate), the most KING OF TIME would take;
#      ratio: delivered / that sum. Goal: >= 1,000 punches/s at 200 x 5/s.
#   2. latency: FANOUT_EVENTS events (default 12,000), one per request,
#      at FANOUT_LOAD of the sum of the budgets (default 0.6) through the
#      ingest API; from each 200 to its punch at the simulator: p50/p99/max
#      (bench/latency.py; its baseline, the client's own round trip of a
#      punch posted straight to a simulator). Goal: p99 < 1 s.
# Every punch is checked to arrive exactly once and none to be
# rate-limited. Leaves RESULTS/parts/kot_fanout.json.
#   bench/kot_fanout.sh BUILD_DIR
set -eu
BUILD=$(cd "$1" && pwd)
NCOMP=${FANOUT_COMPANIES:-200}
RATE=${FANOUT_RATE:-5}
NSIMS=${FANOUT_SIMS:-1}
BACKLOG=${FANOUT_BACKLOG:-30}
EVENTS=${FANOUT_EVENTS:-12000}
LOAD=${FANOUT_LOAD:-0.6}
EMPLOYEES=5
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
DB="$T/fanout.db"
LR="$BUILD/loginrec --db $DB"
SIM_PIDS=()
trap 'for p in "${SIM_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; bench_cleanup' EXIT

SIMS=()
for s in $(seq 1 "$NSIMS"); do
    start_sim bench
    SIM_PIDS+=("$SIM_PID")
    SIMS+=("$SIM")
done
SIM_PID=""

# the companies, their tenants, employees and links
python3 - "$T" "$NCOMP" "$NSIMS" "$EMPLOYEES" "$RATE" "$BACKLOG" <<'PY'
import json, sys
t, ncomp, nsims, emps, rate, backlog = sys.argv[1], *map(int, sys.argv[2:6]), int(sys.argv[6])
tenants = [[] for _ in range(nsims)]
for c in range(ncomp):
    code = "F%05d" % c
    em = [{"key": "%sk%05d" % (code, i), "code": "%05d" % i, "lastName": "社員", "firstName": str(i)}
          for i in range(emps)]
    tenants[c % nsims].append({"name": code, "token": "tok-" + code, "budget": rate, "employees": em})
    with open("%s/links-%s.csv" % (t, code), "w", encoding="utf-8") as f:
        f.write('"連携種別","種別コード","打刻先アカウント","姓・名","サービスアカウント"\r\n')
        for i in range(emps):
            f.write('"LanScope連携","2","%05d","社員 %d","CORP\\user%05d"\r\n' % (i, i, i))
    # the backlog: logons and logoffs, a day at a time
    ev, n, day = [], 0, 0
    while n < backlog:
        for i in range(emps):
            for h, op in ((9, "logon"), (18, "logoff")):
                if n < backlog:
                    ev.append({"source": "lanscope", "account": "CORP\\user%05d" % i, "host": "PC",
                               "op": op, "time": "2026-09-%02dT%02d:%02d:00+09:00" % (1 + day, h, i)})
                    n += 1
        day += 1
    json.dump(ev, open("%s/backlog-%s.json" % (t, code), "w"))
for s in range(nsims):
    json.dump(tenants[s], open("%s/tenants-%d.json" % (t, s), "w"))
PY
for s in $(seq 0 $((NSIMS - 1))); do
    curl -sS -X PUT "${SIMS[$s]}/_sim/tenants" --data-binary @"$T/tenants-$s.json" >/dev/null
done
$LR init >/dev/null
t0=$(now_ms)
for c in $(seq 0 $((NCOMP - 1))); do
    code=$(printf 'F%05d' "$c")
    $LR company add "$code" "Fanout $code" | tail -1 > "$T/token-$code"
    echo "tok-$code" | $LR kot set "$code" --base-url "${SIMS[$((c % NSIMS))]}" --token - --rate "$RATE" \
        --delivery on >/dev/null
done
# each company's sync waits for its own send slots: several at a time
for c in $(seq 0 $((NCOMP - 1))); do printf 'F%05d\n' "$c"; done |
    xargs -P 8 -I{} sh -c "$LR kot sync {} >/dev/null && $LR links import {} $T/links-{}.csv >/dev/null"
for c in $(seq 0 $((NCOMP - 1))); do
    code=$(printf 'F%05d' "$c")
    $LR ingest "$code" "$T/backlog-$code.json" >/dev/null
done
echo "set-up: $NCOMP companies, $((NCOMP * BACKLOG)) punches queued in $(( ($(now_ms) - t0) / 1000 )) s"
for s in "${SIMS[@]}"; do curl -sS -X POST "$s/_sim/reset" -d '{}' >/dev/null; done

# 1. throughput: every company's backlog at once, RUNS times from the same
# queued database; the median run is reported, every run in its detail
for f in "$DB"*; do cp "$f" "$T/queued${f#"$DB"}"; done # the file, its WAL, its key
TOTAL=$((NCOMP * BACKLOG))
held() {
    for s in "${SIMS[@]}"; do curl -sS "$s/_sim/stats"; echo; done |
        python3 -c 'import json, sys; print(sum(t["punches_held"] for l in sys.stdin if l.strip() for t in json.loads(l)["tenants"].values()))'
}
for run in $(seq 1 "${RUNS:-3}"); do
    rm -f "$DB"*
    for f in "$T"/queued*; do cp "$f" "$DB${f#"$T"/queued}"; done
    for s in "${SIMS[@]}"; do curl -sS -X POST "$s/_sim/reset" -d '{}' >/dev/null; done
    start_loginrecd "$DB" --threads 4
    for _ in $(seq 1 600); do [ "$(held)" -ge "$TOTAL" ] && break; sleep 0.5; done
    for s in "${SIMS[@]}"; do curl -sS "$s/_sim/punches?all=1"; echo; curl -sS "$s/_sim/stats"; echo; done > "$T/through.jsonl"
    python3 - "$T/through.jsonl" "$TOTAL" "$NCOMP" "$RATE" >> "$T/through-runs.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
total, ncomp, rate = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
punches = [p for l in lines[0::2] for p in l]
limited = sum(s.get("rate_limited", 0) for s in lines[1::2])
t = sorted(p["received"] for p in punches)
keys = {(p["tenant"], p["employeeKey"], p["date"], p["code"], p["time"]) for p in punches}
per = {}
for p in punches:
    per.setdefault(p["tenant"], []).append(p["received"])
# each company's own rate: its punches over its own span
own = sorted((len(v) - 1) / (max(v) - min(v)) for v in per.values() if len(v) > 1 and max(v) > min(v))
print(json.dumps({"punches": len(punches), "expected": total, "duplicates": len(punches) - len(keys),
                  "rate_limited": limited, "seconds": round(t[-1] - t[0], 2),
                  "per_s": round((len(t) - 1) / (t[-1] - t[0]), 1), "budget_per_s": ncomp * rate,
                  "company_per_s_min": round(own[0], 2), "company_per_s_median": round(own[len(own) // 2], 2)}))
PY
    RSS=$(lrd_kib VmHWM)
    stop_loginrecd
done
python3 - "$T/through-runs.jsonl" > "$T/through.json" <<'PY'
import json, sys
runs = sorted((json.loads(l) for l in open(sys.argv[1]) if l.strip()), key=lambda r: r["per_s"])
median = dict(runs[len(runs) // 2])
median["runs_per_s"] = [r["per_s"] for r in runs]
median["runs_rate_limited"] = [r["rate_limited"] for r in runs]
print(json.dumps(median))
PY

# 2. latency at FANOUT_LOAD of the budgets
for s in "${SIMS[@]}"; do curl -sS -X POST "$s/_sim/reset" -d '{}' >/dev/null; done
start_loginrecd "$DB" --threads 4
args=()
for c in $(seq 0 $((NCOMP - 1))); do
    code=$(printf 'F%05d' "$c")
    args+=("$(cat "$T/token-$code"):${code}k:$EMPLOYEES")
done
LRATE=$(python3 -c "print($NCOMP * $RATE * $LOAD)")
SIMLIST=$(IFS=,; echo "${SIMS[*]}")
python3 "$HERE/latency.py" "$URL" "$SIMLIST" "$EVENTS" "$LRATE" "${args[@]}" > "$T/lat.json"
stop_loginrecd
python3 - "$T/through.json" "$T/lat.json" "$NCOMP" "$RATE" "$NSIMS" "$RSS" > "$T/part.json" <<'PY'
import json, sys
th, lat = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ncomp, rate, nsims, rss = int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print(json.dumps({"value": th["per_s"], "unit": "punches/s (one loginrecd, SQLite)",
                  "baseline": th["budget_per_s"], "ratio": round(th["per_s"] / th["budget_per_s"], 3),
                  "detail": {"companies": ncomp, "rate_per_company": rate, "simulators": nsims,
                             "throughput": th, "latency": lat, "peak_rss_kib": rss,
                             "ratio_means": "punches/s delivered / the sum of the companies' budgets "
                                            "(goal: >= 1,000 punches/s for 200 companies at 5/s; "
                                            "latency p99 < 1,000 ms)"}}))
PY
part kot_fanout "$(cat "$T/part.json")"
python3 - "$T/part.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
th, lat = r["detail"]["throughput"], r["detail"]["latency"]
print("throughput   %d companies at %g/s each: %s punches/s delivered = %.2fx the sum of the budgets (%d/s)"
      % (r["detail"]["companies"], r["detail"]["rate_per_company"], th["per_s"], r["ratio"], th["budget_per_s"]))
print("             %d of %d punches in %s s, %d duplicated, %d rate-limited; per company min %s/s, median %s/s"
      % (th["punches"], th["expected"], th["seconds"], th["duplicates"], th["rate_limited"],
         th["company_per_s_min"], th["company_per_s_median"]))
print("latency      %d events at %g/s: 200 -> KoT p50 %s ms  p99 %s ms  max %s ms (%d matched, %d errors, %d rate-limited)"
      % (lat["events"], lat["rate_per_s"], lat["p50_ms"], lat["p99_ms"], lat["max_ms"],
         lat["punches_matched"], lat["errors"], lat["rate_limited"]))
print("             direct round trip to a simulator: p50 %s ms  p99 %s ms; loginrecd peak RSS %d KiB"
      % (lat["direct_p50_ms"], lat["direct_p99_ms"], r["detail"]["peak_rss_kib"]))
PY

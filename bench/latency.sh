#!/bin/bash
# Latency and durability: from an event's HTTP 200 to its punch reaching
# the KoT simulator, and the durable commits (fsyncs) that cost.
#
# Two runs, each on a fresh database and simulator: LATENCY_EVENTS events
# (default 10,000) posted one per request (a PC's own logon, as in the
# morning) at LATENCY_RATE events/s (default 1,000), and, as the baseline of
# the commits, LATENCY_BASE_EVENTS (2,000) at LATENCY_BASE_RATE (100/s).
# Delivery is on for LATENCY_COMPANIES companies (default 12: KING OF TIME
# allows a company 100 requests/s, so 1,000 punches/s need ten and more) of
# 250 employees each, at --rate 100. Every event is its employee's first
# logon of a day: one clock-in punch each.
#
# While each runs, perf stat counts loginrecd's fsync and fdatasync calls
# per thread (SQLite with synchronous = FULL: one a commit): those of the
# delivery's store thread (kot-store: the claims and the outcomes) per punch
# delivered, and those of the others (the HTTP threads: ingest) per 1,000
# events. Without perf (linux-perf) the counts are left out.
#
# Entries: latency (p99 at LATENCY_RATE; baseline the client's own round
# trip of a punch posted straight to the simulator; goal p99 < 1 s) and
# durability (fsyncs per punch delivered at LATENCY_RATE; baseline the same
# at LATENCY_BASE_RATE; goal at most 0.1).
#   bench/latency.sh BUILD_DIR
set -eu
BUILD=$(cd "$1" && pwd)
EVENTS=${LATENCY_EVENTS:-10000}
RATE=${LATENCY_RATE:-1000}
BASE_EVENTS=${LATENCY_BASE_EVENTS:-2000}
BASE_RATE=${LATENCY_BASE_RATE:-100}
NCOMP=${LATENCY_COMPANIES:-12}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PERF=1
perf stat -e syscalls:sys_enter_fdatasync -x, -o /dev/null true 2>/dev/null ||
    { PERF=0; echo "latency: perf cannot count syscalls here (linux-perf, tracefs): no fsync counts" >&2; }

# run NAME EVENTS RATE: writes $T/NAME.json (latency.py's) and, with perf,
# $T/NAME-fsyncs.csv (perf stat --per-thread)
run() {
    local name=$1 events=$2 rate=$3 db="$T/$1.db" args=() code token perf_pid=""
    start_sim bench
    for i in $(seq 1 "$NCOMP"); do
        code=$(printf 'L%02d' "$i")
        token=$(company "$db" "$code" 250)
        "$BUILD/loginrec" --db "$db" kot set "$code" --delivery on --rate 100 >/dev/null
        args+=("$token:${code}k:250")
    done
    sim_all_employees
    LRD_LOG="$T/$name-loginrecd.log" start_loginrecd "$db" --threads 4
    if [ "$PERF" = 1 ]; then
        perf stat --per-thread -x, -o "$T/$name-fsyncs.csv" \
            -e syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync -p "$LRD_PID" &
        perf_pid=$!
        sleep 0.5
    fi
    python3 "$HERE/latency.py" "$URL" "$SIM" "$events" "$rate" "${args[@]}" > "$T/$name.json"
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid"
        wait "$perf_pid" || true
    fi
    kill "$LRD_PID" "$SIM_PID" 2>/dev/null || true
    wait "$LRD_PID" "$SIM_PID" 2>/dev/null || true
    LRD_PID="" SIM_PID=""
}
run base "$BASE_EVENTS" "$BASE_RATE"
run load "$EVENTS" "$RATE"

python3 - "$T" "$PERF" > "$T/parts.json" <<'PY'
import json, sys
t, perf = sys.argv[1], sys.argv[2] == "1"

def fsyncs(name):
    """(delivery's store thread, the others) from perf stat --per-thread."""
    if not perf:
        return None
    store = other = 0
    for line in open("%s/%s-fsyncs.csv" % (t, name)):
        f = line.strip().split(",")
        if len(f) < 4 or not f[3].startswith("syscalls:") or not f[1].isdigit():
            continue
        if f[0].rsplit("-", 1)[0] == "kot-store":
            store += int(f[1])
        else:
            other += int(f[1])
    return store, other

out = {}
for name in ("base", "load"):
    r = json.load(open("%s/%s.json" % (t, name)))
    c = fsyncs(name)
    if c:
        r["fsyncs_delivery"], r["fsyncs_other"] = c
        r["fsyncs_per_punch"] = round(c[0] / r["punches_matched"], 3) if r["punches_matched"] else None
        r["fsyncs_per_1000_events"] = round(c[1] * 1000 / r["acknowledged"], 1) if r["acknowledged"] else None
    out[name] = r
load, base = out["load"], out["base"]
counts = lambda r: {k: r.get(k) for k in ("rate_per_s", "acknowledged", "punches_matched", "fsyncs_delivery",
                                          "fsyncs_other", "fsyncs_per_punch", "fsyncs_per_1000_events")}
lat = {"value": load["p99_ms"], "unit": "ms (p99 at %g events/s)" % load["rate_per_s"],
       "baseline": load["direct_p99_ms"],
       "ratio": round(load["p99_ms"] / load["direct_p99_ms"], 2) if load["p99_ms"] else None,
       "detail": dict(load, at_base_rate=base,
                      ratio_means="our p99 / p99 of a punch posted straight to the simulator (goal: p99 < 1000 ms)")}
dur = {"value": load.get("fsyncs_per_punch"), "unit": "fsyncs per punch delivered (at %g events/s)" % load["rate_per_s"],
       "baseline": base.get("fsyncs_per_punch"),
       "ratio": round(load["fsyncs_per_punch"] / base["fsyncs_per_punch"], 3)
       if load.get("fsyncs_per_punch") and base.get("fsyncs_per_punch") else None,
       "detail": {"ratio_means": "fsyncs per punch at load / the same at %g events/s (goal: at most 0.1 a punch at load)" % base["rate_per_s"],
                  "load": counts(load), "base": counts(base),
                  "events_per_request": 1,
                  "note": "SQLite, synchronous = FULL: an fsync a commit; delivery's are its store thread's (claims, outcomes), the rest the ingest requests'"}}
print(json.dumps({"latency": lat, "durability": dur}))
PY
part latency "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["latency"]))' "$T/parts.json")"
part durability "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["durability"]))' "$T/parts.json")"
python3 - "$T/parts.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for name, r in (("load", p["latency"]["detail"]), ("base", p["latency"]["detail"]["at_base_rate"])):
    print("%-5s events %d at %g/s over %d companies (%s s to send); %d acknowledged, %d errors" %
          (name, r["events"], r["rate_per_s"], r["companies"], r["sent_seconds"], r["acknowledged"], r["errors"]))
    print("      200 -> KoT p50 %s ms  p99 %s ms  max %s ms  (%d punches matched, %d rate-limited)" %
          (r["p50_ms"], r["p99_ms"], r["max_ms"], r["punches_matched"], r["rate_limited"]))
    if "fsyncs_per_punch" in r:
        print("      fsyncs: delivery %d (%s a punch), ingest %d (%s per 1,000 events)" %
              (r["fsyncs_delivery"], r["fsyncs_per_punch"], r["fsyncs_other"], r["fsyncs_per_1000_events"]))
print("direct       p99 %s ms (a punch posted straight to the simulator)" % p["latency"]["baseline"])
PY

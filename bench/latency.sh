#!/bin/bash
# Latency: from an event's HTTP 200 to its punch reaching the KoT simulator,
# p50/p99 over LATENCY_EVENTS events (default 10,000) posted one per request
# at LATENCY_RATE events/s (default 100: what delivery sustains here, about
# 100-135 punches/s, is bound by the durable commits around each punch; at
# 200/s the queue grows and p99 is 15 s) to loginrecd, delivery on, for
# LATENCY_COMPANIES companies (default 4; KING OF TIME allows a company 100
# requests/s) of 250 employees each. Baseline, same run: the client's own round trip of a
# punch posted straight to the simulator (bench/latency.py).
# Ratio: our p99 over the baseline's p99. Goal: p99 under 1 s.
#   bench/latency.sh BUILD_DIR
set -eu
BUILD=$(cd "$1" && pwd)
EVENTS=${LATENCY_EVENTS:-10000}
RATE=${LATENCY_RATE:-100}
NCOMP=${LATENCY_COMPANIES:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

start_sim bench
args=()
for i in $(seq 1 "$NCOMP"); do
    code=$(printf 'L%02d' "$i")
    token=$(company "$T/lat.db" "$code" 250)
    "$BUILD/loginrec" --db "$T/lat.db" kot set "$code" --delivery on --rate 100 >/dev/null
    args+=("$token:${code}k:250")
done
sim_all_employees
start_loginrecd "$T/lat.db" --threads 4
python3 "$HERE/latency.py" "$URL" "$SIM" "$EVENTS" "$RATE" "${args[@]}" > "$T/lat.json"
python3 - "$T/lat.json" > "$T/part.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"value": r["p99_ms"], "unit": "ms (p99)", "baseline": r["direct_p99_ms"],
                  "ratio": round(r["p99_ms"] / r["direct_p99_ms"], 2) if r["p99_ms"] else None,
                  "detail": dict(r, ratio_means="our p99 / p99 of a punch posted straight to the simulator (goal: p99 < 1000 ms)")}))
PY
part latency "$(cat "$T/part.json")"
python3 - "$T/lat.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("events       %d at %g/s over %d companies (%s s to send); %d acknowledged, %d errors" %
      (r["events"], r["rate_per_s"], r["companies"], r["sent_seconds"], r["acknowledged"], r["errors"]))
print("200 -> KoT   p50 %s ms  p99 %s ms  max %s ms  (%d punches matched)" %
      (r["p50_ms"], r["p99_ms"], r["max_ms"], r["punches_matched"]))
print("direct       p50 %s ms  p99 %s ms  (a punch posted straight to the simulator)" %
      (r["direct_p50_ms"], r["direct_p99_ms"]))
PY

#!/bin/bash
# Punch delivery to KING OF TIME, against the simulator (tests/sim/kot) and
# its per-token budget: how many punches per second reach it, until every
# one has arrived, when the company's rate is set to the budget and to 90 %
# of it; and the ratio to the budget (1.00: the rate limit is the only
# thing slowing delivery down). At the budget itself, network jitter makes
# a few requests land inside one window and come back rate-limited (they
# are retried); 90 % is the setting we recommend.
#   bench/kot_delivery.sh BUILD_DIR [RUNS]
set -eu
BUILD=$(cd "$1" && pwd)
RUNS=${2:-3}
BUDGET=${KOT_BENCH_BUDGET:-50}
EMPLOYEES=100
DAYS=3
T=$(mktemp -d "$BUILD/bench-tmp/kot.XXXXXX")
SIM_PID=""
trap '[ -n "$SIM_PID" ] && kill $SIM_PID 2>/dev/null; rm -rf "$T"' EXIT
LR="$BUILD/loginrec --db $T/b.db"

python3 "$(dirname "$0")/../tests/sim/kot/kot_sim.py" --token bench --budget "$BUDGET" \
    --max-seconds 900 >"$T/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 50); do
    SIM=$(sed -n 's#^listening on \(http://.*\)$#\1#p' "$T/sim.log"); [ -n "$SIM" ] && break; sleep 0.1
done
python3 - "$T" "$EMPLOYEES" "$DAYS" <<'PY'
import json, sys
t, n, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
json.dump([{"key": "b%03d" % i, "code": "3%03d" % i, "lastName": "社員", "firstName": str(i)}
           for i in range(n)], open(t + "/emps.json", "w"))
ev = []
for i in range(n):
    for d in range(days):
        for op, h in (("logon", 9), ("logoff", 18)):
            ev.append({"source": "lanscope", "account": "u%03d" % i, "host": "PC", "op": op,
                       "time": "2026-11-%02dT%02d:%02d:00+09:00" % (10 + d, h, i % 60)})
json.dump(ev, open(t + "/events.json", "w"))
PY
curl -s -X PUT "$SIM/_sim/employees" --data-binary @"$T/emps.json" >/dev/null
PUNCHES=$((EMPLOYEES * DAYS * 2))
export LOGINREC_RETRY_BASE_MS=100 LOGINREC_RETRY_MAX_MS=500
for share in 1.0 0.9; do
rate=$(python3 -c "print($BUDGET * $share)")
rates=()
for run in $(seq 1 "$RUNS"); do
    rm -f "$T"/b.db*
    $LR init >/dev/null
    $LR company add BEN Bench >/dev/null
    echo bench | $LR kot set BEN --base-url "$SIM" --token - --rate "$rate" --delivery on >/dev/null
    $LR kot sync BEN >/dev/null
    for i in $(seq -f %03g 0 $((EMPLOYEES - 1))); do echo "link set BEN --kind lanscope 3$i u$i"; done |
        while read -r cmd; do $LR $cmd >/dev/null; done
    $LR ingest BEN "$T/events.json" >/dev/null
    curl -s -X POST "$SIM/_sim/reset" -d '{}' >/dev/null
    sleep 1.1 # an empty budget window to start from
    t0=$(date +%s.%N)
    $LR kot deliver BEN >/dev/null
    # rows that were rate-limited wait for their retry: deliver until none is left
    while ! $LR outbox BEN | head -1 | grep -q '^# 0 pending'; do
        sleep 0.05
        $LR kot deliver BEN >/dev/null
    done
    t1=$(date +%s.%N)
    held=$(curl -s "$SIM/_sim/stats" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["punches_held"], j.get("rate_limited", 0))')
    rates+=("$(python3 -c "print($PUNCHES / ($t1 - $t0))") $held")
done
printf '%s\n' "${rates[@]}" | python3 -c "
import sys, statistics
rows = [l.split() for l in sys.stdin if l.strip()]
pps = statistics.median(float(r[0]) for r in rows)
print('punch delivery at rate %s/s, %d punches per run, simulator budget %d requests/s, median of %d runs' % ('$rate', $PUNCHES, $BUDGET, len(rows)))
print('  delivered   %8.1f punches/s   %5.2fx budget' % (pps, pps / $BUDGET))
print('  held by KoT %s of %d each run; rate-limited answers: %s' % ('/'.join(r[1] for r in rows), $PUNCHES, '/'.join(r[2] for r in rows)))
"
done

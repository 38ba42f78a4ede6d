#!/bin/bash
# 乖離 (issue 23): the report for EMPLOYEES (10,000) employees x 31 days,
# against reading the same rows from the store (sqlite3 running the
# report's own query of both sides, output thrown away), median of RUNS;
# and the read of KING OF TIME's record (divergence fetch) from the
# simulator: its calls against the fewest possible (62-day windows x
# divisions).
#   bench/divergence.sh BUILD_DIR
set -eu
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
N=${DIV_EMPLOYEES:-10000}
DIVS=${DIV_DIVISIONS:-20}
RUNS=${RUNS:-3}
DB="$T/div.db"
start_sim bench
company "$DB" ACM "$N" >/dev/null
# the employees in DIVS divisions (所属), as KoT has them
python3 - "$T/emps-ACM.json" "$T/divs.json" "$DIVS" <<'PY'
import json, sys
emps = json.load(open(sys.argv[1]))
n = int(sys.argv[3])
for i, e in enumerate(emps):
    e["divisionCode"] = "D%02d" % (i % n)
json.dump(emps, open(sys.argv[1], "w"))
json.dump([{"code": "D%02d" % i, "name": "部署%d" % i} for i in range(n)], open(sys.argv[2], "w"))
PY
curl -sS -X PUT "$SIM/_sim/divisions" --data-binary @"$T/divs.json" >/dev/null
curl -sS -X PUT "$SIM/_sim/employees" --data-binary @"$T/emps-ACM.json" >/dev/null
"$BUILD/loginrec" --db "$DB" kot sync ACM >/dev/null
# PC use (LanScope events) and KoT's record (IC card) for October 2026: a
# day in five diverges, by 31-90 minutes at either end
python3 - "$T" "$N" <<'PY'
import json, sys, random
t, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(23)
ev, rec, part = [], [], 0
def flush(last=False):
    global ev, rec, part
    if len(ev) >= 99000 or (last and ev):
        json.dump(ev, open("%s/pc-%02d.json" % (t, part), "w"))
        json.dump(rec, open("%s/rec-%02d.json" % (t, part), "w"))
        ev, rec, part = [], [], part + 1
for i in range(n):
    user = "CORP\\user%05d" % i
    for d in range(1, 32):
        day = "2026-10-%02d" % d
        a, b = 8 * 60 + rnd.randrange(60), 17 * 60 + rnd.randrange(180)
        ra, rb = a + rnd.randrange(10), b - rnd.randrange(10)
        if rnd.random() < 0.2:
            rb -= 31 + rnd.randrange(60)
        hm = lambda m: "%02d:%02d:00" % (m // 60, m % 60)
        ev.append({"source": "lanscope", "account": user, "host": "PC%05d" % i, "op": "logon",
                   "time": "%sT%s+09:00" % (day, hm(a))})
        ev.append({"source": "lanscope", "account": user, "host": "PC%05d" % i, "op": "logoff",
                   "time": "%sT%s+09:00" % (day, hm(b))})
        for code, m in ((1, ra), (2, rb)):
            rec.append({"employeeKey": "ACMk%05d" % i, "date": day, "time": "%sT%s+09:00" % (day, hm(m)),
                        "code": code, "credentialCode": "IC", "credentialName": "ICカード"})
    flush()
flush(True)
PY
for f in "$T"/pc-*.json; do "$BUILD/loginrec" --db "$DB" ingest ACM "$f" >/dev/null; done
for f in "$T"/rec-*.json; do curl -sS -X POST "$SIM/_sim/timerecords" --data-binary @"$f" >/dev/null; done

ms() { local t0 t1; t0=$(date +%s%N); "$@" > /dev/null; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

t0=$(date +%s%N)
FETCH=$("$BUILD/loginrec" --db "$DB" divergence fetch ACM --from 2026-10-01 --to 2026-10-31 2>/dev/null)
FETCH_MS=$((($(date +%s%N) - t0) / 1000000))
report() { "$BUILD/loginrec" --db "$DB" divergence ACM --from 2026-10-01 --to 2026-10-31 --status all; }
# the report's own read of both sides (store_sql_divergence.c, V_SIDES)
baseline() {
    sqlite3 "$DB" "SELECT x.employee_id, e.code, COALESCE(e.division_id, 0), x.work_day, x.side, x.kind, x.ts_utc FROM (SELECT employee_id, work_day, 0 AS side, kind, ts_utc FROM punches WHERE company_id = 1 AND state = 'active' AND kind IN (1, 2) AND work_day >= '2026-10-01' AND work_day <= '2026-10-31' UNION ALL SELECT employee_id, work_day, 1, kind, ts_utc FROM kot_records WHERE company_id = 1 AND kind IN (1, 2) AND work_day >= '2026-10-01' AND work_day <= '2026-10-31') x JOIN employees e ON e.id = x.employee_id WHERE x.employee_id IN (SELECT employee_id FROM links WHERE company_id = 1) ORDER BY e.code, x.work_day"
}
ROWS=$(baseline | wc -l)
DIVERGENT=$(($(report | wc -l) - 1))
ours=(); base=()
for _ in $(seq 1 "$RUNS"); do
    ours+=("$(ms report)")
    base+=("$(ms baseline)")
done
o=$(printf '%s\n' "${ours[@]}" | median)
b=$(printf '%s\n' "${base[@]}" | median)
python3 - "$N" "$ROWS" "$DIVERGENT" "$o" "$b" "$FETCH" "$FETCH_MS" > "$T/part.json" <<'PY'
import json, re, sys
n, rows, div, o, b, fetch, fetch_ms = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6], int(sys.argv[7])
m = re.search(r"(\d+) calls \(fewest (\d+)\), (\d+) records", fetch)
days = n * 31
print(json.dumps({"value": round(days / (o / 1000)), "unit": "employee-days/s (乖離 report, CSV)",
                  "baseline": round(days / (b / 1000)), "ratio": round(o / b, 2),
                  "detail": {"employees": n, "days": 31, "rows_read": rows, "divergent_days": div,
                             "report_ms": o, "read_rows_ms": b, "fetch_ms": fetch_ms,
                             "fetch_calls": int(m.group(1)), "fetch_min_calls": int(m.group(2)),
                             "fetch_records": int(m.group(3)),
                             "ratio_means": "report time / time to read the same rows with sqlite3"}}))
PY
part divergence "$(cat "$T/part.json")"
python3 - "$T/part.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); d = r["detail"]
print("set          %d employees x %d days: %d rows of both sides, %d divergent days" % (d["employees"], d["days"], d["rows_read"], d["divergent_days"]))
print("report       %7.0f ms  %9d employee-days/s" % (d["report_ms"], r["value"]))
print("read rows    %7.0f ms  %9d employee-days/s (sqlite3, the report's query)" % (d["read_rows_ms"], r["baseline"]))
print("ratio        %.2fx the baseline's time (goal: under 2x)" % r["ratio"])
print("fetch        %7d ms  %d KoT calls (fewest possible %d), %d records" % (d["fetch_ms"], d["fetch_calls"], d["fetch_min_calls"], d["fetch_records"]))
PY

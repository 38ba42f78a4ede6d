#!/bin/bash
# Day engine alone: bench/bench_day.c (10,000 employees x 30 days in memory,
# best of 3 rounds) against sorting the same events (the baseline).
#   bench/day_engine.sh BUILD_DIR
set -eu
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
"$BUILD/bench_day" "${DAY_EMPLOYEES:-10000}" "${DAY_DAYS:-30}" 3 > "$T/day.json"
python3 - "$T/day.json" > "$T/part.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"value": r["days_per_s"], "unit": "work days/s", "baseline": r["sort_days_per_s"],
                  "ratio": r["ratio"], "detail": dict(r, ratio_means="engine time / time to copy and sort the same events per employee")}))
PY
part day_engine "$(cat "$T/part.json")"
python3 - "$T/day.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("set          %d employees x %d days: %d events, %d work days (breaks on)" % (r["employees"], r["days"], r["events"], r["work_days"]))
print("day engine   %7.1f ms  %10d work days/s" % (r["engine_ms"], r["days_per_s"]))
print("sort only    %7.1f ms  %10d work days/s (copy + qsort of each employee's events)" % (r["sort_ms"], r["sort_days_per_s"]))
print("ratio        %.2fx the baseline's time" % r["ratio"])
PY

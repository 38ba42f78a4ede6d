#!/bin/bash
# Memory and log view, on the database ingest_e2e.sh filled (10,000
# employees, about 1,000,000 events): loginrecd serves the admin UI while
#  - log_view: ログ表示 filtered by one employee is loaded VIEW_LOADS times
#    (20 employees in turn; median and p95 of curl's time_total). Each
#    employee's first load is drawn and kept by the response cache, the
#    others answered from it (no write in between): the detail gives the
#    first loads' median (drawn) and the repeated ones' (cached) apart.
#    Baseline: nginx serving a file of the same size as the page, the same
#    way (bench/lib.sh start_nginx). Ratio: our median over nginx's.
#  - memory: loginrecd's peak RSS (VmHWM) over those loads, the first
#    page of every filter, 日別データ and 連携状況 (reset after signing in,
#    whose Argon2id hash alone takes 64 MiB; reported apart). Baseline: its
#    RSS just after start on the same database. Ratio: peak over start.
#   bench/log_view.sh BUILD_DIR
set -eu
BUILD=$(cd "$1" && pwd)
LOADS=${VIEW_LOADS:-100}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
DB=${BENCH_DB:-$BUILD/bench-tmp/bench.db}
[ -f "$DB" ] || { echo "log_view: run ingest_e2e.sh first (no $DB)" >&2; exit 2; }
events=$(sqlite3 "$DB" 'SELECT count(*) FROM log_events')
emps=$(sqlite3 "$DB" 'SELECT count(*) FROM employees')
printf 'bench password 1\n' | "$BUILD/loginrec" --db "$DB" user add BEN viewer --password-stdin >/dev/null 2>&1 || true

start_loginrecd "$DB" --threads 4 --no-kot
sleep 0.5
RSS0=$(lrd_kib VmRSS)
jar="$T/jar"
pre=$(curl -sS -c "$jar" -b "$jar" "$URL/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
code=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' "$URL/login" --data-urlencode "csrf=$pre" \
    -d company=BEN -d login=viewer --data-urlencode 'password=bench password 1')
[ "$code" = 303 ] || { echo "log_view: could not sign in ($code)" >&2; exit 1; }
# signing in hashes the password with Argon2id (libsodium's interactive
# limits: 64 MiB), which would be the peak; it is reported on its own and
# the peak is reset (Linux: clear_refs 5) before the pages are served
LOGIN_PEAK=$(lrd_kib VmHWM)
echo 5 > "/proc/$LRD_PID/clear_refs" 2>/dev/null || echo "log_view: cannot reset the peak RSS; it includes the login" >&2

: > "$T/times"
for i in $(seq 0 $((LOADS - 1))); do
    emp=$(printf '%05d' $(( (i % 20) * 487 % emps )))
    # thrown away as nginx's are: curl writing a file to disk took 0.7 ms
    # of a 57 KB page's 1.2 ms
    curl -sS -b "$jar" -o /dev/null -w '%{time_total} %{size_download} %{http_code}\n' \
        "$URL/logs?employee=$emp" >> "$T/times"
done
curl -sS -b "$jar" -o "$T/page.html" "$URL/logs?employee=$emp"
grep -qv ' 200$' "$T/times" && { echo "log_view: a page failed" >&2; grep -v ' 200$' "$T/times" | head -3; exit 1; }
rows=$(grep -c '<tr' "$T/page.html" || true)
for path in "/logs" "/logs?op=other" "/logs?source=malion" "/logs?from=2026-01-05&to=2026-01-05" \
            "/daily?day=2026-01-05" "/daily?day=2026-01-05&page=50" "/status"; do
    curl -sS -b "$jar" -o /dev/null -w "%{time_total} $path\n" "$URL$path" >> "$T/others"
done
PEAK=$(lrd_kib VmHWM)
size=$(awk '{s += $2} END {printf "%d", s / NR}' "$T/times")
mkdir -p "$T/www"
head -c "$size" /dev/urandom | base64 -w 0 | head -c "$size" > "$T/www/page.html"
start_nginx
: > "$T/ntimes"
for _ in $(seq 1 "$LOADS"); do
    curl -sS -o /dev/null -w '%{time_total}\n' "$NGINX_URL/page.html" >> "$T/ntimes"
done
python3 - "$T/times" "$T/ntimes" "$T/others" "$RSS0" "$PEAK" "$events" "$emps" "$rows" "$LOADS" \
    "$RESULTS/parts" "$LOGIN_PEAK" <<'PY'
import json, statistics, sys
times, ntimes, others, rss0, peak, events, emps, rows, loads, parts, login_peak = sys.argv[1:]
raw = [float(l.split()[0]) * 1000 for l in open(times)]
t = sorted(raw)
drawn, cached = sorted(raw[:20]), sorted(raw[20:]) or [0.0]
n = sorted(float(l.split()[0]) * 1000 for l in open(ntimes))
size = int(statistics.mean(int(l.split()[1]) for l in open(times)))
pct = lambda v, q: v[min(len(v) - 1, int(round(q / 100 * (len(v) - 1))))]
other = {l.split(" ", 1)[1].strip(): round(float(l.split()[0]) * 1000, 2) for l in open(others)}
rss0, peak = int(rss0), int(peak)
view = {"value": round(statistics.median(t), 2), "unit": "ms (median)", "baseline": round(statistics.median(n), 3),
        "ratio": round(statistics.median(t) / statistics.median(n), 2),
        "detail": {"ratio_means": "our median page time / nginx's median for a file of the same size",
                   "filter": "employee (20 employees in turn)", "loads": int(loads),
                   "p95_ms": round(pct(t, 95), 2), "max_ms": round(t[-1], 2), "page_bytes": size,
                   "rows_on_page": int(rows), "events": int(events), "employees": int(emps),
                   "nginx_p95_ms": round(pct(n, 95), 3), "other_pages_ms": other,
                   "drawn_median_ms": round(statistics.median(drawn), 2),
                   "cached_median_ms": round(statistics.median(cached), 2),
                   "drawn_over_nginx": round(statistics.median(drawn) / statistics.median(n), 2)}}
mem = {"value": round(peak / 1024, 1), "unit": "MiB (peak RSS)", "baseline": round(rss0 / 1024, 1),
       "ratio": round(peak / rss0, 2),
       "detail": {"ratio_means": "peak RSS while serving / RSS just after start on the same database",
                  "events": int(events), "employees": int(emps), "peak_kib": peak, "start_kib": rss0,
                  "login_peak_kib": int(login_peak),
                  "login_note": "signing in (Argon2id, 64 MiB) peaks apart; the peak is reset after it",
                  "served": "%d employee-filtered log pages, every filter's first page, 日別データ, 連携状況" % int(loads)}}
json.dump(view, open(parts + "/log_view.json", "w"))
json.dump(mem, open(parts + "/memory.json", "w"))
print("database     %d events, %d employees" % (int(events), int(emps)))
print("log view     employee filter: median %.1f ms, p95 %.1f ms (%d loads, %d bytes, %d rows)" %
      (view["value"], view["detail"]["p95_ms"], int(loads), size, int(rows)))
print("             each employee's first load (drawn) median %.1f ms, the repeated ones (cached) %.2f ms" %
      (view["detail"]["drawn_median_ms"], view["detail"]["cached_median_ms"]))
print("nginx        same size file: median %.2f ms  -> ratio %.1fx (drawn: %.1fx)" %
      (view["baseline"], view["ratio"], view["detail"]["drawn_over_nginx"]))
print("other pages  " + ", ".join("%s %.0f ms" % (k, v) for k, v in other.items()))
print("memory       peak RSS %.1f MiB while serving; %.1f MiB after start (%.2fx); signing in peaked at %.1f MiB (Argon2id)" %
      (mem["value"], mem["baseline"], mem["ratio"], int(login_peak) / 1024))
PY

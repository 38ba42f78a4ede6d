#!/bin/bash
# Load: wrk (Debian package) drives loginrecd's ingest API and read API at
# CONNECTIONS concurrent connections for SECONDS each on loopback, and then
# nginx serving a static file of the same size as the read API's answer:
# the ceiling of "an HTTP server answering this many bytes" on this machine.
# Reports requests/s, p50/p99 latency and errors for each, and loginrecd's
# RSS after a warm-up round and at the end. Each round starts once the
# round before is answered whole: wrk stops sending at its time, but
# loginrecd still has the ingest requests queued for SQLite's one writer,
# each holding a server thread (a read arriving then waits behind them:
# p99 0.4-1.8 s, which is that queue, not the read path).
#
# Exit status 1 when any request failed (socket error, timeout or non-2xx)
# or when RSS grew by more than LOAD_RSS_SLACK_KB between the two samples;
# never because of a time.
#   bench/load.sh BUILD_DIR [SECONDS] [CONNECTIONS]
# Writes RESULTS/load.json (default BUILD_DIR/bench/): {"ingest":{...},"read":{...},"nginx":{...},"rss_kb":{...}}.
set -eu
BUILD=$(cd "$1" && pwd)
SECONDS_EACH=${2:-${LOAD_SECONDS:-10}}
CONNS=${3:-${LOAD_CONNECTIONS:-256}}
THREADS=${LOAD_THREADS:-2}
SLACK_KB=${LOAD_RSS_SLACK_KB:-16384}
EMPLOYEES=100
HERE=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { echo "load: wrk is missing (apt-get install wrk)" >&2; exit 2; }
. "$HERE/lib.sh"
LR="$BUILD/loginrec --db $T/load.db"

# --- a company with EMPLOYEES linked employees and one day of punches
$LR init >/dev/null
TOKEN=$($LR company add LOD "Load test" | tail -1)
[ -n "$TOKEN" ] || { echo "load: no API token from 'company add'" >&2; exit 1; }
for i in $(seq -f %03g 0 $((EMPLOYEES - 1))); do
    echo "employee add LOD 4$i --last 負荷 --first $i"
    echo "link set LOD --kind lanscope 4$i u$i"
done | while read -r cmd; do $LR $cmd >/dev/null; done
python3 - "$T/day.json" "$EMPLOYEES" <<'PY'
import json, sys
out, n = sys.argv[1], int(sys.argv[2])
json.dump([{"source": "lanscope", "account": "u%03d" % i, "host": "PC%03d" % i, "op": op,
            "time": "2026-11-20T%02d:%02d:00+09:00" % (h, i % 60)}
           for i in range(n) for op, h in (("logon", 9), ("logoff", 18))], open(out, "w"))
PY
$LR ingest LOD "$T/day.json" >/dev/null

start_loginrecd "$T/load.db" --threads 4 --no-kot
READ_PATH="/api/v1/punches?from=2026-11-20&to=2026-11-20"
curl -sS -f -o "$T/answer" -H "Authorization: Bearer $TOKEN" "$URL$READ_PATH"
SIZE=$(stat -c %s "$T/answer")

# --- nginx serving a file of the same size: the ceiling
mkdir -p "$T/www"
head -c "$SIZE" /dev/urandom | base64 -w 0 | head -c "$SIZE" > "$T/www/answer.json"
start_nginx

# --- the wrk scripts: unique events per request (a counter per wrk thread),
# and a summary line of JSON at the end
cat > "$T/report.lua" <<'EOF'
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
        '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        e.connect, e.read, e.write, e.status, e.timeout))
end
EOF
cat "$T/report.lua" > "$T/ingest.lua"
cat >> "$T/ingest.lua" <<EOF
-- a round's own events: wrk starts each round with fresh counters
local threads, counter = 0, tonumber(os.getenv("LOAD_ROUND") or "0") * 10000000
setup = function(thread) threads = threads + 1; thread:set("tid", threads) end
request = function()
    counter = counter + 1
    local parts = {}
    for i = 0, 9 do
        -- each request: 10 events of one account, at distinct minutes
        local n = (tid * 100000000) + counter * 10 + i
        parts[#parts + 1] = string.format(
            '{"source":"lanscope","account":"u%03d","host":"W%d","op":"%s","time":"2026-%02d-%02dT%02d:%02d:%02d+09:00"}',
            n % $EMPLOYEES, tid, (i % 2 == 0) and "logon" or "logoff",
            1 + math.floor(n / 2419200) % 12, 1 + math.floor(n / 86400) % 28,
            math.floor(n / 3600) % 24, math.floor(n / 60) % 60, n % 60)
    end
    return wrk.format("POST", "/api/v1/ingest",
        {["Authorization"] = "Bearer $TOKEN", ["Content-Type"] = "application/json"},
        "[" .. table.concat(parts, ",") .. "]")
end
EOF

# settle: until loginrecd's log (a line a request) stops growing for a
# second, at most 60 s
settle() {
    local size=-1 now
    for _ in $(seq 1 60); do
        now=$(stat -c %s "$T/loginrecd.log")
        [ "$now" = "$size" ] && return 0
        size=$now
        sleep 1
    done
}

ROUND=0
run_wrk() { # NAME SECONDS wrk-args...
    local name=$1 secs=$2; shift 2
    settle
    ROUND=$((ROUND + 1))
    LOAD_ROUND=$ROUND wrk -t "$THREADS" -c "$CONNS" -d "${secs}s" --timeout 10s --latency "$@" > "$T/$name.out" 2>&1
    sed -n 's/^RESULT //p' "$T/$name.out" > "$T/$name.json"
    [ -s "$T/$name.json" ] || { cat "$T/$name.out"; echo "load: wrk gave no result for $name" >&2; exit 1; }
}

# warm-up: a whole round of each, so caches and pools reach their size
run_wrk warm-ingest "$SECONDS_EACH" -s "$T/ingest.lua" "$URL"
run_wrk warm-read "$SECONDS_EACH" -s "$T/report.lua" -H "Authorization: Bearer $TOKEN" "$URL$READ_PATH"
RSS0=$(lrd_kib VmRSS)
run_wrk ingest "$SECONDS_EACH" -s "$T/ingest.lua" "$URL"
run_wrk read "$SECONDS_EACH" -s "$T/report.lua" -H "Authorization: Bearer $TOKEN" "$URL$READ_PATH"
run_wrk ingest2 "$SECONDS_EACH" -s "$T/ingest.lua" "$URL"
run_wrk read2 "$SECONDS_EACH" -s "$T/report.lua" -H "Authorization: Bearer $TOKEN" "$URL$READ_PATH"
RSS1=$(lrd_kib VmRSS)
HWM=$(lrd_kib VmHWM)
run_wrk nginx "$SECONDS_EACH" -s "$T/report.lua" "$NGINX_URL/answer.json"
STORED=$(sqlite3 "$T/load.db" 'SELECT count(*) FROM log_events')

python3 - "$T" "$RESULTS/load.json" "$RSS0" "$RSS1" "$HWM" "$SIZE" "$CONNS" "$SECONDS_EACH" \
    "$SLACK_KB" "$STORED" <<'PY'
import json, sys
t, out, rss0, rss1, hwm, size, conns, secs, slack, stored = sys.argv[1:]
rss0, rss1, hwm, slack = int(rss0), int(rss1), int(hwm), int(slack)
r = {name: json.load(open("%s/%s.json" % (t, name)))
     for name in ("ingest", "read", "ingest2", "read2", "nginx")}
print("load: %s connections, %s s a round, loopback, %s-byte read answer" % (conns, secs, size))
print("  %-28s %10s %9s %9s %9s %7s" % ("", "requests/s", "p50 ms", "p99 ms", "max ms", "errors"))
bad = 0
for name, label in (("ingest", "ingest API (10 events/req)"), ("ingest2", "  again"),
                    ("read", "read API (punches of a day)"), ("read2", "  again"),
                    ("nginx", "nginx, same-size file")):
    x = r[name]
    errs = sum(x["errors"].values())
    if name != "nginx":
        bad += errs
    print("  %-28s %10.0f %9.2f %9.2f %9.1f %7d" % (label, x["rps"], x["p50_ms"], x["p99_ms"], x["max_ms"], errs))
ratio = r["read"]["rps"] / r["nginx"]["rps"]
print("  read API / nginx ceiling: %.2fx of its requests/s; p99 %.1fx" %
      (ratio, r["read"]["p99_ms"] / max(r["nginx"]["p99_ms"], 0.001)))
events = (r["ingest"]["requests"] + r["ingest2"]["requests"]) * 10
print("  events: %d sent in the measured rounds; %s stored in all (with warm-up and set-up)" % (events, stored))
grew = rss1 - rss0
print("  loginrecd RSS after warm-up %d KiB, at the end %d KiB (%+d KiB), peak %d KiB" % (rss0, rss1, grew, hwm))
json.dump({"connections": int(conns), "seconds": int(secs), "answer_bytes": int(size),
           "ingest": r["ingest"], "ingest_again": r["ingest2"], "read": r["read"],
           "read_again": r["read2"], "nginx": r["nginx"], "read_over_nginx": round(ratio, 3),
           "rss_kb": {"after_warmup": rss0, "end": rss1, "peak": hwm}}, open(out, "w"), indent=1)
verdict = []
if bad:
    verdict.append("%d failed requests" % bad)
if grew > slack:
    verdict.append("RSS grew by %d KiB (more than %d)" % (grew, slack))
print("  verdict: " + ("; ".join(verdict) if verdict else "no errors, no memory growth"))
sys.exit(1 if verdict else 0)
PY

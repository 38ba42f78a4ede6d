#!/bin/bash
# GET /metrics (issue 25, part 3): on metrics_listen only; counts what
# happened (events by source and result, refused batches, punches derived,
# delivery attempts by outcome and their latency, MaLion polls by outcome,
# HTTP answers by route class and status) and what the store holds (the
# outbox by state, companies in error: counted, never one series a
# company); Debian's promtool finds the exposition clean, and a real
# Prometheus started here scrapes it and answers queries on it.
. "$(dirname "$0")/lib.sh"
export LOGINREC_KOT_TIMEOUT_MS=2000 LOGINREC_DISPATCH_POLL_MS=100
SIMTOKEN=sim-token-$$
start_sim "$SIMTOKEN" 0
"$LR" init > /dev/null
TOKEN=$("$LR" company add ACM "Acme")
"$LR" company add BBB "Bravo" > /dev/null
sim PUT /_sim/employees '[{"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎"}]' > /dev/null
echo "$SIMTOKEN" | "$LR" kot set ACM --base-url "$SIM" --token - --rate 20 --delivery on > /dev/null
"$LR" kot sync ACM > /dev/null
"$LR" link set ACM --kind lanscope 1001 taro > /dev/null
# BBB's MaLion does not answer: its polls fail
"$LR" malion set BBB --host 127.0.0.1:1 --admin-code ADM --secret-code secret --enabled on > /dev/null

start_server --metrics-listen 127.0.0.1:0 --malion-interval 1 --sync-interval 0
MPORT=$(sed -n 's#.*metrics on http://127.0.0.1:0/metrics (port \([0-9]*\))$#\1#p' "$T/server.log" | tail -1)
MURL="http://127.0.0.1:$MPORT"
http GET /metrics
expect_eq "the API's address does not serve /metrics" 404 "$STATUS"

batch='[{"source":"lanscope","account":"taro","host":"PC-1","op":"logon","time":"2026-11-20T09:00:00+09:00"},
        {"source":"lanscope","account":"taro","host":"PC-1","op":"logoff","time":"2026-11-20T18:00:00+09:00"}]'
for _ in 1 2; do # the second time: two duplicates
    http POST /api/v1/ingest -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" --data-binary "$batch"
done
http POST /api/v1/ingest -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" --data-binary \
    '[{"source":"lanscope","account":"taro","host":"PC-1","op":"logon","time":"2026-11-21T09:00:00+09:00"},{"source":"lanscope","account":"taro","op":"logon"}]'
expect_eq "a batch with a bad event is refused whole" 422 "$STATUS"
for _ in $(seq 1 100); do
    [ "$(sim GET /_sim/punches | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ] && break
    sleep 0.2
done
# a delivery is counted once its outcome is written, a poll once it ended
for _ in $(seq 1 100); do
    curl -sS "$MURL/metrics" -D "$T/headers" -o "$T/metrics.txt"
    grep -q '^loginrec_delivery_latency_seconds_count 2$' "$T/metrics.txt" &&
        ! grep -q '^loginrec_malion_polls_total{outcome="error"} 0$' "$T/metrics.txt" && break
    sleep 0.2
done
expect_eq "Prometheus' text format" 1 "$(grep -ci '^content-type: text/plain; version=0.0.4' "$T/headers")"
m() { # m 'NAME{LABELS}': its value in the scrape
    awk -v k="$1" '$1 == k {print $2}' "$T/metrics.txt"
}
expect_eq "events by source and result: 2 accepted, 2 duplicate, 1 rejected; 1 batch refused" "2 2 1 1" \
    "$(m 'loginrec_events_total{source="api",result="accepted"}') $(m 'loginrec_events_total{source="api",result="duplicate"}') $(m 'loginrec_events_total{source="api",result="rejected"}') $(m 'loginrec_batches_refused_total{source="api"}')"
expect_eq "punches derived; delivered at the first attempt each; both in the latency histogram" "2 2 2 2" \
    "$(m loginrec_punches_derived_total) $(m 'loginrec_delivery_attempts_total{outcome="ok"}') $(m 'loginrec_delivery_latency_seconds_count') $(m 'loginrec_delivery_latency_seconds_bucket{le="+Inf"}')"
expect_eq "the outbox by state: nothing left" "0 0 0" \
    "$(m 'loginrec_outbox_rows{state="pending"}') $(m 'loginrec_outbox_rows{state="sending"}') $(m 'loginrec_outbox_rows{state="failed"}')"
expect_eq "MaLion: BBB's failing polls counted, and BBB as one company in error" "1 1 0 2 1" \
    "$([ "$(m 'loginrec_malion_polls_total{outcome="error"}')" -ge 1 ] && echo 1) $(m 'loginrec_companies_in_error{what="malion"}') $(m 'loginrec_companies_in_error{what="delivery"}') $(m loginrec_companies) $(m loginrec_store_up)"
expect_eq "HTTP answers by route class and status" "2 1 1" \
    "$(m 'loginrec_http_requests_total{class="api",code="200"}') $(m 'loginrec_http_requests_total{class="api",code="422"}') $(m 'loginrec_http_requests_total{class="metrics",code="404"}')"
expect_eq "the process: resident memory, start time" "1 1" \
    "$([ "$(m process_resident_memory_bytes)" -gt 1000000 ] && echo 1) $([ "$(m process_start_time_seconds)" -gt 1700000000 ] && echo 1)"
expect_eq "no series names a company" 0 "$(grep -c 'ACM\|BBB\|company=' "$T/metrics.txt" || true)"
out=$(promtool check metrics < "$T/metrics.txt" 2>&1) && rc=0 || rc=$?
expect_eq "promtool check metrics: clean" "0 " "$rc $out"
printf 'loginrec_events_total{source="api"} 1\n' > "$T/bad.txt"
expect_eq "(promtool does find a metric without HELP)" 1 \
    "$(promtool check metrics < "$T/bad.txt" 2>&1 | grep -c 'no help text')"

# --- a real Prometheus scrapes it --------------------------------------------------
PPORT=$(free_port)
cat > "$T/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: loginrec
    static_configs:
      - targets: ["127.0.0.1:$MPORT"]
YML
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/prom" \
    --web.listen-address="127.0.0.1:$PPORT" --log.level=warn > "$T/prometheus.log" 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
q() { # q PROMQL: the first result's value, or ""
    curl -sS --max-time 5 -G "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1" 2>/dev/null |
        python3 -c 'import json,sys
try: r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")
except Exception: print("")'
}
got=""
for _ in $(seq 1 150); do
    got=$(q 'loginrec_events_total{job="loginrec",source="api",result="accepted"}')
    [ "$got" = 2 ] && break
    sleep 0.2
done
expect_eq "Prometheus scraped it: the target up, the events accepted, BBB in error" "1 2 1" \
    "$(q 'up{job="loginrec"}') $got $(q 'loginrec_companies_in_error{what="malion"}')"
expect_eq "and computes on it: the latency histogram's 99th percentile is within its buckets" 1 \
    "$(q 'histogram_quantile(0.99, loginrec_delivery_latency_seconds_bucket)' | python3 -c 'import sys; v=sys.stdin.read().strip(); print(1 if v and 0 <= float(v) <= 86400 else 0)')"

out=$("$LRD" --db "$LOGINREC_DB" --listen 127.0.0.1:0 --metrics-listen "127.0.0.1:$PORT" --no-kot \
      --malion-interval 0 2>&1) && rc=0 || rc=$?
expect_eq "a metrics address in use stops the start, saying so" "1 1" \
    "$rc $(printf '%s\n' "$out" | grep -c "metrics_listen: cannot listen on 127.0.0.1:$PORT")"
finish

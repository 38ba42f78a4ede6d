#!/bin/bash
# Crash safety: a client ingests in a loop while loginrecd is killed with
# SIGKILL at random moments (KILLS times, 50 by default) and restarted,
# with punch delivery to the KING OF TIME simulator on all along. Then:
# every event answered 200 is in the store, no punch was derived twice,
# and, once the outbox drains, KING OF TIME holds each punch exactly once.
. "$(dirname "$0")/lib.sh"
KILLS=${CRASH_KILLS:-50}
EMPLOYEES=5
export LOGINREC_KOT_TIMEOUT_MS=500 LOGINREC_RETRY_BASE_MS=100 LOGINREC_RETRY_MAX_MS=1000 \
    LOGINREC_DISPATCH_POLL_MS=50
SIMTOKEN=crash-token
start_sim "$SIMTOKEN"

TOKEN=$(delivering_company ACM "$EMPLOYEES" 100)

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
serve() {
    "$LRD" --db "$LOGINREC_DB" --listen "127.0.0.1:$PORT" --threads 2 --malion-interval 0 2>>"$T/server.log" &
    SERVER_PID=$!
}
serve
python3 "$(dirname "$0")/crash_client.py" "$URL" "$TOKEN" "$T/acked.tsv" "$T/stop" "$EMPLOYEES" > "$T/client.log" 2>&1 &
CLIENT=$!
EXTRA_PIDS="$CLIENT"

# kill at random moments: 50-600 ms after each start
killed=0
for i in $(seq 1 "$KILLS"); do
    sleep "0.$(printf '%03d' $((RANDOM % 550 + 50)))"
    kill -KILL "$SERVER_PID" 2>/dev/null && killed=$((killed + 1))
    wait "$SERVER_PID" 2>/dev/null || true
    serve
done
sleep 1
touch "$T/stop"
wait "$CLIENT" || true
expect_eq "loginrecd was killed $KILLS times with SIGKILL" "$KILLS" "$killed"
batches=$(sed -n 's/^batches acknowledged \([0-9]*\).*/\1/p' "$T/client.log")
[ "${batches:-0}" -gt 0 ] && ok "the client got $batches batches acknowledged ($(cat "$T/client.log"))" ||
    not_ok "the client got batches acknowledged: $(cat "$T/client.log")"

# every acknowledged event is stored
if [ -n "$PG_DB" ]; then
    db_sql <<SQL > "$T/missing.txt"
CREATE TEMP TABLE acked (account TEXT, ts BIGINT, op TEXT);
\copy acked FROM '$T/acked.tsv'
SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM log_events e WHERE e.account = a.account
    AND e.ts_utc = a.ts AND e.op = a.op);
SQL
else
    db_sql <<SQL
CREATE TEMP TABLE acked (account TEXT, ts INTEGER, op TEXT);
.mode tabs
.import $T/acked.tsv acked
.output $T/missing.txt
SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM log_events e WHERE e.account = a.account
    AND e.ts_utc = a.ts AND e.op = a.op);
SQL
fi
expect_eq "every event answered 200 is in the store ($(wc -l < "$T/acked.tsv") events)" 0 "$(cat "$T/missing.txt")"
expect_eq "no punch is derived twice" 0 "$(db_sql "SELECT count(*) FROM (SELECT 1 FROM punches
    WHERE state = 'active' GROUP BY employee_id, work_day, kind HAVING count(*) > 1) d")"
expect_eq "each stored logon/logoff pair gave its two punches" \
    "$(db_sql "SELECT count(*) FROM log_events")" \
    "$(db_sql "SELECT count(*) FROM punches WHERE state = 'active'")"

# the outbox drains; KING OF TIME holds each punch once
drained() { [ "$(db_sql "SELECT count(*) FROM outbox WHERE state <> 'done'")" = 0 ]; }
wait_for 120 drained && ok "the outbox drained" || not_ok "the outbox drained: $("$LR" outbox ACM | head -3)"
sim GET /_sim/punches > "$T/kot.json"
expect_eq "KING OF TIME got each punch exactly once" \
    "$(db_sql "SELECT count(*) FROM punches WHERE state = 'active'") 0" \
    "$(json_get "$(cat "$T/kot.json")" "str(len(j)) + ' ' + str(len(j) - len({(p['employeeKey'], p['date'], p['code'], p['time']) for p in j}))")"
finish

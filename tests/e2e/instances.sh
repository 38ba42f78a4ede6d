#!/bin/bash
# Several loginrecd instances on one PostgreSQL database (ctest
# e2e_pg_instances; PostgreSQL only, run alone since it restarts the
# cluster):
# - three instances start together on an empty database: each migration
#   is applied once (advisory lock);
# - events are posted to all three; punch delivery drains the outbox from
#   all three; one is killed with SIGKILL mid-drain; the other two finish,
#   and the KING OF TIME simulator holds every punch exactly once;
# - the PostgreSQL server restarts under the survivors: they reconnect and
#   go on ingesting and delivering without a restart of their own;
# - one budget per company whatever the number of instances: three
#   instances deliver a company at --rate 5 to a KoT that allows 5
#   requests a second: no request is rate-limited, and at least 0.9x the
#   budget arrives.
. "$(dirname "$0")/lib.sh"
[ -n "$PG_DB" ] || { echo "instances.sh needs LR_TEST_BACKEND=postgres"; exit 1; }
EMPLOYEES=12
DAYS=15
# short leases so the test sees a take-over in seconds (defaults: 30 s for
# due rows; a row being sent: 2 timeouts + 5 s)
export LOGINREC_OUTBOX_LEASE_S=2 LOGINREC_KOT_TIMEOUT_MS=1000 LOGINREC_RETRY_BASE_MS=100 \
    LOGINREC_RETRY_MAX_MS=1000 LOGINREC_DISPATCH_POLL_MS=50
# instances sharing a database share the secrets key
export LOGINREC_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
SIMTOKEN=instances-token
start_sim "$SIMTOKEN"

# --- three instances start together on an empty database -------------------
PIDS=() URLS=()
start_instance() { # N
    local port
    port=$(free_port)
    "$LRD" --db "$LOGINREC_DB" --listen "127.0.0.1:$port" --threads 2 --malion-interval 0 \
        2>>"$T/server-$1.log" &
    PIDS[$1]=$!
    EXTRA_PIDS="$EXTRA_PIDS $!"
    URLS[$1]="http://127.0.0.1:$port"
}
for n in 1 2 3; do start_instance "$n"; done
up() { curl -sSf -o /dev/null --max-time 2 "${URLS[$1]}/healthz" 2>/dev/null; }
for n in 1 2 3; do
    wait_for 30 up "$n" || { cat "$T"/server-*.log; not_ok "instance $n started"; exit 1; }
done
ok "three instances started together on one empty database"
expect_eq "each migration was applied once" \
    "$(db_sql "SELECT count(DISTINCT version) FROM schema_migrations") $(db_sql "SELECT count(*) FROM schema_migrations")" \
    "$(db_sql "SELECT count(*) FROM schema_migrations") $(db_sql "SELECT max(version) FROM schema_migrations")"

# --- a company whose punches go to the simulator, slowly enough to kill an
# instance mid-drain (KoT rate: 8 calls/s per instance) ---------------------
TOKEN=$(delivering_company ACM "$EMPLOYEES" 8)

# day d's logons and logoffs of every employee, as a JSON batch
batch() {
    python3 - "$1" "$EMPLOYEES" <<'PY'
import datetime, json, sys
d, n = int(sys.argv[1]), int(sys.argv[2])
JST = datetime.timezone(datetime.timedelta(hours=9))
day = datetime.datetime(2026, 10, 1, tzinfo=JST) + datetime.timedelta(days=d)
ev = []
for i in range(n):
    for h, op in ((9, "logon"), (18, "logoff")):
        t = day + datetime.timedelta(hours=h, minutes=i)
        ev.append({"source": "lanscope", "account": "acct%03d" % i, "host": "PC-%03d" % i,
                   "op": op, "time": t.isoformat()})
print(json.dumps(ev))
PY
}
post() { # INSTANCE DAY -> HTTP status
    batch "$2" > "$T/batch.json"
    curl -sS -o /dev/null -w '%{http_code}' --max-time 20 -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' "${URLS[$1]}/api/v1/ingest" --data-binary @"$T/batch.json"
}
statuses=""
for d in $(seq 0 $((DAYS - 1))); do
    statuses="$statuses $(post $((d % 3 + 1)) "$d")"
done
expect_eq "events posted to all three instances were stored" \
    "$(printf ' 200%.0s' $(seq 1 $DAYS))" "$statuses"
TOTAL=$((EMPLOYEES * DAYS * 2))
expect_eq "each logon/logoff became a punch ($TOTAL)" "$TOTAL" \
    "$(db_sql "SELECT count(*) FROM punches WHERE state = 'active'")"

# --- kill one instance mid-drain ---------------------------------------------
sent_by() { grep -o 'company ACM: [0-9]* sent' "$T/server-$1.log" | awk '{s += $3} END {print s + 0}'; }
mid() { [ "$(sent_by 2)" -gt 0 ]; }
wait_for 30 mid || true
left=$(db_sql "SELECT count(*) FROM outbox WHERE state <> 'done'")
kill -KILL "${PIDS[2]}"
wait "${PIDS[2]}" 2>/dev/null || true
[ "$left" -gt 0 ] && ok "instance 2 was killed (SIGKILL) mid-drain, $left punches still to send, $(sent_by 2) sent by it" ||
    not_ok "instance 2 was killed mid-drain (nothing was left to send)"

drained() { [ "$(db_sql "SELECT count(*) FROM outbox WHERE state <> 'done'")" = 0 ]; }
wait_for 120 drained && ok "the two others drained the outbox" ||
    not_ok "the two others drained the outbox: $("$LR" outbox ACM | head -3)"
[ "$(sent_by 1)" -gt 0 ] && [ "$(sent_by 3)" -gt 0 ] &&
    ok "the instances delivered together ($(sent_by 1), $(sent_by 2), $(sent_by 3) sent)" ||
    not_ok "the instances delivered together ($(sent_by 1), $(sent_by 2), $(sent_by 3) sent)"
exactly_once() {
    sim GET /_sim/punches > "$T/kot.json"
    json_get "$(cat "$T/kot.json")" "str(len(j)) + ' ' + str(len(j) - len({(p['employeeKey'], p['date'], p['code'], p['time']) for p in j}))"
}
expect_eq "KING OF TIME got each punch exactly once" "$TOTAL 0" "$(exactly_once)"

# --- PostgreSQL restarts under the two survivors -----------------------------
sh "$(dirname "$0")/../pg/cluster.sh" restart "$BUILD/pg"
again() { local c; c=$(post 1 "$DAYS"); echo "$c" >> "$T/after-restart"; [ "$c" = 200 ]; }
wait_for 30 again && ok "after PostgreSQL restarted, instance 1 reconnected and ingests again" ||
    not_ok "after PostgreSQL restarted, instance 1 reconnected and ingests again"
again3() { local c; c=$(post 3 $((DAYS + 1))); echo "$c" >> "$T/after-restart"; [ "$c" = 200 ]; }
wait_for 30 again3 && ok "and so does instance 3" || not_ok "and so does instance 3"
expect_eq "while the database was away, a valid token was never refused (401)" 0 \
    "$(grep -c '^401$' "$T/after-restart" || true)"
TOTAL=$((EMPLOYEES * (DAYS + 2) * 2))
wait_for 60 drained && ok "the new punches were delivered" || not_ok "the new punches were delivered"
expect_eq "KING OF TIME still holds each punch exactly once" "$TOTAL 0" "$(exactly_once)"
# --- one budget for the company, three instances ---------------------------
start_instance 2
wait_for 30 up 2 || not_ok "instance 2 started again"
BEMP=20
python3 - "$BEMP" > "$T/bud.json" <<'PY'
import json, sys
n = int(sys.argv[1])
print(json.dumps([{"name": "bud", "token": "bud-token", "budget": 5, "employees": [
    {"key": "b%03d" % i, "code": "B%03d" % i, "lastName": "予算", "firstName": str(i)}
    for i in range(n)]}]))
PY
sim PUT /_sim/tenants "$(cat "$T/bud.json")" >/dev/null
BTOKEN=$("$LR" company add BUD "Budget")
echo bud-token | "$LR" kot set BUD --base-url "$SIM" --token - --rate 5 >/dev/null
"$LR" kot sync BUD >/dev/null
for i in $(seq 0 $((BEMP - 1))); do
    "$LR" link set BUD --kind lanscope "$(printf 'B%03d' "$i")" "$(printf 'bud%03d' "$i")" >/dev/null
done
python3 - "$BEMP" > "$T/bud-events.json" <<'PY'
import json, sys
n = int(sys.argv[1])
print(json.dumps([{"source": "lanscope", "account": "bud%03d" % i, "host": "PC", "op": op,
                   "time": "2026-10-%02dT%02d:%02d:00+09:00" % (d, h, i)}
                  for d in (20, 21) for i in range(n) for h, op in ((9, "logon"), (18, "logoff"))]))
PY
curl -sS -o /dev/null -H "Authorization: Bearer $BTOKEN" -H 'Content-Type: application/json' \
    "${URLS[1]}/api/v1/ingest" --data-binary @"$T/bud-events.json"
BTOTAL=$((BEMP * 4))
"$LR" kot set BUD --delivery on >/dev/null
bud_drained() { [ "$(db_sql "SELECT count(*) FROM outbox o JOIN companies c ON c.id = o.company_id WHERE c.code = 'BUD' AND o.state <> 'done'")" = 0 ]; }
wait_for 120 bud_drained && ok "three instances drained company BUD's $BTOTAL punches" ||
    not_ok "three instances drained company BUD's $BTOTAL punches"
sim GET "/_sim/punches?tenant=bud" > "$T/bud-kot.json"
expect_eq "at --rate 5 against KoT's 5 a second, from three instances: none rate-limited, each once" \
    "0 $BTOTAL 0" \
    "$(json_get "$(sim GET /_sim/stats)" 'j["tenants"]["bud"].get("rate_limited", 0)') $(json_get "$(cat "$T/bud-kot.json")" "str(len(j)) + ' ' + str(len(j) - len({(p['employeeKey'], p['date'], p['code']) for p in j}))")"
BY=$(for n in 1 2 3; do grep -o 'company BUD: [0-9]* sent' "$T/server-$n.log" | awk '{s += $3} END {print s + 0}'; done | tr '\n' ' ')
RATE=$(json_get "$(cat "$T/bud-kot.json")" 'round((len(j) - 1) / (max(p["received"] for p in j) - min(p["received"] for p in j)), 2)')
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 4.5 else 1)" "$RATE" &&
    ok "delivered at $RATE punches/s, at least 0.9x the budget of 5 (sent by instance 1, 2, 3: $BY)" ||
    not_ok "delivered at $RATE punches/s, at least 0.9x the budget of 5 (sent by instance 1, 2, 3: $BY)"
for n in 1 2 3; do
    kill -TERM "${PIDS[$n]}" 2>/dev/null || true
    wait "${PIDS[$n]}" 2>/dev/null || true
done
finish

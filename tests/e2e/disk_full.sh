#!/bin/bash
# A full disk (issue 25, part 8). The database (and so its WAL) on a small
# tmpfs that fills up. Quite full (under ingest_min_free_mb): ingest
# answers 503 "storage full" with Retry-After and stores nothing, while
# delivery goes on in the room kept for it. Wholly full (that headroom
# off): the write fails inside SQLite, ingest answers the same, nothing of
# the batch is stored, the pages, the read API and /healthz go on, the
# agent keeps its file, delivery waits to write down each claim (without
# it a punch could go twice). Once space returns, the same loginrecd (no
# restart) takes ingest again, every event it acknowledged is there, each
# punch reached KING OF TIME once.
# The key file's folder full: `loginrec init` fails saying so and leaves
# no key, half or whole, and works once there is space.
# Runs in a mount namespace of its own, so its tmpfs mounts go with it.
if [ -z "${LR_IN_NS:-}" ]; then
    if [ "$(id -u)" = 0 ]; then
        exec env LR_IN_NS=1 unshare --mount --propagation private bash "$0" "$@"
    fi
    exec env LR_IN_NS=1 unshare --user --map-root-user --mount bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
DATA="$(cd "$(dirname "$0")/../data" && pwd)"
export LOGINREC_KOT_TIMEOUT_MS=1000 LOGINREC_RETRY_BASE_MS=200 LOGINREC_RETRY_MAX_MS=1000 \
    LOGINREC_DISPATCH_POLL_MS=100 LOGINREC_OUTBOX_LEASE_S=2
D="$T/disk"
mkdir -p "$D"
mount -t tmpfs -o size=16m,mode=0755 tmpfs "$D"
export LOGINREC_DB="$D/loginrec.db"
fill() { dd if=/dev/zero of="$1/filler" bs=16k 2>/dev/null || true; sync; }
events() { db_sql "SELECT count(*) FROM log_events"; }
at_kot() { json_get "$(sim GET /_sim/punches)" 'len(j)'; }

SIMTOKEN=full-$$
start_sim "$SIMTOKEN"
"$LR" init > /dev/null
TOKEN=$("$LR" company add ACM "Acme")
sim PUT /_sim/employees '[{"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎"}]' > /dev/null
echo "$SIMTOKEN" | "$LR" kot set ACM --base-url "$SIM" --token - --rate 20 --delivery on > /dev/null
"$LR" kot sync ACM > /dev/null
"$LR" link set ACM --kind lanscope 1001 tarouk > /dev/null
LSTOKEN=$("$LR" company token ACM --lanscope | grep -o '[A-Za-z0-9]\{32\}' | head -1)
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin > /dev/null
start_server --sync-interval 0 --malion-interval 0 --ingest-min-free-mb 0
SERVER=$SERVER_PID
ui_sign_in "$T/jar" ACM admin 'correct horse battery' > /dev/null

batch() { # batch DAY N: N events of tarouk on DAY, logons and logoffs
    python3 - "$1" "$2" <<'PY'
import json, sys
day, n = sys.argv[1], int(sys.argv[2])
print(json.dumps([{"source": "lanscope", "account": "tarouk", "host": "PC-%d" % (k // 20), "op": "logon" if k % 2 == 0 else "logoff",
                   "time": "%sT%02d:%02d:%02d+09:00" % (day, 7 + k % 14, (k // 14) % 60, k % 60)} for k in range(n)]))
PY
}
post() { curl -sS -D "$T/h" -o "$T/b" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @"$1" "$URL/api/v1/ingest"; }
batch 2026-11-16 40 > "$T/b1.json"
expect_eq "a batch goes in" 200 "$(post "$T/b1.json")"
for _ in $(seq 1 100); do [ "$(at_kot)" -ge 2 ] && break; sleep 0.1; done
BEFORE=$(events)

# KING OF TIME down for a while: punches of the next batch wait
sim POST /_sim/maintenance '{"on": true}' > /dev/null
batch 2026-11-17 40 > "$T/b2.json"
expect_eq "another, whose punches wait for KING OF TIME" 200 "$(post "$T/b2.json")"
ACKED=$(events)

# --- the disk fills up -----------------------------------------------------
sqlite3 "$LOGINREC_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null # the WAL must grow to take a write
fill "$D"
expect_eq "the disk is full" 0 "$(df --output=avail -k "$D" | tail -1 | tr -d ' ')"
batch 2026-11-18 2000 > "$T/b3.json"
code=$(post "$T/b3.json")
expect_eq "ingest: 503, storage full, Retry-After; nothing of the batch stored" \
    "503 1 60 $ACKED" \
    "$code $(json_get "$(cat "$T/b")" 'int(j["error"].startswith("storage full while "))') $(sed -n 's/^Retry-After: \([0-9]*\).*/\1/Ip' "$T/h") $(events)"
expect_eq "and it says so in words: nothing stored, goes on by itself" 1 \
    "$(json_get "$(cat "$T/b")" 'j["error"]' | grep -c 'nothing of it was stored; it goes on by itself once there is space')"
http GET /healthz
s1=$STATUS
http GET "/api/v1/punches?from=2026-11-16&to=2026-11-17" -H "Authorization: Bearer $TOKEN"
s2=$STATUS
expect_eq "the read API, /healthz and the pages go on" "200 200 4 200" \
    "$s1 $s2 $(json_get "$BODY" 'len(j)') $(curl -sS -b "$T/jar" -o /dev/null -w '%{http_code}' "$URL/daily?day=2026-11-16")"

# the agent: its file refused for now, kept, tried again
mkdir -p "$T/watch" "$T/state"
cp "$DATA/lanscope/days_utf8bom.csv" "$T/watch/20261120.csv"
"$BUILD/loginrec-agent" --company ACM --token "$LSTOKEN" --watch-dir "$T/watch" --server "$URL" \
    --state-dir "$T/state" --stable-seconds 1 --rescan-seconds 1 --retry-max-seconds 1 \
    > "$T/agent.log" 2>&1 &
AGENT=$!
EXTRA_PIDS="$EXTRA_PIDS $AGENT"
for _ in $(seq 1 100); do grep -q "not sent" "$T/agent.log" && break; sleep 0.1; done
expect_eq "the agent keeps its file while the server's storage is full" "1 1" \
    "$(grep -c '20261120.csv not sent: .*storage full' "$T/agent.log" | sed 's/^[1-9][0-9]*$/1/') $([ -f "$T/watch/20261120.csv" ] && echo 1)"

# KING OF TIME back while the disk is wholly full: a punch goes out only
# once its claim is written down, so the waiting ones wait for room
sim POST /_sim/maintenance '{"on": false}' > /dev/null
sleep 2
expect_eq "delivery waits for room to write its claims: nothing sent twice" 2 "$(at_kot)"
expect_eq "loginrecd is the same process, still serving" "1 200" \
    "$(kill -0 "$SERVER" && echo 1) $(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")"

# --- space returns: it goes on by itself --------------------------------------
rm -f "$D/filler"
code=""
for _ in $(seq 1 50); do code=$(post "$T/b3.json"); [ "$code" = 200 ] && break; sleep 0.2; done
expect_eq "ingest takes the batch again, no restart" "200 $SERVER" "$code $SERVER_PID"
for _ in $(seq 1 100); do grep -q "sent 20261120.csv" "$T/agent.log" && break; sleep 0.1; done
expect_eq "the agent sends its file" 1 "$(grep -c 'sent 20261120.csv' "$T/agent.log")"
kill "$AGENT" 2>/dev/null; wait "$AGENT" 2>/dev/null || true
for _ in $(seq 1 100); do [ "$(db_sql "SELECT count(*) FROM outbox WHERE state <> 'done'")" = 0 ] && break; sleep 0.2; done
FROM_AGENT=$(sed -n 's/.*sent 20261120.csv: rows=[0-9]* accepted=\([0-9]*\).*/\1/p' "$T/agent.log")
expect_eq "every acknowledged event is there; the outbox settles; each punch reached KING OF TIME once" \
    "$((ACKED + 2000 + FROM_AGENT)) 0 1" \
    "$(events) $(db_sql "SELECT count(*) FROM outbox WHERE state <> 'done'") $(sim GET /_sim/punches | python3 -c 'import json,sys; p=json.load(sys.stdin); k=[(x["employeeKey"], x["date"], x["time"], x["code"]) for x in p]; print(int(len(k) == len(set(k))))')"
expect_eq "the database is sound" "ok" "$(sqlite3 "$LOGINREC_DB" 'PRAGMA integrity_check')"
expect_eq "and its events' chain holds" 0 "$("$LR" verify ACM > /dev/null; echo $?)"
stop_server

# --- quite full: the headroom ingest keeps for delivery ---------------------------
start_server --sync-interval 0 --malion-interval 0 --ingest-min-free-mb 4
sim POST /_sim/maintenance '{"on": true}' > /dev/null
batch 2026-11-19 40 > "$T/b4.json"
expect_eq "a batch whose punches wait for KING OF TIME" 200 "$(post "$T/b4.json")"
AT_KOT=$(at_kot)
ACKED=$(events)
avail=$(df --output=avail -k "$D" | tail -1 | tr -d ' ')
dd if=/dev/zero of="$D/filler" bs=1k count=$((avail - 2048)) 2>/dev/null
code=$(post "$T/b3.json")
expect_eq "ingest under the headroom: 503 storage full, saying how much is free and kept; nothing stored" \
    "503 1 60 $ACKED" \
    "$code $(json_get "$(cat "$T/b")" 'j["error"]' | grep -c "^storage full: [12] MiB free on the database's disk, ingest keeps 4 (ingest_min_free_mb) for delivery and the pages; nothing of it was stored") $(sed -n 's/^Retry-After: \([0-9]*\).*/\1/Ip' "$T/h") $(events)"
sim POST /_sim/maintenance '{"on": false}' > /dev/null
for _ in $(seq 1 100); do [ "$(db_sql "SELECT count(*) FROM outbox WHERE state <> 'done'")" = 0 ] && break; sleep 0.1; done
expect_eq "delivery goes on in the room kept for it: sent and written down" "$((AT_KOT + 2)) 0" \
    "$(at_kot) $(db_sql "SELECT count(*) FROM outbox WHERE state <> 'done'")"
rm -f "$D/filler"
expect_eq "and ingest takes batches again once there is space" 200 "$(post "$T/b3.json")"
stop_server

# --- the key file's folder full -------------------------------------------------
K="$T/keys"
mkdir -p "$K"
mount -t tmpfs -o size=64k tmpfs "$K"
fill "$K"
out=$(LOGINREC_KEY_FILE="$K/loginrec.key" "$LR" --db "$T/other.db" init 2>&1) && rc=0 || rc=$?
expect_eq "init with the key's folder full: exit 1, saying so, no key left, half or whole" \
    "1 1 0" "$rc $(printf '%s' "$out" | grep -c "cannot .* key file $K/loginrec.key: No space left on device") $(ls "$K" | grep -vc '^filler$')"
rm -f "$K/filler"
out=$(LOGINREC_KEY_FILE="$K/loginrec.key" "$LR" --db "$T/other.db" init 2>&1) && rc=0 || rc=$?
expect_eq "and once there is space, it makes the key" "0 65" "$rc $(stat -c %s "$K/loginrec.key")"
umount "$K" "$D"
finish

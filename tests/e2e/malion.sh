#!/bin/bash
# End to end: MaLionCloud operation logs pulled by loginrecd's poller from
# two simulators (tests/sim/malion), one per company. Happy path to punches;
# agents without an attendance code ignored; other operations stored, not
# punched; token expiry mid-paging; a page that repeats a record; a late
# shutdown logoff re-deriving its day; SIGKILL of loginrecd mid-page, then
# a restart with no loss and no duplicate; a wrong secret code in plain
# words while the other company goes on; and the secret code nowhere in
# logs, CLI output or the database file.
. "$(dirname "$0")/lib.sh"
SECRET_A='S3CRET-a1b2c3d4e5'
SECRET_B='S3CRET-bbbb7777'
WRONG_B='WRONG-secret-5150'
CLI_OUT="$T/cli.out"
: > "$CLI_OUT"
lr() { "$LR" "$@" 2>&1 | tee -a "$CLI_OUT"; return "${PIPESTATUS[0]}"; }

stat_of() { msim "$1" GET /_sim/stats | python3 -c "import json,sys; print(json.load(sys.stdin).get('$2', 0))"; }
# logs NAME AGENT USER "DAY HH:MM op" ...: appends operation logs (op: on, off, file)
logs() {
    local name=$1 agent=$2 user=$3; shift 3
    msim "$name" POST /_sim/logs "$(python3 - "$agent" "$user" "$@" <<'PY'
import json, sys
agent, user, items = sys.argv[1], sys.argv[2], sys.argv[3:]
ops = {"on": "ログオン", "off": "ログオフ", "file": "ファイル操作"}
print(json.dumps([{"time": f"{d}T{t}:00+09:00", "operation": ops[o], "user": user,
                   "terminal_agent": agent} for d, t, o in (i.split() for i in items)]))
PY
)" >/dev/null
}
punches() { "$LR" punches "$1" --from "$2" --to "${3:-$2}" | tail -n +2; }
# until_eq SECONDS EXPECTED COMMAND...: polls until COMMAND prints EXPECTED
until_eq() {
    local end=$((SECONDS + $1)) want=$2; shift 2
    while [ $SECONDS -lt $end ] && [ "$("$@")" != "$want" ]; do sleep 0.2; done
}
state() { db_sql "SELECT $2 FROM malion_state JOIN companies c ON c.id = company_id WHERE c.code = '$1'"; }

start_malion A ADM1 "$SECRET_A"
start_malion B ADM2 "$SECRET_B"
AGENTS='[{"id":"TA1","name":"PC-TARO","version":"6.3.1","attendance_code":"K001"},
         {"id":"TA2","name":"PC-HANA","version":"6.3.2","attendance_code":"K002"},
         {"id":"TA9","name":"PC-SHARED","version":"6.2.0","attendance_code":null}]'
msim A POST /_sim/agents "$AGENTS" >/dev/null
msim B POST /_sim/agents "$AGENTS" >/dev/null

lr init >/dev/null
for co in ACM BBB; do
    lr company add $co "$co 株式会社" >/dev/null
    lr division set $co HQ --name 本社 --day-change 05:00 >/dev/null
done
lr employee add ACM 1000 --last 勤怠 --first 太郎 --division HQ >/dev/null
lr employee add ACM 0012 --last 勤怠 --first 花子 --division HQ >/dev/null
lr employee add BBB 2000 --last 山田 --first 次郎 --division HQ >/dev/null
lr link set ACM --kind malion 1000 tarouk >/dev/null
lr link set ACM --kind malion 0012 hanako >/dev/null
lr link set BBB --kind malion 2000 jiro >/dev/null
printf '%s\n' "$SECRET_A" | lr malion set ACM --host "$MAL_A" --admin-code ADM1 --secret-code - --enabled on >/dev/null
lr malion set BBB --host "$MAL_B" --admin-code ADM2 --secret-code "$WRONG_B" --enabled on >/dev/null

out=$(lr malion test ACM) && rc=0 || rc=$?
expect_eq "malion test: the right codes sign in" "0 ok: MaLion accepted the admin code and secret code of ACM" "$rc $out"
out=$(lr malion test BBB) && rc=0 || rc=$?
expect_eq "malion test: a wrong secret code is said in plain words" \
    "1 loginrec: error: MaLion refused the admin code or the secret code (HTTP 401): check them in MaLion's API settings" "$rc $out"
out=$(lr malion set ACM --enabled on --host "https://$MAL_A/api" 2>&1) && rc=0 || rc=$?
expect_eq "a host with a scheme is refused" 1 "$rc"

# --- happy path: a week of logs, 7 to a page ------------------------------
for d in 16 17 18 19 20; do
    logs A TA1 'CORP\tarouk' "2026-11-$d 08:5$((d % 10)) on" "2026-11-$d 12:00 file" "2026-11-$d 18:0$((d % 10)) off"
    logs A TA2 hanako "2026-11-$d 09:1$((d % 10)) on" "2026-11-$d 17:3$((d % 10)) off"
    # a shared PC whose agent has no attendance code: never collected
    logs A TA9 tarouk "2026-11-$d 06:00 on" "2026-11-$d 23:00 off"
done
export LOGINREC_MALION_PAGE_SIZE=7
# on PostgreSQL a poller that was killed holds its company's lease: a short one
# lets the restarted loginrecd (a new instance) take over within the test
export LOGINREC_POLL_LEASE_S=2
start_server --no-kot --malion-interval 1
until_eq 30 35 state ACM logs_total
expect_eq "every log read, in pages of 7" "35 ''" "$(state ACM logs_total) '$(state ACM error)'"
expect_eq "logons/logoffs became punches for both employees" 20 "$(punches ACM 2026-11-16 2026-11-20 | wc -l)"
expect_eq "the first logon and last logoff of the day" "1000,2026-11-16,clock_in,2026-11-16T08:56:00+09:00 1000,2026-11-16,clock_out,2026-11-16T18:06:00+09:00" \
    "$(punches ACM 2026-11-16 | grep '^1000' | paste -sd ' ')"
expect_eq "agents without an attendance code are ignored" 0 \
    "$(db_sql "SELECT count(*) FROM log_events WHERE host = 'PC-SHARED'")"
expect_eq "other operations are stored as 'other', not punched" "5" \
    "$(db_sql "SELECT count(*) FROM log_events WHERE source = 'malion' AND op = 'other'")"
expect_eq "events carry the agent version MaLion reports" "6.3.1|10 6.3.2|10" \
    "$(db_sql "SELECT version, count(*) FROM log_events WHERE op <> 'other' GROUP BY version ORDER BY version" | paste -sd ' ')"

# --- the other company fails in plain words, and ACM goes on ---------------
wait_for 10 eval '[ -n "$(state BBB error)" ]' || true
expect_eq "BBB's wrong secret code is its last error" \
    "MaLion refused the admin code or the secret code (HTTP 401): check them in MaLion's API settings" "$(state BBB error)"
logs B TA1 jiro "2026-11-20 09:00 on" "2026-11-20 18:00 off"
logs A TA1 tarouk "2026-11-21 08:45 on"
until_eq 15 36 state ACM logs_total
expect_eq "ACM is still polled while BBB fails" "1000,2026-11-21,clock_in,2026-11-21T08:45:00+09:00" "$(punches ACM 2026-11-21)"
expect_eq "BBB collected nothing" "0" "$(db_sql "SELECT count(*) FROM log_events e JOIN companies c ON c.id = e.company_id WHERE c.code = 'BBB'")"
out=$(lr malion status BBB)
expect_eq "malion status shows the last error and no success" "last success   never|last error     MaLion refused the admin code or the secret code (HTTP 401): check them in MaLion's API settings" \
    "$(printf '%s\n' "$out" | grep -E '^last (success|error)' | paste -sd '|')"
printf '%s\n' "$SECRET_B" | lr malion set BBB --secret-code - >/dev/null
until_eq 15 2 eval 'punches BBB 2026-11-20 | wc -l'
expect_eq "with the right secret code BBB catches up" "2 ''" "$(punches BBB 2026-11-20 | wc -l) '$(state BBB error)'"

# --- a late shutdown logoff re-derives its day -----------------------------
expect_eq "11-21 has a clock-in only" 1 "$(punches ACM 2026-11-21 | wc -l)"
logs A TA1 tarouk "2026-11-21 19:40 off"
until_eq 15 2 eval 'punches ACM 2026-11-21 | wc -l'
expect_eq "the logoff reported a day later lands on its work day" \
    "1000,2026-11-21,clock_out,2026-11-21T19:40:00+09:00" "$(punches ACM 2026-11-21 | grep clock_out)"

# --- the token expires mid-paging, and a page repeats a record ------------
lr malion set ACM --enabled off >/dev/null # while the logs are written: one poll reads them all
sleep 1.5
for d in 23 24 25; do
    logs A TA1 tarouk "2026-11-$d 09:00 on" "2026-11-$d 18:00 off"
    logs A TA2 hanako "2026-11-$d 09:30 on" "2026-11-$d 17:00 off"
done
msim A POST /_sim/faults '{"expire_after_pages": 1, "repeat": true}' >/dev/null
auths=$(stat_of A auth_ok)
lr malion set ACM --enabled on >/dev/null
until_eq 30 12 eval 'punches ACM 2026-11-23 2026-11-25 | wc -l'
expect_eq "all 12 punches arrived through expiring tokens and repeated records" 12 "$(punches ACM 2026-11-23 2026-11-25 | wc -l)"
expect_eq "the simulator expired tokens and repeated records" "yes yes yes" \
    "$([ "$(stat_of A token_expired)" -ge 1 ] && echo yes) $([ "$(stat_of A repeated)" -ge 1 ] && echo yes) $([ "$(stat_of A auth_ok)" -gt $((auths + 1)) ] && echo yes)"
expect_eq "no event stored twice" 0 \
    "$(db_sql "SELECT count(*) FROM (SELECT 1 FROM log_events GROUP BY company_id, account, ts_utc, op HAVING count(*) > 1) d")"
msim A POST /_sim/faults '{}' >/dev/null

# --- SIGKILL mid-page, then a restart: no loss, no duplicate ---------------
lr malion set ACM --enabled off >/dev/null # while the logs are written
sleep 1.5
before=$(state ACM logs_total)
for d in 26 27 28 29 30; do
    logs A TA1 tarouk "2026-11-$d 08:30 on" "2026-11-$d 12:00 file" "2026-11-$d 17:45 off"
    logs A TA2 hanako "2026-11-$d 10:00 on" "2026-11-$d 19:00 off"
done
next=$(( $(stat_of A pages) + 2 )) # the second page of the next poll answers slowly
msim A POST /_sim/faults "{\"slow_page\": $next, \"slow_seconds\": 4}" >/dev/null
lr malion set ACM --enabled on >/dev/null
wait_for 20 eval '[ "$(stat_of A pages)" -ge "$next" ]' || true
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
mid=$(state ACM logs_total)
expect_eq "killed mid-poll: the first page was committed, the rest not" "7" "$((mid - before))"
msim A POST /_sim/faults '{}' >/dev/null
start_server --no-kot --malion-interval 1
until_eq 30 $((before + 25)) state ACM logs_total
expect_eq "after the restart every log is read exactly once" "$((before + 25))" "$(state ACM logs_total)"
expect_eq "and every punch is there, once" 20 "$(punches ACM 2026-11-26 2026-11-30 | wc -l)"
expect_eq "no event stored twice" 0 \
    "$(db_sql "SELECT count(*) FROM (SELECT 1 FROM log_events GROUP BY company_id, account, ts_utc, op HAVING count(*) > 1) d")"
expect_eq "no active punch twice" 0 \
    "$(db_sql "SELECT count(*) FROM (SELECT 1 FROM punches WHERE state = 'active' GROUP BY employee_id, work_day, kind HAVING count(*) > 1) d")"

# --- changed settings are tried at once, not after the interval (issue 19) --
stop_server
printf '%s\n' "$WRONG_B" | lr malion set BBB --secret-code - >/dev/null
start_server --no-kot --malion-interval 60 # BBB polled a second ago: not due for a minute
wait_for 15 eval '[ -n "$(state BBB error)" ]' || true
expect_eq "a minute's interval, yet the changed secret code is tried at once" \
    "MaLion refused the admin code or the secret code (HTTP 401): check them in MaLion's API settings" "$(state BBB error)"
printf '%s\n' "$SECRET_B" | lr malion set BBB --secret-code - >/dev/null
wait_for 15 eval '[ -z "$(state BBB error)" ]' || true
expect_eq "and so is the fix: the error is gone without waiting the interval" "''" "'$(state BBB error)'"

# --- the secret code is never shown, logged or stored in clear ------------
lr malion status ACM >/dev/null
stop_server
for s in "$SECRET_A" "$SECRET_B" "$WRONG_B"; do
    hits=$(cat "$T/server.log" "$CLI_OUT" $(db_files) | grep -a -c -F "$s" || true)
    expect_eq "secret ${s:0:6}… in no log, CLI output or database file" 0 "$hits"
done
expect_eq "the audit says the secret was replaced, not what it is" 1 \
    "$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'malion.set' AND detail LIKE '%secret_code=(replaced)%' AND detail LIKE 'host=%ADM1%'" || true)"
finish

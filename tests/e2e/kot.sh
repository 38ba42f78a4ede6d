#!/bin/bash
# End to end: KING OF TIME, against the simulator (tests/sim/kot).
#   1. employee sync: adds, updates, deletes (links kept), restores;
#      maintenance refuses and changes nothing (restricted hours: kot_hours.sh)
#   2. a week for 50 employees delivered through 30 % injected faults of
#      every kind, loginrecd killed with SIGKILL mid-drain and restarted:
#      every punch exactly once in KoT, nothing left in the outbox
#   3. below the simulator's budget no request is ever rate-limited
#   4. 打刻連携 off: nothing is sent; on again: it is
#   5. 休憩打刻する: on sends codes 3/4, off sends none (even when queued)
#   6. a refused punch is parked with KoT's reason and sent after
#      `outbox retry`; a correction is sent as a new punch; the periodic
#      sync of loginrecd; base URLs other than https or loopback refused
. "$(dirname "$0")/lib.sh"

export LOGINREC_KOT_TIMEOUT_MS=500 LOGINREC_RETRY_BASE_MS=100 LOGINREC_RETRY_MAX_MS=1000 \
    LOGINREC_DISPATCH_POLL_MS=100
SIMTOKEN=sim-token-$$
start_sim "$SIMTOKEN" 50
"$LR" init >/dev/null
"$LR" company add ACM "Acme" >/dev/null

# --- 1. employee sync -------------------------------------------------------
sim PUT /_sim/divisions '[{"code":"HQ","name":"本社"},{"code":"DEV","name":"開発"}]' >/dev/null
sim PUT /_sim/employees '[
 {"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k2","code":"1002","lastName":"勤怠","firstName":"花子","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k3","code":"1003","lastName":"山田","firstName":"一郎","divisionCode":"DEV","divisionName":"開発"}]' >/dev/null
echo "$SIMTOKEN" | "$LR" kot set ACM --base-url "$SIM" --token - --rate 40 >/dev/null
expect_eq "first sync adds everyone" "3 added, 0 updated, 0 deleted, 0 restored" "$("$LR" kot sync ACM)"
"$LR" link set ACM --kind lanscope 1003 yamada >/dev/null
sim PUT /_sim/employees '[
 {"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k2","code":"1002","lastName":"鈴木","firstName":"花子","divisionCode":"DEV","divisionName":"開発"},
 {"key":"k4","code":"1004","lastName":"佐藤","firstName":"次郎","divisionCode":"HQ","divisionName":"本社"}]' >/dev/null
expect_eq "second sync adds, updates and deletes" "1 added, 1 updated, 1 deleted, 0 restored" \
    "$("$LR" kot sync ACM)"
expect_eq "a changed name and division arrive" '"LanScope連携","2","1002","鈴木 花子","1002"' \
    "$("$LR" links export ACM --kind lanscope --encoding utf-8 | grep 1002 | tr -d '\r')"
expect_eq "a deleted employee is not exported" "" \
    "$("$LR" links export ACM --kind lanscope --encoding utf-8 | grep 1003 || true)"
cat > "$T/deleted.json" <<'JSON'
[{"source":"lanscope","account":"yamada","host":"PC-3","op":"logon","time":"2026-11-02T09:00:00+09:00"},
 {"source":"lanscope","account":"yamada","host":"PC-3","op":"logoff","time":"2026-11-02T18:00:00+09:00"}]
JSON
OUT=$("$LR" ingest ACM "$T/deleted.json")
expect_eq "a deleted employee gets no new punches" 0 "$(json_get "$OUT" 'j["punches"]["added"]')"
sim PUT /_sim/employees '[
 {"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k2","code":"1002","lastName":"鈴木","firstName":"花子","divisionCode":"DEV","divisionName":"開発"},
 {"key":"k3","code":"1003","lastName":"山田","firstName":"一郎","divisionCode":"DEV","divisionName":"開発"},
 {"key":"k4","code":"1004","lastName":"佐藤","firstName":"次郎","divisionCode":"HQ","divisionName":"本社"}]' >/dev/null
expect_eq "a returning employee is restored" "0 added, 0 updated, 0 deleted, 1 restored" \
    "$("$LR" kot sync ACM)"
expect_eq "with their link" '"LanScope連携","2","1003","山田 一郎","yamada"' \
    "$("$LR" links export ACM --kind lanscope --encoding utf-8 | grep 1003 | tr -d '\r')"
sim POST /_sim/maintenance '{"on":true}' >/dev/null
OUT=$("$LR" kot sync ACM 2>&1) && RC=0 || RC=$?
expect_eq "maintenance (503): sync fails, to be retried" "1 yes" \
    "$RC $(grep -q 'or maintenance; try again later' <<<"$OUT" && echo yes || echo no)"
sim POST /_sim/maintenance '{"on":false}' >/dev/null
expect_eq "and changed nothing" "0 added, 0 updated, 0 deleted, 0 restored" "$("$LR" kot sync ACM)"

# --- 2. a week for 50 employees through faults, with a SIGKILL ---------------
python3 - "$T" <<'PY'
import json, sys, datetime
t = sys.argv[1]
emps = [{"key": "w%02d" % i, "code": "2%03d" % i, "lastName": "社員", "firstName": str(i),
         "divisionCode": "HQ", "divisionName": "本社"} for i in range(50)]
open(t + "/emps50.json", "w").write(json.dumps(emps))
ev = []
for i in range(50):
    for d in range(7):
        day = datetime.date(2026, 11, 9) + datetime.timedelta(days=d)
        ev.append({"source": "lanscope", "account": "pc%02d" % i, "host": "PC", "op": "logon",
                   "time": "%sT08:%02d:00+09:00" % (day, i)})
        ev.append({"source": "lanscope", "account": "pc%02d" % i, "host": "PC", "op": "logoff",
                   "time": "%sT18:%02d:00+09:00" % (day, i)})
open(t + "/week.json", "w").write(json.dumps(ev))
PY
sim PUT /_sim/employees "$(cat "$T/emps50.json")" >/dev/null
"$LR" kot sync ACM >/dev/null
for i in $(seq -w 0 49); do "$LR" link set ACM --kind lanscope "20$i" "pc$i" >/dev/null; done
"$LR" ingest ACM "$T/week.json" >/dev/null
sim POST /_sim/reset '{}' >/dev/null
sim POST /_sim/faults '{"rate":0.3,"seed":7,"slow_seconds":1.0,
  "kinds":["500","503","429","303","slow","drop_after","drop_before"]}' >/dev/null
"$LR" kot set ACM --delivery on >/dev/null
start_server --sync-interval 0
held() { json_get "$(sim GET /_sim/stats)" 'j["punches_held"]'; }
wait_for 120 bash -c "[ \$(curl -s $SIM/_sim/stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"punches_held\"])') -ge 250 ]" \
    || not_ok "deliveries started"
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
ok "loginrecd killed with SIGKILL after $(held) punches reached KoT"
start_server --sync-interval 0
outbox_empty() { "$LR" outbox ACM | head -1 | grep -q '^# 0 pending, 0 sending, 0 failed'; }
wait_for 300 outbox_empty && ok "outbox drained after the restart" || {
    not_ok "outbox drained after the restart"; "$LR" outbox ACM | head -20; }
sim GET /_sim/punches > "$T/kot_punches.json"
"$LR" punches ACM --from 2026-11-09 --to 2026-11-15 > "$T/ledger.csv"
CHECK=$(python3 - "$T/kot_punches.json" "$T/ledger.csv" <<'PY'
import json, sys, collections, datetime
got = collections.Counter()
for p in json.load(open(sys.argv[1])):
    t = datetime.datetime.fromisoformat(p["time"]).timestamp()
    got[(p["employeeKey"], p["date"], int(t), p["code"])] += 1
want = set()
codes = {"clock_in": "1", "clock_out": "2", "break_start": "3", "break_end": "4"}
for line in open(sys.argv[2]).read().splitlines()[1:]:
    emp, day, kind, t = line.split(",")
    if not emp.startswith("2"):
        continue
    key = "w" + emp[2:]
    want.add((key, day, int(datetime.datetime.fromisoformat(t).timestamp()), codes[kind]))
dups = sum(1 for k, n in got.items() if n > 1)
missing = len(want - set(got))
extra = len(set(got) - want)
print("%d expected, %d missing, %d duplicated, %d unexpected" % (len(want), missing, dups, extra))
PY
)
expect_eq "every punch of the week is in KoT exactly once" \
    "700 expected, 0 missing, 0 duplicated, 0 unexpected" "$CHECK"
STATS=$(sim GET /_sim/stats)
expect_eq "faults of every kind were injected" "yes" "$(json_get "$STATS" \
    '"yes" if all(j.get("fault_"+k,0)>0 for k in ["500","503","429","303","slow","drop_after","drop_before"]) else j')"
ALREADY=$(db_sql "SELECT count(*) FROM outbox WHERE result = 'already_there'")
[ "$ALREADY" -gt 0 ] && ok "read-back found $ALREADY punches that had arrived without an answer" \
    || not_ok "read-back was exercised"
expect_eq "every attempt is recorded, never the token" "0" \
    "$(db_sql "SELECT count(*) FROM delivery_attempts WHERE request LIKE '%$SIMTOKEN%' OR answer LIKE '%$SIMTOKEN%'")"

# --- 3. below the budget, never rate-limited ----------------------------------
sim POST /_sim/faults '{"rate":0}' >/dev/null
sim POST /_sim/budget '{"budget":10}' >/dev/null
sim POST /_sim/reset '{}' >/dev/null
"$LR" kot set ACM --rate 8 >/dev/null
python3 - "$T" <<'PY'
import json, sys
ev = []
for i in range(50):
    ev.append({"source": "lanscope", "account": "pc%02d" % i, "host": "PC", "op": "logon", "time": "2026-11-16T09:%02d:00+09:00" % i})
    ev.append({"source": "lanscope", "account": "pc%02d" % i, "host": "PC", "op": "logoff", "time": "2026-11-16T17:%02d:00+09:00" % i})
open(sys.argv[1] + "/day16.json", "w").write(json.dumps(ev))
PY
"$LR" ingest ACM "$T/day16.json" >/dev/null
wait_for 60 outbox_empty || not_ok "day 16 delivered"
STATS=$(sim GET /_sim/stats)
expect_eq "100 punches at 8/s under a budget of 10/s: none rate-limited" "100 0" \
    "$(json_get "$STATS" 'str(j.get("punches",0)) + " " + str(j.get("rate_limited",0))')"

# --- 4. punch delivery off ------------------------------------------------
"$LR" kot set ACM --delivery off --rate 40 >/dev/null
sim POST /_sim/budget '{"budget":50}' >/dev/null
sim POST /_sim/reset '{}' >/dev/null
cat > "$T/day17.json" <<'JSON'
[{"source":"lanscope","account":"pc00","host":"PC","op":"logon","time":"2026-11-17T09:00:00+09:00"},
 {"source":"lanscope","account":"pc00","host":"PC","op":"logoff","time":"2026-11-17T12:00:00+09:00"},
 {"source":"lanscope","account":"pc00","host":"PC","op":"logon","time":"2026-11-17T13:00:00+09:00"},
 {"source":"lanscope","account":"pc00","host":"PC","op":"logoff","time":"2026-11-17T18:00:00+09:00"}]
JSON
"$LR" ingest ACM "$T/day17.json" >/dev/null
sleep 2
expect_eq "with 打刻連携 off nothing is sent" "0 2" \
    "$(held) $("$LR" outbox ACM | sed -n 's/^# \([0-9]*\) pending.*/\1/p')"

# --- 5. breaks -----------------------------------------------------------------
"$LR" company set ACM --breaks on >/dev/null
cat > "$T/day18.json" <<'JSON'
[{"source":"lanscope","account":"pc01","host":"PC","op":"logon","time":"2026-11-18T09:00:00+09:00"},
 {"source":"lanscope","account":"pc01","host":"PC","op":"logoff","time":"2026-11-18T12:00:00+09:00"},
 {"source":"lanscope","account":"pc01","host":"PC","op":"logon","time":"2026-11-18T13:00:00+09:00"},
 {"source":"lanscope","account":"pc01","host":"PC","op":"logoff","time":"2026-11-18T18:00:00+09:00"}]
JSON
"$LR" ingest ACM "$T/day18.json" >/dev/null
"$LR" kot set ACM --delivery on >/dev/null
wait_for 30 outbox_empty || not_ok "day 18 delivered"
codes() { json_get "$(sim GET /_sim/punches)" "' '.join(sorted(p['code'] for p in j if p['date']=='$1'))"; }
expect_eq "delivery on again: day 17 arrives (derived with breaks off: no 3/4)" "1 2" "$(codes 2026-11-17)"
expect_eq "with 休憩打刻する on, codes 3 and 4 reach KoT" "1 2 3 4" "$(codes 2026-11-18)"
"$LR" kot set ACM --delivery off >/dev/null
sed 's/11-18/11-19/g; s/pc01/pc02/g' "$T/day18.json" > "$T/day19.json"
"$LR" ingest ACM "$T/day19.json" >/dev/null   # derived with breaks: 4 rows queued
"$LR" company set ACM --breaks off >/dev/null
"$LR" kot set ACM --delivery on >/dev/null
wait_for 30 outbox_empty || not_ok "day 19 delivered"
expect_eq "with it off, queued break punches are not sent" "1 2" "$(codes 2026-11-19)"
expect_eq "they are marked, not lost" 2 \
    "$(db_sql "SELECT count(*) FROM outbox WHERE result = 'breaks_off'")"

# --- 6. refused, retried; corrections; the periodic sync; base URLs ------------
# KoT forgets w03 (no sync here): its punch is refused with 400 and parked
sim PUT /_sim/employees "$(python3 -c "import json; print(json.dumps([e for e in json.load(open('$T/emps50.json')) if e['key'] != 'w03']))")" >/dev/null
cat > "$T/day20.json" <<'JSON'
[{"source":"lanscope","account":"pc03","host":"PC","op":"logon","time":"2026-11-20T09:00:00+09:00"},
 {"source":"lanscope","account":"pc04","host":"PC","op":"logon","time":"2026-11-20T09:00:00+09:00"},
 {"source":"lanscope","account":"pc04","host":"PC","op":"logoff","time":"2026-11-20T17:00:00+09:00"}]
JSON
"$LR" ingest ACM "$T/day20.json" >/dev/null
failed_one() { "$LR" outbox ACM | head -1 | grep -q '^# 0 pending, 0 sending, 1 failed'; }
wait_for 30 failed_one && ok "a punch KoT refuses is parked as failed" || not_ok "a punch KoT refuses is parked as failed"
expect_eq "with KoT's reason" "HTTP 400: employee key w03 is not found"     "$("$LR" outbox ACM --failed | awk -F'\t' 'NR==3 {print $9}')"
sim PUT /_sim/employees "$(cat "$T/emps50.json")" >/dev/null
expect_eq "outbox retry requeues it" "1 failed punch(es) queued again" "$("$LR" outbox retry ACM)"
wait_for 30 outbox_empty && ok "and it is delivered" || not_ok "and it is delivered"
expect_eq "w03's clock-in arrived once" 1     "$(json_get "$(sim GET /_sim/punches)" "sum(1 for p in j if p['employeeKey']=='w03' and p['date']=='2026-11-20')")"
# a shutdown logoff that arrives late: the later clock-out is sent as a new punch
echo '[{"source":"lanscope","account":"pc04","host":"PC","op":"logoff","time":"2026-11-20T19:30:00+09:00"}]' > "$T/late.json"
"$LR" ingest ACM "$T/late.json" >/dev/null
wait_for 30 outbox_empty || not_ok "correction delivered"
expect_eq "the correction is a second clock-out in KoT" "1@09:00 2@17:00 2@19:30"     "$(json_get "$(sim GET /_sim/punches)" "' '.join(sorted(p['code']+'@'+p['time'][11:16] for p in j if p['employeeKey']=='w04' and p['date']=='2026-11-20'))")"
# the periodic sync of loginrecd picks up a new employee by itself
stop_server
sim PUT /_sim/employees "$(python3 -c "import json; e=json.load(open('$T/emps50.json')); e.append({'key':'w99','code':'2099','lastName':'新人','firstName':'太郎'}); print(json.dumps(e))")" >/dev/null
db_sql "UPDATE companies SET kot_synced_at = 0"
start_server --sync-interval 60
newcomer() { "$LR" links export ACM --kind lanscope --encoding utf-8 | grep -q '"2099","新人 太郎"'; }
wait_for 30 newcomer && ok "loginrecd's periodic sync adds a new employee" || not_ok "loginrecd's periodic sync adds a new employee"
OUT=$("$LR" kot set ACM --base-url http://kot.example.com/v1.0 2>&1) && RC=0 || RC=$?
expect_eq "plain http is refused for a non-loopback host" "1" "$RC"
OUT=$("$LR" kot set ACM --rate 0 2>&1) && RC=0 || RC=$?
expect_eq "a zero rate is refused" "1" "$RC"


# --- 7. the record as KING OF TIME holds it (issue 23's contract): punches
# made another way, and an administrator's hand edit, read back as the
# divergence report will read them
sim POST /_sim/timerecords '[{"employeeKey":"w05","date":"2026-11-23","time":"2026-11-23T08:55:00+09:00","code":"1","credentialCode":"3","credentialName":"ICカード"},
    {"employeeKey":"w05","date":"2026-11-23","time":"2026-11-23T22:10:00+09:00","code":"2","credentialCode":"3","credentialName":"ICカード"}]' >/dev/null
OUT=$(sim POST /_sim/timerecords/edit '{"employeeKey":"w05","date":"2026-11-23","code":"2","time":"2026-11-23T22:10:00+09:00","newTime":"2026-11-23T18:00:00+09:00"}')
expect_eq "a hand edit moves the clock-out" '{"edited": 1}' "$OUT"
REC=$(curl -sS --max-time 10 -H "Authorization: Bearer $SIMTOKEN" \
    "$SIM/v1.0/daily-workings/timerecord?start=2026-11-23&end=2026-11-23&employeeKeys=w05")
expect_eq "KoT's record: the IC card's punches, the clock-out as edited" "1@08:55:ICカード 2@18:00:ICカード" \
    "$(json_get "$REC" "' '.join(r['code']+'@'+r['time'][11:16]+':'+r['credentialName'] for d in j for w in d['dailyWorkings'] for r in w['timeRecord'])")"
OUT=$(sim POST /_sim/timerecords/edit '{"employeeKey":"w05","date":"2026-11-23","code":"2","time":"2026-11-23T22:10:00+09:00","newTime":"2026-11-23T17:00:00+09:00"}')
expect_eq "editing a punch that is not there: 404" "no such punch" "$(json_get "$OUT" 'j["errors"][0]["message"]' 2>/dev/null || echo "$OUT")"

stop_server
finish

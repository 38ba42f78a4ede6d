#!/bin/bash
# End to end: KING OF TIME's restricted hours (打刻制限時間帯, 08:30-10:00 and
# 17:30-18:30 JST), with the clock of loginrec, loginrecd and the simulator
# set by LOGINREC_TIME_OFFSET_S, so it runs the same at any real hour.
# At each of 08:29, 08:31, 09:59, 10:01, 17:29, 17:31, 18:29 and 18:31 JST:
#   - the simulator answers reads 403 + code 104 inside the window only, its
#     token endpoint and punch registration always;
#   - `loginrec kot sync` inside says so in words, exits non-zero and calls
#     nothing; outside it syncs;
#   - loginrecd's periodic sync runs outside only;
#   - a punch whose POST got no answer (uncertain) is not read back inside:
#     it waits for the window's end (said by `loginrec outbox` and 連携状況),
#     with no call and no backoff retries; outside it is read back and found;
#   - a new punch is POSTed inside as outside.
# At 09:59:40 and 18:29:40 the waiting punch is read back once the window
# has ended (plus jitter), and found. At the end every punch is in KoT once.
. "$(dirname "$0")/lib.sh"

export LOGINREC_KOT_TIMEOUT_MS=500 LOGINREC_RETRY_BASE_MS=100 LOGINREC_RETRY_MAX_MS=1000 \
    LOGINREC_DISPATCH_POLL_MS=100 LOGINREC_KOT_RESTRICTED_JITTER_S=1
SIMTOKEN=sim-hours-$$
start_sim "$SIMTOKEN"
sim PUT /_sim/employees '[
 {"key":"ka","code":"A1","lastName":"勤怠","firstName":"太郎"},
 {"key":"kb","code":"B1","lastName":"勤怠","firstName":"花子"}]' >/dev/null
"$LR" init >/dev/null
CASES="08:29:00 08:31:00 09:59:40 10:01:00 17:29:00 17:31:00 18:29:40 18:31:00"
n=0
for t in $CASES; do   # one company a case, set up at 11:00 (lib.sh's clock)
    n=$((n + 1))
    "$LR" company add "C0$n" "Case $t" >/dev/null
    echo "$SIMTOKEN" | "$LR" kot set "C0$n" --base-url "$SIM" --token - --rate 20 --delivery on >/dev/null
    "$LR" kot sync "C0$n" >/dev/null
    "$LR" link set "C0$n" --kind lanscope A1 pca >/dev/null
    "$LR" link set "C0$n" --kind lanscope B1 pcb >/dev/null
done
echo 'correct horse battery' | "$LR" user add C02 admin --password-stdin >/dev/null

restricted_count() { json_get "$(sim GET /_sim/stats)" 'j.get("restricted", 0)'; }
# kot_get PATH: the simulator's status and KoT code for a read, as KoT answers it
kot_get() {
    curl -sS -o "$T/get.json" -w '%{http_code}' -H "Authorization: Bearer $SIMTOKEN" "$SIM$1"
    printf ' %s' "$(json_get "$(cat "$T/get.json")" 'j.get("code", "-") if isinstance(j, dict) else "list"')"
}
row_of() { db_sql "SELECT o.state || ' ' || o.reason || ' ' || o.uncertain FROM outbox o JOIN punches p ON p.id = o.punch_id JOIN employees e ON e.id = p.employee_id JOIN companies c ON c.id = o.company_id WHERE c.code = '$1' AND e.code = '$2'"; }
held() { json_get "$(sim GET /_sim/punches)" "sum(1 for p in j if p['employeeKey'] == '$1' and p['date'] == '$2')"; }

n=0
for t in $CASES; do
    n=$((n + 1)); CO="C0$n"; DAY="2026-11-0$n"
    hm=${t%:*}; m=$((10#${hm%:*} * 60 + 10#${hm#*:}))
    inside=0; END=""
    if [ $m -ge 510 ] && [ $m -lt 600 ]; then inside=1; END=10:00; fi
    if [ $m -ge 1050 ] && [ $m -lt 1110 ]; then inside=1; END=18:30; fi
    export LOGINREC_TIME_OFFSET_S=$(jst_offset "$t")
    sim POST /_sim/clock "{\"offset_s\": $LOGINREC_TIME_OFFSET_S}" >/dev/null
    echo "# $t JST (restricted: $inside)"

    # the simulator, as KoT answers
    if [ $inside = 1 ]; then want="403 104"; else want="200 list"; fi
    expect_eq "$t: GET /employees" "$want" "$(kot_get /employees)"
    expect_eq "$t: GET /daily-workings/timerecord by employeeKeys" "$want" \
        "$(kot_get "/daily-workings/timerecord?start=$DAY&end=$DAY&employeeKeys=ka,kb")"
    expect_eq "$t: the token endpoint is always open" "200 -" "$(kot_get "/tokens/$SIMTOKEN/available")"

    # a manual sync
    before=$(restricted_count)
    OUT=$("$LR" kot sync "$CO" 2>&1) && RC=0 || RC=$?
    if [ $inside = 1 ]; then
        expect_eq "$t: kot sync refuses in words, exits non-zero, calls nothing" "1 1 $before" \
            "$RC $(grep -c "restricted hours (打刻制限時間帯, 08:30-10:00 and 17:30-18:30 JST): try again after $END JST" <<<"$OUT") $(restricted_count)"
    else
        expect_eq "$t: kot sync runs" "0 0 added, 0 updated, 0 deleted, 0 restored" "$RC $OUT"
    fi

    # loginrecd: the periodic sync is due for this company only
    db_sql "UPDATE companies SET kot_synced_at = CASE WHEN code = '$CO' THEN 0 ELSE 4102444800 END"
    sim POST /_sim/faults '{"next_posts": ["drop_after"]}' >/dev/null
    start_server --sync-interval 3600
    # A's clock-in: KoT records it but the answer never comes (uncertain)
    echo "[{\"source\":\"lanscope\",\"account\":\"pca\",\"host\":\"PC\",\"op\":\"logon\",\"time\":\"${DAY}T09:00:00+09:00\"}]" > "$T/a.json"
    "$LR" ingest "$CO" "$T/a.json" >/dev/null
    a_sent() { [ "$(held ka "$DAY")" = 1 ]; }
    wait_for 20 a_sent || not_ok "$t: A's punch reached KoT"
    # B's clock-in, a new punch
    sed 's/pca/pcb/' "$T/a.json" > "$T/b.json"
    "$LR" ingest "$CO" "$T/b.json" >/dev/null
    b_sent() { [ "$(held kb "$DAY")" = 1 ] && [ "$(db_sql "SELECT count(*) FROM outbox o JOIN companies c ON c.id = o.company_id WHERE c.code = '$CO' AND o.state = 'sending'")" = 0 ]; }
    wait_for 20 b_sent && ok "$t: a new punch is POSTed" || not_ok "$t: a new punch is POSTed"
    if [ $inside = 1 ]; then
        waits() { [ "$(row_of "$CO" A1)" = "pending restricted 1" ]; }
        wait_for 20 waits && ok "$t: the uncertain punch waits for the window's end" \
            || not_ok "$t: the uncertain punch waits for the window's end ($(row_of "$CO" A1))"
        sleep 1   # a round or ten of the dispatcher
        expect_eq "$t: not read back, not retried through the window: one attempt" "1 unknown" \
            "$(db_sql "SELECT count(*) || ' ' || max(a.outcome) FROM delivery_attempts a JOIN outbox o ON o.id = a.outbox_id JOIN punches p ON p.id = o.punch_id JOIN employees e ON e.id = p.employee_id JOIN companies c ON c.id = o.company_id WHERE c.code = '$CO' AND e.code = 'A1'")"
        NEXT=$(db_sql "SELECT o.next_attempt_at FROM outbox o JOIN companies c ON c.id = o.company_id WHERE c.code = '$CO' AND o.reason = 'restricted'")
        # the window's end on the shifted clock: its JST day at END
        WEND=$(python3 -c "import os, sys, time; now = time.time() + int(os.environ['LOGINREC_TIME_OFFSET_S']); h, m = map(int, sys.argv[1].split(':')); print(int((now + 9 * 3600) // 86400 * 86400 - 9 * 3600 + h * 3600 + m * 60))" "$END")
        expect_eq "$t: its next attempt is at the window's end, plus at most 1 s of jitter" 1 \
            "$(python3 -c "import sys; n, e = int(sys.argv[1]), int(sys.argv[2]); print(int(e <= n <= e + 1) or 'next %d, window end %d' % (n, e))" "$NEXT" "$WEND")"
        expect_eq "$t: loginrec outbox says it waits" 1 \
            "$("$LR" outbox "$CO" | head -1 | grep -c "; 1 wait for the read-back after $END JST (KING OF TIME's restricted hours)")"
        expect_eq "$t: the periodic sync did not run" 0 \
            "$(db_sql "SELECT kot_synced_at FROM companies WHERE code = '$CO'")"
        expect_eq "$t: loginrecd made no call KoT refuses" "$before" "$(restricted_count)"
        if [ "$CO" = C02 ]; then   # 連携状況 says it too
            ui_sign_in "$T/jar" C02 admin 'correct horse battery' >/dev/null
            expect_eq "$t: 連携状況 says how many wait, and until when" 1 \
                "$(curl -sS -b "$T/jar" "$URL/status" | grep -c '打刻制限時間帯（8:30〜10:00、17:30〜18:30）の終了を待つ打刻: 1 — 勤革時で確認する時刻 10:00 JST')"
        fi
    else
        done_found() { [ "$(row_of "$CO" A1)" = "done already_there 0" ]; }
        wait_for 20 done_found && ok "$t: the uncertain punch is read back and found" \
            || not_ok "$t: the uncertain punch is read back and found ($(row_of "$CO" A1))"
        synced() { [ "$(db_sql "SELECT kot_synced_at > 0 FROM companies WHERE code = '$CO'")" = 1 ] || [ "$(db_sql "SELECT kot_synced_at > 0 FROM companies WHERE code = '$CO'")" = t ]; }
        wait_for 20 synced && ok "$t: the periodic sync ran" || not_ok "$t: the periodic sync ran"
    fi
    if [ "$t" = 09:59:40 ] || [ "$t" = 18:29:40 ]; then
        found_after() { [ "$(row_of "$CO" A1)" = "done already_there 0" ]; }
        wait_for 40 found_after && ok "$t: after $END the waiting punch is read back and found" \
            || not_ok "$t: after $END the waiting punch is read back and found ($(row_of "$CO" A1))"
        expect_eq "$t: ... once, after the window" "read_back_found 1" \
            "$(db_sql "SELECT a.outcome || ' ' || count(*) FROM delivery_attempts a JOIN outbox o ON o.id = a.outbox_id JOIN companies c ON c.id = o.company_id WHERE c.code = '$CO' AND a.outcome LIKE 'read_back%' GROUP BY a.outcome")"
        expect_eq "$t: and A's punch is in KoT once" 1 "$(held ka "$DAY")"
    fi
    stop_server
done
finish

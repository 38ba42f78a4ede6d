#!/bin/bash
# End to end: every size limit answers with a clear 4xx and a message, and
# the server goes on serving: request bodies (64 MiB), events per request
# (100,000), a CSV field (64 KiB), a link CSV upload (32 MiB), form fields
# (16 KiB), and sign-in attempts (429, in ui_security.sh). On PostgreSQL,
# also time: a write that waits past LOGINREC_PG_STATEMENT_TIMEOUT_MS for a
# lock answers 503, stores nothing, and goes through once the lock is gone.
. "$(dirname "$0")/lib.sh"

"$LR" init >/dev/null
TOKEN=$("$LR" company add ACM "Acme")
LSTOKEN=$("$LR" company token ACM --lanscope 2>/dev/null)
start_server --no-kot --malion-interval 0
AUTH=(-H "Authorization: Bearer $TOKEN")
post() { curl -sS -o "$T/reply" -w '%{http_code}' "$@"; }

# a body over 64 MiB: refused from its Content-Length, before it is read
head -c $((64 * 1024 * 1024 + 1)) /dev/zero > "$T/huge"
expect_eq "a request body over 64 MiB: 413" "413 1" \
    "$(post "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary @"$T/huge" "$URL/api/v1/ingest") $(grep -c 'larger than' "$T/reply")"

python3 -c 'import json; print(json.dumps([{"source":"generic","account":"a","op":"logon","time":"2026-11-20T09:00:00Z"}]*100001))' > "$T/many.json"
expect_eq "more than 100,000 events in one request: 413, said in words" "413 1" \
    "$(post "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary @"$T/many.json" "$URL/api/v1/ingest") $(grep -c '100001 events in one request; at most 100000' "$T/reply")"

python3 - "$T/longfield.csv" <<'PY'
import sys
row = '"2026/11/20 05:10:00","2026/11/20 09:00:00","' + "u" * 70000 + '","1"'
open(sys.argv[1], "w").write('"日時","イベント日時","ログオンユーザ名","ログ種類"\r\n' + row + "\r\n")
PY
expect_eq "a CSV field over 64 KiB: refused with its line" "422 2" \
    "$(post -H "X-Loginrec-Company: ACM" -H "Authorization: Bearer $LSTOKEN" -H 'Content-Type: text/csv' \
        -H 'X-Loginrec-Source: lanscope' --data-binary @"$T/longfield.csv" "$URL/api/v1/ingest") $(json_get "$(cat "$T/reply")" 'j["line"]')"

head -c $((32 * 1024 * 1024 + 10)) /dev/zero | tr '\0' 'a' > "$T/big.csv"
expect_eq "a link CSV over 32 MiB: 413" 413 \
    "$(post "${AUTH[@]}" -H 'Content-Type: text/csv' --data-binary @"$T/big.csv" "$URL/api/v1/links/import")"

expect_eq "a form field over 16 KiB: 413" 413 \
    "$(post -X POST "$URL/login" --data-binary "csrf=$(head -c 17000 /dev/zero | tr '\0' 'x')")"

expect_eq "and the server still answers" 200 "$(curl -sS -o /dev/null -w '%{http_code}' "$URL/healthz")"

if [ -n "$PG_DB" ]; then
    stop_server
    LOGINREC_PG_STATEMENT_TIMEOUT_MS=300 start_server --no-kot --malion-interval 0
    # hold_lock TABLE: another client holds TABLE (until release_lock, or
    # 60 s at most); HELD is 1 once it does
    hold_lock() {
        HELD=""
        PGAPPNAME=lr_locker psql "$LOGINREC_DB" -qX \
            -c "LOCK TABLE $1 IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60)" >/dev/null 2>&1 &
        EXTRA_PIDS="$EXTRA_PIDS $!"
        for _ in $(seq 1 100); do
            HELD=$(db_sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lr_locker' AND wait_event = 'PgSleep'")
            [ "$HELD" = 1 ] && break
            sleep 0.1
        done
    }
    release_lock() {
        db_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lr_locker'" >/dev/null
    }
    hold_lock log_events
    expect_eq "the events table is locked by another client" 1 "$HELD"
    EV='[{"source":"generic","account":"lockme","op":"logon","time":"2026-11-20T09:00:00+09:00"}]'
    expect_eq "a write that outwaits the statement timeout: 503, said in words" "503 1" \
        "$(post "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary "$EV" "$URL/api/v1/ingest") $(grep -c 'timeout' "$T/reply")"
    release_lock
    expect_eq "nothing of it was stored" 0 "$(db_sql "SELECT count(*) FROM log_events WHERE account = 'lockme'")"
    expect_eq "once the lock is gone, the same request goes through" 200 \
        "$(post "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary "$EV" "$URL/api/v1/ingest")"
    expect_eq "and is stored once" 1 "$(db_sql "SELECT count(*) FROM log_events WHERE account = 'lockme'")"

    # a sign-in the database cannot answer in time is "try again", not
    # "too many failed attempts"
    "$LR" user add ACM admin --password-stdin <<< "correct horse battery" >/dev/null
    hold_lock login_failures
    expect_eq "the sign-in failures table is locked by another client" 1 "$HELD"
    JAR="$T/jar"
    pre=$(form_csrf "$JAR" /login)
    code=$(curl -sS -c "$JAR" -b "$JAR" -o "$T/page" -w '%{http_code}' "$URL/login" --data-urlencode "csrf=$pre" \
        -H 'Accept-Language: en' -d company=ACM -d login=admin --data-urlencode "password=correct horse battery")
    expect_eq "a sign-in that outwaits the statement timeout: 503, 'try again', not 'too many attempts'" "503 1 0" \
        "$code $(grep -c 'did not answer in time' "$T/page") $(grep -c 'Too many' "$T/page")"
    release_lock
    expect_eq "and the same sign-in goes through once the lock is gone" 303 \
        "$(ui_sign_in "$JAR" ACM admin "correct horse battery")"
fi
finish

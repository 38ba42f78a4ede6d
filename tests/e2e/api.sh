#!/bin/bash
# End to end: CLI set-up, loginrecd on a free loopback port, events over
# real HTTP, punches back through the API and the CLI, re-delivery, bad
# input, SIGKILL after a 200 and restart, clean SIGTERM.
. "$(dirname "$0")/lib.sh"

INIT=$("$LR" init)
MIGRATIONS=$(ls "$(dirname "$0")/../../src/store/migrations/sqlite/"*.sql | wc -l)
expect_eq "init applies every migration file" "schema $MIGRATIONS" \
    "$(sed -n 's/.*(\(schema [0-9]*\)).*/\1/p' <<<"$INIT")"
TOKEN=$("$LR" company add ACM "Acme 株式会社" --breaks on)
"$LR" division set ACM HQ --name 本社 --day-change 05:00 >/dev/null
"$LR" employee add ACM 0012 --last 勤怠 --first 太郎 --division HQ >/dev/null
"$LR" employee add ACM 1000 --last 勤怠 --first 花子 >/dev/null
"$LR" link set ACM --kind lanscope 0012 tarouk >/dev/null
"$LR" link set ACM --kind malion 1000 'CORP\hanako' >/dev/null
expect_eq "token is 40 characters" 40 "${#TOKEN}"

start_server
AUTH="Authorization: Bearer $TOKEN"
JSON="Content-Type: application/json"

http GET /healthz
expect_eq "healthz answers 200" 200 "$STATUS"

cat > "$T/batch1.json" <<'JSON'
[
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logon","time":"2026-11-16T08:55:00+09:00","version":"9.3"},
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logoff","time":"2026-11-16T12:00:00+09:00","version":"9.3"},
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logon","time":"2026-11-16T13:00:00+09:00","version":"9.3"},
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logoff","time":"2026-11-17T01:10:00+09:00","version":"9.3"},
 {"source":"malion","account":"hanako","host":"PC-02","op":"logon","time":"2026-11-17T00:30:00Z"},
 {"source":"malion","account":"hanako","host":"PC-02","op":"file_copy","time":"2026-11-17T01:00:00Z"},
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"Logon","time":"2026-11-18T09:00:00+09:00"},
 {"source":"lanscope","account":"ghost","host":"PC-09","op":"logon","time":"2026-11-18T09:00:00+09:00"}
]
JSON
# a batch with a rejected event is refused whole: nothing stored
http POST /api/v1/ingest -H "$AUTH" -H "$JSON" --data-binary @"$T/batch1.json"
expect_eq "a batch with a rejected event: 422" 422 "$STATUS"
expect_eq "422: nothing accepted, the reason by 1-based index" "0 7" \
    "$(json_get "$BODY" 'j["accepted"], j["rejected"][0]["index"]' | tr -d '(),')"
expect_eq "422: the error says nothing was stored and how to keep the rest" True \
    "$(json_get "$BODY" '"nothing was stored" in j["error"] and "partial=1" in j["error"]')"
expect_eq "422: nothing stored" 0 "$("$LR" events ACM | tail -n +2 | wc -l)"
# half a day: the logon without a UTC offset is rejected, so its logoff must
# not become a lone 退勤
http POST /api/v1/ingest -H "$AUTH" -H "$JSON" --data-binary '[
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logon","time":"2026-11-20T09:00:00"},
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logoff","time":"2026-11-20T18:00:00+09:00"}]'
expect_eq "a logon without a UTC offset: 422, event 1" "422 1" "$STATUS $(json_get "$BODY" 'j["rejected"][0]["index"]')"
expect_eq "its logoff was not stored, no punch queued" "0 0" \
    "$("$LR" events ACM | tail -n +2 | wc -l) $(db_sql 'SELECT count(*) FROM outbox')"
printf '[{"source":"lanscope","account":"tarouk","host":"PC-01","op":"logon","time":"2026-11-20T09:00:00"}]' > "$T/bad.json"
RC=0; OUT=$("$LR" ingest ACM "$T/bad.json" 2>&1) || RC=$?
expect_eq "loginrec ingest: a rejected event fails the file, naming event 1" "1 1" \
    "$RC $(grep -c 'event 1 rejected' <<<"$OUT")"
expect_eq "loginrec ingest: says nothing was stored" 1 "$(grep -c 'nothing was stored' <<<"$OUT")"

http POST "/api/v1/ingest?partial=1" -H "$AUTH" -H "$JSON" --data-binary @"$T/batch1.json"
expect_eq "?partial=1: ingest answers 200" 200 "$STATUS"
expect_eq "accepted counts valid events" 7 "$(json_get "$BODY" 'j["accepted"]')"
expect_eq "rejected names the index, 1-based" 7 "$(json_get "$BODY" 'j["rejected"][0]["index"]')"
expect_eq "rejected says why" True "$(json_get "$BODY" '"did you mean" in j["rejected"][0]["error"]')"
expect_eq "unlinked account counted" 1 "$(json_get "$BODY" 'j["unlinked"]')"

EXPECTED="[['0012', '2026-11-16', 'clock_in', '2026-11-16T08:55:00+09:00', 'PC'], ['0012', '2026-11-16', 'break_start', '2026-11-16T12:00:00+09:00', 'PC'], ['0012', '2026-11-16', 'break_end', '2026-11-16T13:00:00+09:00', 'PC'], ['0012', '2026-11-16', 'clock_out', '2026-11-17T01:10:00+09:00', 'PC'], ['1000', '2026-11-17', 'clock_in', '2026-11-17T09:30:00+09:00', 'PC']]"
http GET "/api/v1/punches?from=2026-11-01&to=2026-11-30" -H "$AUTH"
expect_eq "punches API 200" 200 "$STATUS"
PUNCHES_JSON=$(json_get "$BODY" '[[p["employee"],p["date"],p["kind"],p["time"],p["method"]] for p in j]')
expect_eq "punches API: overnight clock-out, break, MaLion account after DOMAIN\\" "$EXPECTED" "$PUNCHES_JSON"

CSV=$("$LR" punches ACM --from 2026-11-01 --to 2026-11-30 --format csv)
expect_eq "CLI punches CSV" "employee,date,kind,time
0012,2026-11-16,clock_in,2026-11-16T08:55:00+09:00
0012,2026-11-16,break_start,2026-11-16T12:00:00+09:00
0012,2026-11-16,break_end,2026-11-16T13:00:00+09:00
0012,2026-11-16,clock_out,2026-11-17T01:10:00+09:00
1000,2026-11-17,clock_in,2026-11-17T09:30:00+09:00" "$CSV"

# re-delivery is a no-op
http POST "/api/v1/ingest?partial=1" -H "$AUTH" -H "$JSON" --data-binary @"$T/batch1.json"
expect_eq "re-post: nothing accepted" 0 "$(json_get "$BODY" 'j["accepted"]')"
expect_eq "re-post: all duplicates" 7 "$(json_get "$BODY" 'j["duplicates"]')"
http GET "/api/v1/punches?from=2026-11-01&to=2026-11-30" -H "$AUTH"
expect_eq "re-post: punches unchanged" "$EXPECTED" "$(json_get "$BODY" '[[p["employee"],p["date"],p["kind"],p["time"],p["method"]] for p in j]')"

# bad input: clear answers, nothing written
http POST /api/v1/ingest -H "Authorization: Bearer nope" --data-binary @"$T/batch1.json"
expect_eq "unknown token: 401" 401 "$STATUS"
http POST /api/v1/ingest --data-binary @"$T/batch1.json"
expect_eq "no token: 401" 401 "$STATUS"
http POST /api/v1/ingest -H "$AUTH" -H "$JSON" --data-binary $'[\n {"source":"lanscope",\n  "account": }\n]'
expect_eq "malformed JSON: 400" 400 "$STATUS"
expect_eq "malformed JSON: line reported" 3 "$(json_get "$BODY" 'j["line"]')"
http POST /api/v1/ingest -H "$AUTH" -H "Content-Type: text/plain" --data-binary "x"
expect_eq "wrong content type: 415" 415 "$STATUS"
http GET "/api/v1/punches?from=2026-11-30&to=2026-11-01" -H "$AUTH"
expect_eq "reversed range: 400" 400 "$STATUS"
http GET "/api/v1/punches?from=2026-11-01&to=2026-11-30&employee=1" -H "$AUTH"
expect_eq "undeclared parameter: 400" 400 "$STATUS"
http DELETE /api/v1/ingest -H "$AUTH"
expect_eq "wrong method: 405" 405 "$STATUS"
http GET /api/v2/nothing
expect_eq "unknown path: 404" 404 "$STATUS"
CNT=$("$LR" events ACM | tail -n +2 | wc -l)
expect_eq "bad requests stored nothing" 7 "$CNT"

# the company ID in any case, as KING OF TIME's own login takes it
expect_eq "CLI: 'acm' is ACM" "$("$LR" punches ACM --from 2026-11-01 --to 2026-11-30)" \
    "$("$LR" punches acm --from 2026-11-01 --to 2026-11-30)"
expect_eq "a company added in lower case is stored in upper case" "DMO" \
    "$("$LR" company add dmo "Demo" >/dev/null && db_sql "SELECT code FROM companies WHERE code = 'DMO'")"

# CLI errors: non-zero exit, message names the problem
if OUT=$("$LR" link set ACM --kind lanscope 9999 someone 2>&1); then not_ok "link to missing employee fails"; else
    expect_eq "link to missing employee names it" True "$(case "$OUT" in *9999*) echo True;; *) echo False;; esac)"; fi
if OUT=$("$LR" punches NOPE --from 2026-11-01 --to 2026-11-02 2>&1); then not_ok "unknown company fails"; else
    ok "unknown company fails: $OUT"; fi

# a 200 means stored: SIGKILL right after the reply, restart, nothing lost
cat > "$T/batch2.json" <<'JSON'
[{"source":"lanscope","account":"tarouk","host":"PC-01","op":"logon","time":"2026-11-19T09:00:00+09:00"},
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logoff","time":"2026-11-19T18:00:00+09:00"}]
JSON
http POST /api/v1/ingest -H "$AUTH" -H "$JSON" --data-binary @"$T/batch2.json"
expect_eq "batch 2 accepted" 2 "$(json_get "$BODY" 'j["accepted"]')"
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
start_server
http GET "/api/v1/punches?from=2026-11-19&to=2026-11-19" -H "$AUTH"
expect_eq "after SIGKILL + restart: batch 2 punches are there" "[['0012', 'clock_in'], ['0012', 'clock_out']]" "$(json_get "$BODY" '[[p["employee"],p["kind"]] for p in j]')"
http POST /api/v1/ingest -H "$AUTH" -H "$JSON" --data-binary @"$T/batch2.json"
expect_eq "after restart: batch 2 is a duplicate" 2 "$(json_get "$BODY" 'j["duplicates"]')"

# late logoff over the API: a day's clock-out moves, corrections counted
http POST /api/v1/ingest -H "$AUTH" -H "$JSON" --data-binary '[{"source":"lanscope","account":"tarouk","host":"PC-03","op":"logoff","time":"2026-11-19T21:00:00+09:00"}]'
expect_eq "late logoff replaces the clock-out" 1 "$(json_get "$BODY" 'j["punches"]["replaced"]')"

# flagged events are listed
FLAGGED=$("$LR" events ACM --flagged | tail -n +2 | cut -f3,8 | sort | tr '\n' ' ')
expect_eq "events --flagged lists the no-logoff and no-logon events" "hanako	no_logoff tarouk	no_logon " "$FLAGGED"

# loginrec ingest --partial keeps the good events and still names the bad one
printf '[{"source":"lanscope","account":"tarouk","host":"PC-01","op":"logon","time":"2026-11-21T09:00:00"},
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logon","time":"2026-11-21T09:05:00+09:00"}]' > "$T/partial.json"
RC=0; OUT=$("$LR" ingest ACM --partial "$T/partial.json" 2>"$T/partial.err") || RC=$?
expect_eq "--partial: exit 0, one accepted, event 1 named on stderr" "0 1 1" \
    "$RC $(json_get "$OUT" 'j["accepted"]') $(grep -c 'event 1 rejected' "$T/partial.err")"

# SIGTERM stops cleanly
kill -TERM "$SERVER_PID"
RC=0; wait "$SERVER_PID" || RC=$?
expect_eq "SIGTERM: exit 0" 0 "$RC"
SERVER_PID=""
finish

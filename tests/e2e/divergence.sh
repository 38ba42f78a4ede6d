#!/bin/bash
# End to end: 乖離 (issue 23), against the KING OF TIME simulator.
#   1. record mode (客観記録のみ): IC-card punches in KoT, PC use from
#      events; nothing is delivered; the record read back per division in
#      the fewest calls; each kind found, a division's own limit kept
#   2. the report's CSV compared byte for byte (CLI, and the API's CP932
#      download); JSON on the API
#   3. reasons confirmed through the CLI and the API, audited; refusals
#   3b. the 乖離 page: the month's heat map, a day's detail with the recorded
#      punches on the timeline, the reason form (CSRF), the CSV download
#   4. punch mode: our punch delivered, its clock-out edited down in KoT
#      (22:10 -> 18:00) is found; corrected back, the next read closes it
#   5. never in the restricted hours: the read is refused, nothing called
#   7. 36協定: PC overtime past the month's limit, and heading past it, found
#      on 2026-11-20 (the clock set there), kept by the nightly job, on the
#      乖離 page and in the mail
#   6. loginrecd reads every company's record each night (the last 35 days),
#      then mails its daily summary (a real SMTP server, python3-aiosmtpd,
#      with a password): the content, UTF-8 with MIME headers, once a day
#      whatever the restarts; days open too long listed again; a refused
#      mail is tried again
. "$(dirname "$0")/lib.sh"

export LOGINREC_KOT_TIMEOUT_MS=2000 LOGINREC_DISPATCH_POLL_MS=100
SIMTOKEN=sim-token-$$
start_sim "$SIMTOKEN" 0
"$LR" init >/dev/null
TOKEN=$("$LR" company add ACM "Acme")

# --- 1. record mode -----------------------------------------------------------
sim PUT /_sim/divisions '[{"code":"HQ","name":"本社"},{"code":"DEV","name":"開発"}]' >/dev/null
sim PUT /_sim/employees '[
 {"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k2","code":"1002","lastName":"勤怠","firstName":"花子","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k3","code":"1003","lastName":"山田","firstName":"一郎","divisionCode":"DEV","divisionName":"開発"},
 {"key":"k4","code":"1004","lastName":"佐藤","firstName":"次郎"}]' >/dev/null
echo "$SIMTOKEN" | "$LR" kot set ACM --base-url "$SIM" --token - --rate 20 --delivery on >/dev/null
"$LR" kot sync ACM >/dev/null
expect_eq "kot set --mode record" "KING OF TIME mode of ACM: record" "$("$LR" kot set ACM --mode record)"
for e in 1001:taro 1002:hanako 1003:ichiro 1004:jiro; do
    "$LR" link set ACM --kind lanscope "${e%%:*}" "${e##*:}" >/dev/null
done
"$LR" divergence set ACM --division DEV --end-limit 240 >/dev/null
# PC use (LanScope)
python3 - "$T/pc.json" <<'PY'
import json, sys
spans = [("taro", "2026-11-02", "08:20", "19:10"), ("taro", "2026-11-03", "08:50", "18:10"),
         ("hanako", "2026-11-02", "09:00", "17:00"), ("hanako", "2026-11-04", "10:00", "20:00"),
         ("ichiro", "2026-11-05", "09:00", "21:00"), ("jiro", "2026-11-05", "09:00", "21:00")]
ev = []
for acct, day, a, b in spans:
    ev.append({"source": "lanscope", "account": acct, "host": "PC-" + acct, "op": "logon",
               "time": "%sT%s:00+09:00" % (day, a)})
    ev.append({"source": "lanscope", "account": acct, "host": "PC-" + acct, "op": "logoff",
               "time": "%sT%s:00+09:00" % (day, b)})
json.dump(ev, open(sys.argv[1], "w"))
PY
"$LR" ingest ACM "$T/pc.json" >/dev/null
# IC-card punches in KING OF TIME
python3 - "$T/ic.json" <<'PY'
import json, sys
spans = [("k1", "2026-11-02", "09:00", "18:00"), ("k1", "2026-11-03", "09:00", "18:00"),
         ("k2", "2026-11-02", "09:00", "18:00"), ("k3", "2026-11-03", "09:00", "18:00"),
         ("k3", "2026-11-05", "09:00", "18:00"), ("k4", "2026-11-05", "09:00", "18:00")]
out = []
for key, day, a, b in spans:
    for code, t in ((1, a), (2, b)):
        out.append({"employeeKey": key, "date": day, "time": "%sT%s:00+09:00" % (day, t),
                    "code": code, "credentialCode": "IC", "credentialName": "ICカード"})
json.dump(out, open(sys.argv[1], "w"))
PY
sim POST /_sim/timerecords "$(cat "$T/ic.json")" >/dev/null
start_server --divergence-fetch-at off # the nightly read: section 6
wait_outbox_done() {
    for _ in $(seq 1 100); do
        [ "$(db_sql "SELECT count(*) FROM outbox WHERE state <> 'done'")" = 0 ] && return 0
        sleep 0.1
    done
}
wait_outbox_done
expect_eq "record mode: every row ends undelivered" "12 12" \
    "$(db_sql "SELECT count(*) FROM outbox") $(db_sql "SELECT count(*) FROM outbox WHERE reason = 'record_mode'")"
expect_eq "record mode: no punch of ours in KING OF TIME" 0 \
    "$(sim GET /_sim/punches | python3 -c 'import json,sys; print(sum(1 for p in json.load(sys.stdin) if not p.get("credentialCode")))')"
BEFORE=$(sim GET /_sim/stats | python3 -c 'import json,sys; print(json.load(sys.stdin).get("requests", 0))')
OUT=$("$LR" divergence fetch ACM --from 2026-11-02 --to 2026-11-06 2>/dev/null)
expect_eq "fetch: one call per division and one for the employees of none" \
    "2026-11-02..2026-11-06: 3 calls (fewest 3), 12 records, 5 divergent days, 5 new, 0 closed" "$OUT"
expect_eq "the records keep how they were made" "12|IC|ICカード" \
    "$(db_sql "SELECT count(*), min(credential_code), min(credential_name) FROM kot_records")"
# KING OF TIME moved 1002 to DEV, and no sync has told us: read again, its
# days come with DEV's answer, once
sim PUT /_sim/employees '[
 {"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k2","code":"1002","lastName":"勤怠","firstName":"花子","divisionCode":"DEV","divisionName":"開発"},
 {"key":"k3","code":"1003","lastName":"山田","firstName":"一郎","divisionCode":"DEV","divisionName":"開発"},
 {"key":"k4","code":"1004","lastName":"佐藤","firstName":"次郎"}]' >/dev/null
expect_eq "an employee KING OF TIME moved since the sync: read once, nothing changes" \
    "2026-11-02..2026-11-06: 3 calls (fewest 3), 12 records, 5 divergent days, 0 new, 0 closed|2" \
    "$("$LR" divergence fetch ACM --from 2026-11-02 --to 2026-11-06 2>/dev/null)|$(db_sql "SELECT count(*) FROM kot_records r JOIN employees e ON e.id = r.employee_id WHERE e.code = '1002'")"

# --- 2. the report --------------------------------------------------------------
cat > "$T/want.csv" <<'CSV'
employee,date,pc_start,pc_end,recorded_start,recorded_end,start_diff_min,end_diff_min,kind,status,reason,note,result,confirmed_by,confirmed_at
1001,2026-11-02,2026-11-02T08:20:00+09:00,2026-11-02T19:10:00+09:00,2026-11-02T09:00:00+09:00,2026-11-02T18:00:00+09:00,40,70,over_both,open,,,,,
1002,2026-11-02,2026-11-02T09:00:00+09:00,2026-11-02T17:00:00+09:00,2026-11-02T09:00:00+09:00,2026-11-02T18:00:00+09:00,0,-60,under,open,,,,,
1002,2026-11-04,2026-11-04T10:00:00+09:00,2026-11-04T20:00:00+09:00,,,,,pc_only,open,,,,,
1003,2026-11-03,,,2026-11-03T09:00:00+09:00,2026-11-03T18:00:00+09:00,,,record_only,open,,,,,
1004,2026-11-05,2026-11-05T09:00:00+09:00,2026-11-05T21:00:00+09:00,2026-11-05T09:00:00+09:00,2026-11-05T18:00:00+09:00,0,180,over_end,open,,,,,
CSV
"$LR" divergence ACM --from 2026-11-01 --to 2026-11-30 > "$T/got.csv"
if cmp -s "$T/want.csv" "$T/got.csv"; then ok "the CSV, byte for byte"; else
    not_ok "the CSV, byte for byte"; diff "$T/want.csv" "$T/got.csv" || true; fi
curl -sS "$URL/api/v1/divergence?from=2026-11-01&to=2026-11-30&format=csv" \
    -H "Authorization: Bearer $TOKEN" -o "$T/api.csv"
sed 's/$/\r/' "$T/want.csv" > "$T/want_crlf.csv"
if cmp -s "$T/want_crlf.csv" "$T/api.csv"; then ok "the API's download: CP932, CRLF"; else
    not_ok "the API's download: CP932, CRLF"; diff "$T/want_crlf.csv" "$T/api.csv" | head || true; fi
http GET "/api/v1/divergence?from=2026-11-01&to=2026-11-30&min=60" -H "Authorization: Bearer $TOKEN"
expect_eq "JSON, at least 60 min: the larger difference, or a one-sided day's span" \
    "200 1001/over_both/70 1002/under/-60 1002/pc_only/None 1003/record_only/None 1004/over_end/180" \
    "$STATUS $(json_get "$BODY" '" ".join("%s/%s/%s" % (r["employee"], r["kind"], r["end_diff_min"]) for r in j)')"
http GET "/api/v1/divergence?from=2026-11-01&to=2026-11-30&division=DEV&status=all" -H "Authorization: Bearer $TOKEN"
expect_eq "by division: DEV's 180 min is within its own 240" "200 1003/record_only" \
    "$STATUS $(json_get "$BODY" '" ".join("%s/%s" % (r["employee"], r["kind"]) for r in j)')"
http GET "/api/v1/divergence?from=2026-11-01&to=2026-11-30&status=late" -H "Authorization: Bearer $TOKEN"
expect_eq "a bad status is refused" "400" "$STATUS"
http GET "/api/v1/divergence?from=2026-11-01&to=2026-11-30"
expect_eq "no token, no report" "401" "$STATUS"

# --- 3. reasons and confirmation --------------------------------------------------
expect_eq "the default reasons" "non_work forgot work_at_home approved_overtime other" \
    "$("$LR" divergence reasons ACM | cut -f1 | tr '\n' ' ' | sed 's/ $//')"
"$LR" divergence reason ACM client_visit --ja 客先訪問 --en "Client visit" --position 35 >/dev/null
expect_eq "a company's own reason, after the defaults it goes on from" \
    "non_work forgot work_at_home client_visit approved_overtime other" \
    "$("$LR" divergence reasons ACM | cut -f1 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "confirmed through the CLI" "2026-11-02 of employee 1001 confirmed: non_work, no_correction" \
    "$("$LR" divergence confirm ACM 1001 2026-11-02 --reason non_work --result no_correction --note '私用のPC利用')"
http POST /api/v1/divergence/confirm -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary '{"employee":"1004","date":"2026-11-05","reason":"forgot","result":"corrected","note":"退勤を21:00に補正"}'
expect_eq "confirmed through the API" "200 confirmed forgot corrected api" \
    "$STATUS $(json_get "$BODY" '"%s %s %s %s" % (j["status"], j["reason"], j["result"], j["confirmed_by"])')"
http POST /api/v1/divergence/confirm -H "Authorization: Bearer $TOKEN" \
    --data-binary '{"employee":"1001","date":"2026-11-03","reason":"forgot","result":"corrected"}'
expect_eq "a day that does not diverge cannot be confirmed" "404" "$STATUS"
http POST /api/v1/divergence/confirm -H "Authorization: Bearer $TOKEN" \
    --data-binary '{"employee":"1002","date":"2026-11-02","reason":"lunch","result":"corrected"}'
expect_eq "a reason not in the list is refused" "400 yes" \
    "$STATUS $(grep -q "reason 'lunch' is not in the company's list" <<<"$BODY" && echo yes)"
OUT=$("$LR" divergence confirm ACM 1002 2026-11-02 --reason forgot --result maybe 2>&1) && RC=0 || RC=$?
expect_eq "a result other than the two is refused" "1 yes" \
    "$RC $(grep -q "expected corrected (補正済み) or no_correction (補正不要)" <<<"$OUT" && echo yes)"
expect_eq "open ones only, by default" "1002 1002 1003" \
    "$("$LR" divergence ACM --from 2026-11-01 --to 2026-11-30 | tail -n +2 | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "the confirmed ones, with who and what" \
    "1001,2026-11-02,over_both,confirmed,non_work,私用のPC利用,no_correction,cli|1004,2026-11-05,over_end,confirmed,forgot,退勤を21:00に補正,corrected,api" \
    "$("$LR" divergence ACM --from 2026-11-01 --to 2026-11-30 --status confirmed | tail -n +2 | cut -d, -f1,2,9-14 | paste -sd'|')"
"$LR" divergence ACM --from 2026-11-01 --to 2026-11-30 --status confirmed --crlf > "$T/confirmed.csv"
curl -sS "$URL/api/v1/divergence?from=2026-11-01&to=2026-11-30&format=csv&status=confirmed" \
    -H "Authorization: Bearer $TOKEN" -o "$T/confirmed_api.csv"
if iconv -f CP932 -t UTF-8 "$T/confirmed_api.csv" | cmp -s "$T/confirmed.csv" -; then
    ok "the API's CP932 download holds the Japanese notes"; else
    not_ok "the API's CP932 download holds the Japanese notes"; fi
curl -sS "$URL/api/v1/divergence?from=2026-11-01&to=2026-11-30&format=csv&status=confirmed&encoding=utf-8" \
    -H "Authorization: Bearer $TOKEN" -o "$T/confirmed_utf8.csv"
if cmp -s "$T/confirmed.csv" "$T/confirmed_utf8.csv"; then ok "and UTF-8 on request"; else
    not_ok "and UTF-8 on request"; fi
expect_eq "each confirmation audited" 2 \
    "$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'divergence.confirm'")"

# --- 3b. the admin UI ----------------------------------------------------------------
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin >/dev/null
ui_sign_in "$T/jar" ACM admin 'correct horse battery' >/dev/null
get() { curl -sS -b "$T/jar" -o "$T/p.html" -w '%{http_code}' "$URL$1"; }
expect_eq "the month opens" 200 "$(get '/divergence?month=2026-11')"
expect_eq "one row an employee with a divergent day, 30 days" "4 1" \
    "$(grep -o 'role="rowheader"' "$T/p.html" | wc -l) $(grep -c 'class="heat d30"' "$T/p.html")"
expect_eq "counts: open and confirmed" 1 "$(grep -c '未確認: 3 · 確認済み: 2 · 対象者: 4' "$T/p.html")"
expect_eq "a cell: coloured by size, linked to its day, titled in words" 1 \
    "$(grep -c '<a role="cell" class="c under" href="/divergence/day?employee=1002&amp;date=2026-11-02" title="1002 2026-11-02: 過少（PC使用が短い） (出勤 +0分, 退勤 -60分) 未確認"' "$T/p.html")"
expect_eq "a confirmed day is drawn apart" 1 "$(grep -c 'class="c s2 ok" href="/divergence/day?employee=1001&amp;date=2026-11-02"' "$T/p.html")"
expect_eq "open ones only, from 60 minutes" "200 3" \
    "$(get '/divergence?month=2026-11&status=open&min=60') $(grep -o '<a role="cell"' "$T/p.html" | wc -l)"
expect_eq "a bad month is marked" "400 1" "$(get '/divergence?month=2026-13') $(grep -c 'aria-invalid="true"' "$T/p.html")"
expect_eq "the day's detail" "200 1 1 1" \
    "$(get '/divergence/day?employee=1002&date=2026-11-02') $(grep -c '<tr><th>PC使用</th><td>09:00</td><td>17:00</td></tr>' "$T/p.html") $(grep -c '<rect class="mark rec"' "$T/p.html" | sed 's/^2$/1/') $(grep -c '<b>退勤</b> 18:00 <span class="muted">ICカード</span>' "$T/p.html")"
expect_eq "the PC session on the timeline" 1 "$(grep -c '<title>09:00–17:00 PC-hanako (hanako)</title>' "$T/p.html")"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/p.html" | tail -1)
expect_eq "without its CSRF token the form is refused" 403 \
    "$(curl -sS -b "$T/jar" -o /dev/null -w '%{http_code}' "$URL/divergence/confirm" -d employee=1002 -d date=2026-11-02 -d reason=forgot -d result=corrected)"
expect_eq "without a result the form says so" "422 1" \
    "$(curl -sS -b "$T/jar" -o "$T/p.html" -w '%{http_code}' "$URL/divergence/confirm" --data-urlencode "csrf=$CSRF" -d employee=1002 -d date=2026-11-02 -d reason=forgot) $(grep -c '調査結果を選んでください。' "$T/p.html")"
expect_eq "confirmed through the UI" 303 \
    "$(curl -sS -b "$T/jar" -o /dev/null -w '%{http_code}' "$URL/divergence/confirm" --data-urlencode "csrf=$CSRF" -d employee=1002 -d date=2026-11-02 -d reason=forgot -d result=corrected --data-urlencode 'note=退勤打刻を18:00→17:00に補正')"
expect_eq "by the administrator who signed in, audited" "1002,2026-11-02,confirmed,forgot,退勤打刻を18:00→17:00に補正,corrected,admin|1" \
    "$("$LR" divergence ACM --from 2026-11-02 --to 2026-11-02 --status confirmed | grep '^1002' | cut -d, -f1,2,10-14)|$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'divergence.confirm' AND actor = 'admin'")"
expect_eq "the day says it was saved, and by whom" "200 1 1" \
    "$(get '/divergence/day?employee=1002&date=2026-11-02&saved=1') $(grep -c '確認結果を保存しました。' "$T/p.html") $(grep -c '確認者 admin' "$T/p.html")"
expect_eq "the download: CP932, CRLF, the month's days" "200 1" \
    "$(curl -sS -b "$T/jar" -o "$T/dl.csv" -w '%{http_code}' "$URL/divergence/download?month=2026-11&status=all&encoding=cp932") $(iconv -f CP932 -t UTF-8 "$T/dl.csv" | grep -c '^1002,2026-11-02,.*,corrected,admin,.*'$'\r''$')"
# the reasons, managed in the UI
expect_eq "the reasons page lists the company's" "200 1" \
    "$(get '/divergence/reasons') $(grep -c '<td><code>client_visit</code></td><td>客先訪問</td><td lang="en">Client visit</td>' "$T/p.html")"
expect_eq "a reason added through the UI" 303 \
    "$(curl -sS -b "$T/jar" -o /dev/null -w '%{http_code}' "$URL/divergence/reasons" --data-urlencode "csrf=$CSRF" -d code=training --data-urlencode label_ja=研修 --data-urlencode 'label_en=Training' -d position=45)"
expect_eq "a bad code is refused, the form kept" "422 1" \
    "$(curl -sS -b "$T/jar" -o "$T/p.html" -w '%{http_code}' "$URL/divergence/reasons" --data-urlencode "csrf=$CSRF" -d code='Bad Code' --data-urlencode label_ja=悪い -d label_en=Bad) $(grep -c 'value="Bad Code"' "$T/p.html")"
expect_eq "a reason removed through the UI" 303 \
    "$(curl -sS -b "$T/jar" -o /dev/null -w '%{http_code}' "$URL/divergence/reasons/remove" --data-urlencode "csrf=$CSRF" -d code=client_visit)"
expect_eq "the list after both, in order" "non_work forgot work_at_home approved_overtime training other" \
    "$("$LR" divergence reasons ACM | cut -f1 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "the day's form offers the new reason" "200 1" \
    "$(get '/divergence/day?employee=1002&date=2026-11-04') $(grep -c '<option value="training">研修</option>' "$T/p.html")"
# the mode and the limits in 企業情報
expect_eq "企業情報 shows the mode and the limits" "200 1 1" \
    "$(get '/settings') $(grep -c '<dd>客観記録のみ（送信しない）</dd>' "$T/p.html") $(grep -c '出勤 30分 · 退勤 30分' "$T/p.html")"
settings_post() {
    curl -sS -b "$T/jar" -o "$T/p.html" -w '%{http_code}' "$URL/settings" --data-urlencode "csrf=$CSRF" \
        -d name=Acme --data-urlencode "kot_url=$SIM" -d kot_token= -d delivery=on -d breaks=off -d collect=05:00 \
        -d malion_enabled=off -d malion_host= -d malion_admin= -d malion_secret= "$@"
}
expect_eq "a limit out of 1-240 is refused beside its field" "422 1" \
    "$(settings_post -d kot_mode=record -d div_start=30 -d div_end=0) $(grep -c '乖離の基準は1〜240の分で入力してください。' "$T/p.html")"
expect_eq "the limits saved from 企業情報, audited" "200 record|45|20 1" \
    "$(settings_post -d kot_mode=record -d div_start=45 -d div_end=20) $(db_sql "SELECT kot_mode, div_start_min, div_end_min FROM companies WHERE code = 'ACM'") $(db_sql "SELECT count(*) FROM audit_log WHERE action = 'divergence.settings' AND actor = 'ui:admin'")"
"$LR" divergence set ACM --start-limit 30 --end-limit 30 >/dev/null
curl -sS -b "$T/jar" -c "$T/jar" -o /dev/null "$URL/lang" -d "csrf=$CSRF" -d lang=en -d back=/divergence
expect_eq "in English" "200 1" "$(get '/divergence?month=2026-11') $(grep -c 'Open: 2 · Confirmed: 3 · Employees: 4' "$T/p.html")"
expect_eq "the reasons in English" "200 1" "$(get '/divergence/reasons') $(grep -c 'The reasons for a divergence' "$T/p.html")"

# --- 4. punch mode: an edited clock-out ---------------------------------------------
sim PUT /_sim/tenants "[{\"name\":\"pun\",\"token\":\"pun-$$\",\"employees\":[{\"key\":\"p1\",\"code\":\"2001\",\"lastName\":\"遅\",\"firstName\":\"帰\"}]}]" >/dev/null
PTOKEN=$("$LR" company add PUN "Punch Co")
echo "pun-$$" | "$LR" kot set PUN --base-url "$SIM" --token - --rate 20 --delivery on >/dev/null
"$LR" kot sync PUN >/dev/null
"$LR" link set PUN --kind lanscope 2001 osoi >/dev/null
printf '%s' '[{"source":"lanscope","account":"osoi","host":"PC","op":"logon","time":"2026-11-04T09:00:00+09:00"},
 {"source":"lanscope","account":"osoi","host":"PC","op":"logoff","time":"2026-11-04T22:10:00+09:00"}]' > "$T/late.json"
curl -sS -o /dev/null -H "Authorization: Bearer $PTOKEN" -H 'Content-Type: application/json' \
    --data-binary @"$T/late.json" "$URL/api/v1/ingest"
wait_outbox_done
expect_eq "punch mode: our punches reach KING OF TIME" "2" \
    "$(sim GET '/_sim/punches?tenant=pun' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
expect_eq "delivered and read back the same: no divergence" \
    "2026-11-04..2026-11-04: 1 calls (fewest 1), 2 records, 0 divergent days, 0 new, 0 closed" \
    "$("$LR" divergence fetch PUN --from 2026-11-04 --to 2026-11-04 2>/dev/null)"
curl -sS -o /dev/null -X POST "$SIM/_sim/timerecords/edit?tenant=pun" -H 'Content-Type: application/json' \
    --data-binary '{"employeeKey":"p1","date":"2026-11-04","code":2,"time":"2026-11-04T22:10:00+09:00","newTime":"2026-11-04T18:00:00+09:00"}'
"$LR" divergence fetch PUN --from 2026-11-04 --to 2026-11-04 >/dev/null 2>&1
expect_eq "the clock-out edited down to 18:00 is found" \
    "2001,2026-11-04,2026-11-04T09:00:00+09:00,2026-11-04T22:10:00+09:00,2026-11-04T09:00:00+09:00,2026-11-04T18:00:00+09:00,0,250,over_end,open,,,,," \
    "$("$LR" divergence PUN --from 2026-11-04 --to 2026-11-04 | tail -n +2)"
curl -sS -o /dev/null -X POST "$SIM/_sim/timerecords/edit?tenant=pun" -H 'Content-Type: application/json' \
    --data-binary '{"employeeKey":"p1","date":"2026-11-04","code":2,"time":"2026-11-04T18:00:00+09:00","newTime":"2026-11-04T22:10:00+09:00"}'
expect_eq "corrected in KING OF TIME: the next read closes the day" \
    "2026-11-04..2026-11-04: 1 calls (fewest 1), 2 records, 0 divergent days, 0 new, 1 closed|closed" \
    "$("$LR" divergence fetch PUN --from 2026-11-04 --to 2026-11-04 2>/dev/null)|$(db_sql "SELECT status FROM divergences d JOIN employees e ON e.id = d.employee_id WHERE e.code = '2001'")"
expect_eq "and it is no longer reported" "" \
    "$("$LR" divergence PUN --from 2026-11-04 --to 2026-11-04 --status all | tail -n +2)"

# --- 5. the restricted hours ----------------------------------------------------------
BEFORE=$(sim GET '/_sim/stats' | python3 -c 'import json,sys; print(json.load(sys.stdin)["tenants"]["default"].get("requests", 0))')
OUT=$(LOGINREC_TIME_OFFSET_S=$(jst_offset 09:15) "$LR" divergence fetch ACM --from 2026-11-02 --to 2026-11-06 2>&1) && RC=0 || RC=$?
AFTER=$(sim GET '/_sim/stats' | python3 -c 'import json,sys; print(json.load(sys.stdin)["tenants"]["default"].get("requests", 0))')
expect_eq "in the restricted hours the read is refused, nothing called" "1 yes 0" \
    "$RC $(grep -q 'try again after 10:00 JST' <<<"$OUT" && echo yes) $((AFTER - BEFORE))"
OUT=$("$LR" divergence fetch ACM --from 2026-11-02 2>&1) && RC=0 || RC=$?
expect_eq "--from without --to is a usage mistake" "2" "$RC"

# --- 6. the nightly read, and the summary mail --------------------------------------------
# a server without STARTTLS: a password is never sent in clear
/usr/bin/python3 "$(dirname "$0")/../sim/smtp_sink.py" "$T/plain" --user mailer --password 's3cret pw' \
    --max-seconds 300 > "$T/plain.log" 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
wait_for 10 grep -q '^listening on' "$T/plain.log" || { cat "$T/plain.log"; echo "no SMTP server"; exit 1; }
echo 's3cret pw' | "$LR" mail set --smtp-url "$(sed -n 's/^listening on //p' "$T/plain.log")" \
    --from loginrec@example.jp --user mailer --password - >/dev/null
"$LR" divergence mail ACM --to 'hr@example.jp, boss@example.jp' --open-days 1 >/dev/null
OUT=$("$LR" divergence notify ACM 2>&1) && RC=0 || RC=$?
expect_eq "no STARTTLS offered: the password is not sent, nor the mail" "1 yes 0" \
    "$RC $(grep -q 'offers no STARTTLS, and credentials never go in clear' <<<"$OUT" && echo yes) $(ls "$T/plain" | wc -l)"
expect_eq "an SMTP URL with a password in it is refused" 1 \
    "$("$LR" mail set --smtp-url 'smtp://mailer:pw@127.0.0.1:25' >/dev/null 2>&1 && echo 0 || echo 1)"
# the server the summaries go to: STARTTLS with its own certificate
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/smtp.key" -out "$T/smtp.pem" -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
/usr/bin/python3 "$(dirname "$0")/../sim/smtp_sink.py" "$T/mail" --user mailer --password 's3cret pw' \
    --tls-cert "$T/smtp.pem" --tls-key "$T/smtp.key" --max-seconds 300 > "$T/smtp.log" 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
wait_for 10 grep -q '^listening on' "$T/smtp.log" || { cat "$T/smtp.log"; echo "no SMTP server"; exit 1; }
SMTP=$(sed -n 's/^listening on //p' "$T/smtp.log")
"$LR" mail set --smtp-url "$SMTP" --ca-file "$T/smtp.pem" >/dev/null
expect_eq "the SMTP password is sealed" "0 1" \
    "$(db_sql "SELECT count(*) FROM mail_settings WHERE password_sealed LIKE '%s3cret%'") $(db_sql "SELECT count(*) FROM mail_settings WHERE password_sealed LIKE 'v1:%'")"
mails() { ls "$T/mail"/*.eml 2>/dev/null | wc -l; }
stop_server
expect_eq "no nightly read while it is off" "0" \
    "$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'divergence.fetch' AND actor = 'fetch-job'")"
LOGINREC_TIME_OFFSET_S=$(jst_offset 23:00) start_server --divergence-fetch-at 22:59
for _ in $(seq 1 100); do
    [ "$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'divergence.fetch' AND actor = 'fetch-job'")" = 2 ] && break
    sleep 0.1
done
expect_eq "loginrecd read both companies' records after 22:59" "2" \
    "$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'divergence.fetch' AND actor = 'fetch-job'")"
expect_eq "the last 35 days, ACM in its three calls" "yes" \
    "$(grep -q "divergence read of company ACM, [0-9-]*\.\.[0-9-]*: 3 calls (fewest 3)" "$T/server.log" && echo yes)"
stop_server
LOGINREC_TIME_OFFSET_S=$(jst_offset 23:30) start_server --divergence-fetch-at 22:59
sleep 1.5
expect_eq "once a night" "2" \
    "$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'divergence.fetch' AND actor = 'fetch-job'")"
expect_eq "then one summary mail, whatever the restart" 1 "$(mails)"
TODAY=$(LOGINREC_TIME_OFFSET_S=$(jst_offset 23:00) python3 -c 'import datetime, os, time; print(datetime.datetime.fromtimestamp(time.time() + int(os.environ["LOGINREC_TIME_OFFSET_S"]), datetime.timezone(datetime.timedelta(hours=9))).date())')
/usr/bin/python3 - "$T/mail/001.eml" "$T/mail/001.json" "$TODAY" > "$T/mail1.txt" <<'PY'
import email, email.policy, json, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
env = json.load(open(sys.argv[2]))
print(m["Subject"])
print(m.get_content_type(), m.get_content_charset(), m["Content-Transfer-Encoding"], m["MIME-Version"])
print(m["From"], "|", m["To"], "|", " ".join(sorted(env["to"])), "|", env["auth_user"], "|", env["tls"])
print(m.get_content())
PY
expect_eq "its subject, decoded" "【loginrec】乖離の確認 ACM $TODAY: 新規 2件 / 未確認 0件" "$(sed -n 1p "$T/mail1.txt")"
expect_eq "UTF-8 text in base64, MIME 1.0" "text/plain utf-8 base64 1.0" "$(sed -n 2p "$T/mail1.txt")"
expect_eq "from the sender, to both addresses, authenticated over STARTTLS" \
    "loginrec <loginrec@example.jp> | hr@example.jp, boss@example.jp | boss@example.jp hr@example.jp | mailer | True" "$(sed -n 3p "$T/mail1.txt")"
expect_eq "the new days, in Japanese" "1 1 1" \
    "$(grep -c '^新たに見つかった乖離: 2件' "$T/mail1.txt") $(grep -c '^  1002 勤怠 花子  2026-11-04  休日・未打刻の疑い  出勤 – / 退勤 –' "$T/mail1.txt") $(grep -c '^  1003 山田 一郎  2026-11-03  PC未使用' "$T/mail1.txt")"
expect_eq "and in English" "1 1" \
    "$(grep -c '^New divergent days: 2' "$T/mail1.txt") $(grep -c '^  1002 勤怠 花子  2026-11-04  PC use, no record  start – / end –' "$T/mail1.txt")"
expect_eq "the confirmed days are not in it" 0 "$(grep -c '^  1001 ' "$T/mail1.txt" || true)"
expect_eq "audited" 1 "$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'divergence.mail'")"
expect_eq "a second summary the same day is not sent" "today's divergence summary of ACM was sent already 1" \
    "$(LOGINREC_TIME_OFFSET_S=$(jst_offset 23:40) "$LR" divergence notify ACM) $(mails)"
stop_server
# two days on: nothing new, both days open for more than a day
NEXT=$(( $(jst_offset 11:00) + 2 * 86400 ))
echo 'wrong' | "$LR" mail set --password - >/dev/null
OUT=$(LOGINREC_TIME_OFFSET_S=$NEXT "$LR" divergence notify ACM 2>&1) && RC=0 || RC=$?
expect_eq "a refused mail fails, and sends nothing" "1 yes 1" \
    "$RC $(grep -q 'SMTP smtp://127.0.0.1' <<<"$OUT" && echo yes) $(mails)"
echo 's3cret pw' | "$LR" mail set --password - >/dev/null
expect_eq "its day was given back: the next try sends it" "ACM: 0 new, 2 open for longer, mailed 2" \
    "$(LOGINREC_TIME_OFFSET_S=$NEXT "$LR" divergence notify ACM) $(mails)"
# --- 7. 36協定 ------------------------------------------------------------------------------
at_jst() { python3 -c 'import datetime, sys, time; print(int(datetime.datetime.fromisoformat(sys.argv[1]).timestamp() - time.time()))' "$1"; }
sim PUT /_sim/tenants "[{\"name\":\"otc\",\"token\":\"otc-$$\",\"employees\":[{\"key\":\"o1\",\"code\":\"3001\",\"lastName\":\"残業\",\"firstName\":\"多\"},{\"key\":\"o2\",\"code\":\"3002\",\"lastName\":\"残業\",\"firstName\":\"中\"},{\"key\":\"o3\",\"code\":\"3003\",\"lastName\":\"定時\",\"firstName\":\"帰\"}]}]" >/dev/null
"$LR" company add OTC "Overtime Co" >/dev/null
echo "otc-$$" | "$LR" kot set OTC --base-url "$SIM" --token - --rate 20 --mode record >/dev/null
"$LR" kot sync OTC >/dev/null
for e in 3001:ota 3002:naka 3003:teiji; do "$LR" link set OTC --kind lanscope "${e%%:*}" "${e##*:}" >/dev/null; done
# up to the 19th: 3001 works 09:00-22:00 on 12 days (4 h over each: 48 h),
# 3002 on 10 (40 h: 60 h at this pace by the month's end), 3003 09:00-18:00;
# the record says 09:00-18:00 for all of them
python3 - "$T/ot.json" "$T/ot_rec.json" <<'PY'
import json, sys
ev, rec = [], []
for acct, key, n, end in (("ota", "o1", 12, "22:00"), ("naka", "o2", 10, "22:00"), ("teiji", "o3", 12, "18:00")):
    for d in range(1, n + 1):
        day = "2026-11-%02d" % d
        ev += [{"source": "lanscope", "account": acct, "host": "PC", "op": op, "time": "%sT%s:00+09:00" % (day, t)}
               for op, t in (("logon", "09:00"), ("logoff", end))]
        rec += [{"employeeKey": key, "date": day, "time": "%sT%s:00+09:00" % (day, t), "code": c,
                 "credentialCode": "IC", "credentialName": "ICカード"} for c, t in ((1, "09:00"), (2, "18:00"))]
json.dump(ev, open(sys.argv[1], "w")); json.dump(rec, open(sys.argv[2], "w"))
PY
"$LR" ingest OTC "$T/ot.json" >/dev/null
curl -sS -o /dev/null -X POST "$SIM/_sim/timerecords?tenant=otc" -H 'Content-Type: application/json' --data-binary @"$T/ot_rec.json"
OT_NOW=$(at_jst 2026-11-20T11:00:00+09:00)
LOGINREC_TIME_OFFSET_S=$OT_NOW "$LR" divergence fetch OTC --from 2026-11-01 --to 2026-11-30 >/dev/null
expect_eq "each PC user's month, on the 20th: past the limit, heading past it, within" \
    "3001,2026-11,144.0,48.0,72.0,24.0,96.0,0.0,month |3002,2026-11,120.0,40.0,60.0,20.0,80.0,0.0,projected |3003,2026-11,96.0,0.0,0.0,0.0,96.0,0.0," \
    "$(LOGINREC_TIME_OFFSET_S=$OT_NOW "$LR" divergence overtime OTC | tail -n +2 | paste -sd'|')"
"$LR" divergence mail OTC --to hr@example.jp >/dev/null
LOGINREC_TIME_OFFSET_S=$(at_jst 2026-11-20T23:00:00+09:00) start_server --divergence-fetch-at 22:59
for _ in $(seq 1 100); do [ "$(mails)" = 3 ] && break; sleep 0.1; done
expect_eq "the nightly job keeps the month's warnings" "3001|1 3002|2" \
    "$(db_sql "SELECT e.code || '|' || w.warning FROM overtime_warnings w JOIN employees e ON e.id = w.employee_id ORDER BY e.code" | paste -sd' ')"
expect_eq "and the mail names them, with the record beside" "1 1 1" \
    "$(/usr/bin/python3 -c 'import email, email.policy, sys; m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default); print(m.get_content())' "$T/mail/003.eml" > "$T/mail3.txt"; grep -c '^36協定：今月の時間外労働がPCの使用から見て基準（月45時間・複数月平均80時間）を超える、または超えそうな従業員: 2人' "$T/mail3.txt") $(grep -c '^  3001 残業 多  PC 48.0時間 (月末見込み 72.0時間) / 勤怠記録 0.0時間 / 複数月平均 24.0時間' "$T/mail3.txt") $(grep -c '^  3002 残業 中  PC 40.0 h (month-end estimate 60.0 h) / Record 0.0 h / average 20.0 h' "$T/mail3.txt")"
echo 'correct horse battery' | "$LR" user add OTC admin --password-stdin >/dev/null
ui_sign_in "$T/ojar" OTC admin 'correct horse battery' >/dev/null
expect_eq "the 乖離 page shows them" "200 1 1" \
    "$(curl -sS -b "$T/ojar" -o "$T/p.html" -w '%{http_code}' "$URL/divergence?month=2026-11") $(grep -c '<td><span class="code">3001</span> 残業 多</td><td>48.0</td><td>72.0</td><td>0.0</td><td>24.0</td><td><span class="tag bad">月の上限超え </span></td>' "$T/p.html") $(grep -c '<span class="tag bad">上限超えの見込み </span>' "$T/p.html")"
"$LR" divergence set OTC --overtime-month 50 >/dev/null
expect_eq "a company's own limit" "3001,2026-11,144.0,48.0,72.0,24.0,96.0,0.0,projected " \
    "$(LOGINREC_TIME_OFFSET_S=$OT_NOW "$LR" divergence overtime OTC | grep '^3001')"
stop_server

expect_eq "listing the days still open" "1 1" \
    "$(/usr/bin/python3 -c 'import email, email.policy, sys; m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default); print(m["Subject"]); print(m.get_content())' "$T/mail/002.eml" | grep -c '新規 0件 / 未確認 2件') \
$(/usr/bin/python3 -c 'import email, email.policy, sys; m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default); print(m.get_content())' "$T/mail/002.eml" | grep -c '^1日以上確認されていない乖離: 2件')"
finish

#!/bin/bash
# End to end: ログ表示 over real HTTP. Events from two sources, one PC user
# name nobody is linked to, an operation that is not a logon/logoff and a
# day without a logoff; then each filter (dates in the company's calendar,
# employee, PC user name, source, operation), its mistakes marked at the
# field, keyset pages that together hold every event exactly once, the
# statuses, escaping, English, and another company's events never shown.
. "$(dirname "$0")/lib.sh"

"$LR" init >/dev/null
TOKEN=$("$LR" company add ACM "Acme")
TOKEN_B=$("$LR" company add BBB "Beta")
"$LR" employee add ACM 0012 --last 勤怠 --first 花子 >/dev/null
"$LR" employee add ACM 1000 --last 勤怠 --first 太郎 >/dev/null
"$LR" employee add ACM 2000 --last 未 --first 連携 >/dev/null
"$LR" link set ACM --kind lanscope 0012 hanakok >/dev/null
"$LR" link set ACM --kind malion 0012 hanako.m >/dev/null
"$LR" link set ACM --kind lanscope 1000 tarouk >/dev/null
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin >/dev/null
start_server --no-kot --malion-interval 0
ui_sign_in "$T/jar" ACM admin 'correct horse battery' >/dev/null

ingest() { # TOKEN JSON
    curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        "$URL/api/v1/ingest" --data-binary "$2"
}
expect_eq "events go in" 200 "$(ingest "$TOKEN" '[
 {"source":"lanscope","account":"hanakok","host":"PC-02","op":"logon","time":"2026-11-16T09:01:00+09:00","version":"1.4.0"},
 {"source":"lanscope","account":"hanakok","host":"PC-02","op":"logoff","time":"2026-11-16T18:30:00+09:00","version":"1.4.0"},
 {"source":"malion","account":"hanako.m","host":"PC-02","op":"logon","time":"2026-11-17T08:55:00+09:00"},
 {"source":"lanscope","account":"tarouk","host":"PC-07","op":"logon","time":"2026-11-17T00:30:00+09:00"},
 {"source":"lanscope","account":"tarouk","host":"PC-07","op":"lock","time":"2026-11-17T12:00:00+09:00"},
 {"source":"lanscope","account":"<script>x</script>","host":"PC-99","op":"logon","time":"2026-11-18T09:00:00+09:00"}]')"
expect_eq "another company's event goes in" 200 "$(ingest "$TOKEN_B" '[
 {"source":"lanscope","account":"hanakok","host":"B-01","op":"logon","time":"2026-11-16T10:00:00+09:00"}]')"

rows() { grep -c '<tr><td class="time">20' "$1" || true; }
get() { # QUERY -> status, page in $T/p.html
    curl -sS -b "$T/jar" -o "$T/p.html" -w '%{http_code}' "$URL/logs$1"
}

expect_eq "every event of the company, none of the other's" "200 6" "$(get '') $(rows "$T/p.html")"
expect_eq "newest first, in the company's time, as people write it" "2026/11/18 09:00:00" \
    "$(grep -o '<tr><td class="time">[^<]*' "$T/p.html" | head -1 | sed 's/<tr><td class="time">//')"
expect_eq "the PC user name is escaped" "1 0" \
    "$(grep -c '&lt;script&gt;x&lt;/script&gt;' "$T/p.html") $(grep -c '<script>x' "$T/p.html" || true)"
line() { grep "$1" "$T/p.html" | head -1; }
expect_eq "an unlinked PC user name says so" 1 "$(line 'PC-99' | grep -c '>未連携<')"
expect_eq "an operation that is not a logon/logoff says so, its code labelled" 1 \
    "$(line '>その他の操作 <code>lock</code><' | grep -c '>対象外の操作<')"
expect_eq "a logon without logoff is flagged, with its work day" 1 \
    "$(line '08:55:00' | grep -c '>ログオフなし</span> <span class="muted">2026/11/17<')"
expect_eq "the employee, host, operation, source and version are shown" 1 \
    "$(grep -c '<tr><td class="time">2026/11/16 18:30:00</td><td class="more">hanakok</td><td class="employee">0012 勤怠 花子</td><td class="more">PC-02</td><td class="op">ログオフ</td><td class="more">LanScope Cat</td><td class="more">1.4.0</td>' "$T/p.html")"

expect_eq "a date range (the company's calendar days)" "200 3" "$(get '?from=2026-11-17&to=2026-11-17') $(rows "$T/p.html")"
expect_eq "the filled filters are shown again" 1 "$(grep -c 'id="from" name="from" type="date" value="2026-11-17"' "$T/p.html")"
expect_eq "an employee: every PC user name linked to them" "200 3" "$(get '?employee=0012') $(rows "$T/p.html")"
expect_eq "an employee and a source" "200 1" "$(get '?employee=0012&source=malion') $(rows "$T/p.html")"
expect_eq "the chosen source stays selected" 1 "$(grep -c '<option value="malion" selected>' "$T/p.html")"
expect_eq "a PC user name" "200 2" "$(get '?account=tarouk') $(rows "$T/p.html")"
expect_eq "logoffs only" "200 1" "$(get '?op=logoff') $(rows "$T/p.html")"
expect_eq "other operations only" "200 1" "$(get '?op=other') $(rows "$T/p.html")"
expect_eq "an employee with no link has no events" "200 0" "$(get '?employee=2000') $(rows "$T/p.html")"

expect_eq "a bad date is marked at its field (400)" "400 1" \
    "$(get '?from=2026-13-01') $(grep -c 'name="from" type="date" value="2026-13-01" aria-invalid="true"' "$T/p.html")"
expect_eq "an end before the start is marked" "400 1" "$(get '?from=2026-11-18&to=2026-11-17') $(grep -c 'id="to-err"' "$T/p.html")"
expect_eq "an unknown employee is marked" "400 1" "$(get '?employee=9999') $(grep -c 'この打刻先アカウントの従業員はいません' "$T/p.html")"
expect_eq "an unknown source is refused" 400 "$(get '?source=nope')"
expect_eq "a broken page cursor is refused" 400 "$(get '?cursor=12x')"
expect_eq "a company parameter is never honoured" 400 "$(get '?company=BBB')"

# --- pages: 250 events, three pages, each event exactly once -----------------
python3 - > "$T/many.json" <<'PY'
import json
ev = [{"source": "lanscope", "account": "tarouk", "host": "PC-07", "op": "logon" if i % 2 == 0 else "logoff",
       "time": "2026-10-%02dT%02d:%02d:00+09:00" % (1 + i // 20, 8 + (i % 20) // 2, i % 60)} for i in range(250)]
print(json.dumps(ev))
PY
expect_eq "250 more events go in" 200 "$(ingest "$TOKEN" "$(cat "$T/many.json")")"
seen="$T/seen.txt"
: > "$seen"
q='?account=tarouk&from=2026-10-01&to=2026-10-31'
pages=0
while [ -n "$q" ] && [ $pages -lt 10 ]; do
    get "$q" >/dev/null
    pages=$((pages + 1))
    grep -o "<tr><td class=\"time\">[^<]*" "$T/p.html" >> "$seen" || true
    q=$(grep -o 'href="/logs?[^"]*" rel="next"' "$T/p.html" | sed 's/href="\/logs\(.*\)" rel="next"/\1/; s/&amp;/\&/g' || true)
done
expect_eq "three pages of at most 100" 3 "$pages"
expect_eq "every event once, none twice" "250 250" "$(wc -l < "$seen") $(sort -u "$seen" | wc -l)"
expect_eq "the last page offers the way back to the newest" 1 "$(grep -c '>最新に戻る<' "$T/p.html")"

# --- English -------------------------------------------------------------------
curl -sS -b "$T/jar" -c "$T/jar" -o /dev/null "$URL/lang" -d "csrf=$(form_csrf "$T/jar" /logs)" -d lang=en -d back=/logs
get '?from=2026-11-16&to=2026-11-18' >/dev/null
expect_eq "English labels" "1 1" "$(grep -c '>Unlinked<' "$T/p.html") $(grep -c '<th class="more">Service account</th>' "$T/p.html")"
expect_eq "no Japanese text in the English page but data" 0 \
    "$(sed 's/勤怠 花子//g; s/勤怠 太郎//g; s/>日本語</></' "$T/p.html" | grep -cP '[\x{3040}-\x{30ff}\x{4e00}-\x{9fff}]' || true)"

# an employee linked by all five kinds: the log view found the first three
# names only (issue 21 made five kinds)
"$LR" link set ACM --kind smarton 0012 hanako.s >/dev/null
"$LR" link set ACM --kind windows 0012 hanako.w >/dev/null
"$LR" link set ACM --kind linux 0012 hanako.l >/dev/null
expect_eq "an event of the fifth name goes in" 200 "$(ingest "$TOKEN" '[
 {"source":"generic","account":"hanako.l","host":"pc-07","op":"logon","time":"2026-11-19T09:00:00+09:00"}]')"
expect_eq "an employee with five PC user names: the events of each" "200 4" \
    "$(get '?employee=0012') $(rows "$T/p.html")"

# one boot ends two people's sessions on one PC: each sees it as theirs
"$LR" link set ACM --kind windows 1000 tarou.w >/dev/null
win() { # TIME RECORD EVENT_ID CHANNEL PROVIDER DATA
    printf '{"@timestamp":"%s","winlog":{"event_id":%s,"channel":"%s","provider_name":"%s","computer_name":"PC-X","record_id":%s,"event_data":{%s}}}\n' \
        "$1" "$3" "$4" "$5" "$2" "$6"
}
{ win 2026-11-20T00:00:00Z 1 4624 Security Microsoft-Windows-Security-Auditing '"TargetUserName":"tarou.w","TargetUserSid":"S-1-5-21-9-1000","LogonType":"2","LogonProcessName":"User32","TargetLogonId":"0x11"'
  win 2026-11-20T00:10:00Z 2 4624 Security Microsoft-Windows-Security-Auditing '"TargetUserName":"hanako.w","TargetUserSid":"S-1-5-21-9-1012","LogonType":"10","LogonProcessName":"User32","TargetLogonId":"0x22"'
  win 2026-11-20T10:00:00Z 3 6005 System EventLog ''; } > "$T/boot.ndjson"
expect_eq "two sessions and the boot go in" 200 "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/x-ndjson' "$URL/api/v1/ingest" --data-binary @"$T/boot.ndjson")"
for emp in 0012 1000; do
    expect_eq "the boot that ended $emp's session is listed as theirs" "200 1" \
        "$(get "?employee=$emp&from=2026-11-20&to=2026-11-20") $(grep '<code>boot</code>' "$T/p.html" | grep -cE ">$emp [^<]*</td>.*(終了は次の起動から推定|End read from the next boot)")"
done

finish

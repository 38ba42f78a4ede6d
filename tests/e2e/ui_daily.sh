#!/bin/bash
# End to end: 日別データ over real HTTP with the KING OF TIME simulator
# taking the punches. A day in two divisions (本社 changes day at 00:00,
# 夜勤 at 05:00): punches with method PC and their delivery (sent, failed
# with its reason in words, waiting while delivery is off), breaks, the
# timeline's sessions (a day without logoff drawn open), the division
# filter, the night shift's window, mistakes, escaping and English.
. "$(dirname "$0")/lib.sh"
export LOGINREC_KOT_TIMEOUT_MS=500 LOGINREC_RETRY_BASE_MS=100 LOGINREC_RETRY_MAX_MS=1000 \
    LOGINREC_DISPATCH_POLL_MS=100
SIMTOKEN=ui-daily-token
start_sim "$SIMTOKEN"

"$LR" init >/dev/null
TOKEN=$("$LR" company add ACM "Acme" --breaks on)
sim PUT /_sim/divisions '[{"code":"HQ","name":"本社"},{"code":"NIGHT","name":"夜勤 <b>"}]' >/dev/null
sim PUT /_sim/employees '[
 {"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k2","code":"1002","lastName":"勤怠","firstName":"花子","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k3","code":"1003","lastName":"夜","firstName":"勤","divisionCode":"NIGHT","divisionName":"夜勤 <b>"}]' >/dev/null
echo "$SIMTOKEN" | "$LR" kot set ACM --base-url "$SIM" --token - --rate 40 >/dev/null
"$LR" kot sync ACM >/dev/null
"$LR" division set ACM NIGHT --name '夜勤 <b>' --day-change 05:00 >/dev/null
"$LR" employee add ACM 9000 --last 未 --first 同期 >/dev/null   # not in KoT: its punches fail
"$LR" employee add ACM 9001 --last 記録 --first なし >/dev/null
"$LR" link set ACM --kind lanscope 1001 taro >/dev/null
"$LR" link set ACM --kind lanscope 1002 hanako >/dev/null
"$LR" link set ACM --kind lanscope 1003 yoru >/dev/null
"$LR" link set ACM --kind lanscope 9000 misync >/dev/null
"$LR" kot set ACM --delivery on >/dev/null
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin >/dev/null
start_server --malion-interval 0
ui_sign_in "$T/jar" ACM admin 'correct horse battery' >/dev/null

ingest() {
    curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        "$URL/api/v1/ingest" --data-binary "$1"
}
expect_eq "the day's events go in" 200 "$(ingest '[
 {"source":"lanscope","account":"taro","host":"PC-01","op":"logon","time":"2026-11-16T09:00:00+09:00"},
 {"source":"lanscope","account":"taro","host":"PC-01","op":"logoff","time":"2026-11-16T12:00:00+09:00"},
 {"source":"lanscope","account":"taro","host":"PC-01","op":"logon","time":"2026-11-16T13:00:00+09:00"},
 {"source":"lanscope","account":"taro","host":"PC-01","op":"logoff","time":"2026-11-16T18:00:00+09:00"},
 {"source":"lanscope","account":"hanako","host":"PC-02","op":"logon","time":"2026-11-16T08:45:00+09:00"},
 {"source":"lanscope","account":"yoru","host":"PC-03","op":"logon","time":"2026-11-16T22:00:00+09:00"},
 {"source":"lanscope","account":"yoru","host":"PC-03","op":"logoff","time":"2026-11-17T04:30:00+09:00"},
 {"source":"lanscope","account":"misync","host":"PC-09","op":"logon","time":"2026-11-16T10:00:00+09:00"},
 {"source":"lanscope","account":"misync","host":"PC-09","op":"logoff","time":"2026-11-16T11:00:00+09:00"}]')"
outbox_settled() { [ "$(db_sql "SELECT count(*) FROM outbox WHERE state IN ('pending','sending')")" = 0 ]; }
wait_for 30 outbox_settled || not_ok "the outbox settled"

get() { curl -sS -b "$T/jar" -o "$T/p.html" -w '%{http_code}' "$URL/daily$1"; }
row() { tr -d '\n' < "$T/p.html" | grep -o "<tr>[^§]*" | sed 's#</tr>#</tr>\n#g' | grep "code\">$1<" | head -1; }

expect_eq "the day opens" 200 "$(get '?day=2026-11-16')"
expect_eq "four employees have records; the one without is counted" "1 1" \
    "$(grep -c '表示した従業員: 4 人 · 記録なし: 1 人' "$T/p.html") $(grep -c 'code">9001<' "$T/p.html" | sed 's/^1$/x/; s/^0$/1/')"
expect_eq "clock-in, break, clock-out with method PC, all sent" \
    "出勤 09:00 PC 送信済み|休憩開始 12:00 PC 送信済み|休憩終了 13:00 PC 送信済み|退勤 18:00 PC 送信済み" \
    "$(row 1001 | grep -o '<li><b>[^<]*</b> [0-9:]* <span class="muted">[A-Z]*</span> <span class="tag [a-z]*">[^<]*' | sed 's/<[^>]*>//g; s/  */ /g' | paste -sd '|')"
expect_eq "KING OF TIME got them" "1 2 3 4" "$(json_get "$(sim GET /_sim/punches)" "' '.join(sorted(p['code'] for p in j if p['employeeKey']=='k1'))")"
expect_eq "two sessions on the timeline, 09:00–12:00 and 13:00–18:00" "2 1 1" \
    "$(row 1001 | grep -o '<rect class="session"' | wc -l) $(row 1001 | grep -c '<title>09:00–12:00 PC-01 (taro)</title>') $(row 1001 | grep -c '<title>13:00–18:00 PC-01 (taro)</title>')"
expect_eq "the session starts at 9/24 of the bar" 1 "$(row 1001 | grep -c 'class="session" x="540" y="6" width="180"')"
expect_eq "four punch marks" 4 "$(row 1001 | grep -o 'class="mark ' | wc -l)"
expect_eq "no logoff: drawn open to the day's end" 1 "$(row 1002 | grep -c '<rect class="session open" x="525"')"
expect_eq "a failed punch says why, in words" 1 \
    "$(row 9000 | grep -c '送信失敗</span> <span class="why">従業員が勤革時と連携されていません。')"
expect_eq "the night shift's day runs 05:00 to 05:00" "1 1" \
    "$(row 1003 | grep -c '<span>05:00</span><span>+6h</span>') $(row 1003 | grep -c '<title>22:00–04:30 PC-03 (yoru)</title>')"

expect_eq "a division filter" "200 1 0" "$(get '?day=2026-11-16&division=NIGHT') $(grep -c 'code">1003<' "$T/p.html") $(grep -c 'code">1001<' "$T/p.html" || true)"
expect_eq "the division's name is escaped" "1 0" "$(grep -c '夜勤 &lt;b&gt;' "$T/p.html") $(grep -c '夜勤 <b>' "$T/p.html" || true)"
expect_eq "the next day keeps the division" 1 "$(grep -c 'href="/daily?day=2026-11-17&amp;division=NIGHT"' "$T/p.html")"
expect_eq "an empty day says so" "200 1" "$(get '?day=2026-11-20') $(grep -c 'この日の記録はありません' "$T/p.html")"
expect_eq "a bad day is marked" "400 1" "$(get '?day=2026-02-30') $(grep -c 'aria-invalid="true"' "$T/p.html")"
expect_eq "a company parameter is never honoured" 400 "$(get '?day=2026-11-16&company=BBB')"

# --- a session past the day change (issue 19) ------------------------------------
expect_eq "a night past midnight goes in" 200 "$(ingest '[
 {"source":"lanscope","account":"hanako","host":"PC-02","op":"logon","time":"2026-11-18T22:00:00+09:00"},
 {"source":"lanscope","account":"hanako","host":"PC-02","op":"logoff","time":"2026-11-19T06:00:00+09:00"}]')"
get '?day=2026-11-18' >/dev/null
expect_eq "it is PC use to the window's end, marked as continuing, not 'no logoff'" "1 0 1" \
    "$(row 1002 | grep -c '<rect class="session continues" x="1320" y="6" width="120"') $(row 1002 | grep -c 'session open' || true) $(row 1002 | grep -c '<title>22:00–06:00（翌日） PC-02 (hanako)</title>')"
expect_eq "the clock-out is listed at its real time; its mark sits at the edge and says so" "1 1 1" \
    "$(row 1002 | grep -c '<b>退勤</b> 06:00（翌日）') $(row 1002 | grep -c 'class="mark work beyond" x="1434"') $(row 1002 | grep -c '<title>退勤 06:00（翌日）</title>')"
get '?day=2026-11-19' >/dev/null
expect_eq "the next day draws its part as continuing from the day before, not 'no logon'" "1 0" \
    "$(row 1002 | grep -c '<rect class="session continues" x="0" y="6" width="360" height="16"><title>22:00（前日）–06:00 PC-02 (hanako)</title>') $(row 1002 | grep -c 'session open' || true)"

# --- pages of 100 employees, each employee once --------------------------------
"$LR" kot set ACM --delivery off >/dev/null
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
rows = ["連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント"]
rows += ["LanScope連携,2,P%03d,p %d,pc%03d" % (i, i, i) for i in range(150)]
open(t + "/many.csv", "w", encoding="utf-8").write("\r\n".join(rows) + "\r\n")
ev = [{"source": "lanscope", "account": "pc%03d" % i, "host": "H", "op": "logon",
       "time": "2026-11-20T09:%02d:00+09:00" % (i % 60)} for i in range(150)]
open(t + "/many.json", "w").write(json.dumps(ev))
PY
for i in $(seq 0 149); do printf 'employee add ACM P%03d --last p --first %d\n' "$i" "$i"; done |
    while read -r line; do "$LR" $line >/dev/null; done
"$LR" links import ACM "$T/many.csv" >/dev/null
ingest "$(cat "$T/many.json")" >/dev/null
get '?day=2026-11-20' >/dev/null
expect_eq "150 employees: the first page holds 100" "1 100" \
    "$(grep -c '<span>1–100 / 150</span>' "$T/p.html") $(grep -o 'code">P[0-9]*<' "$T/p.html" | wc -l)"
grep -o 'code">P[0-9]*<' "$T/p.html" > "$T/seen"
next=$(grep -o 'href="[^"]*" rel="next"' "$T/p.html" | sed 's/href="\(.*\)" rel="next"/\1/; s/&amp;/\&/g')
curl -sS -b "$T/jar" -o "$T/p.html" "$URL$next"
grep -o 'code">P[0-9]*<' "$T/p.html" >> "$T/seen"
expect_eq "the second page the other 50, every employee once" "1 150 150" \
    "$(grep -c '<span>101–150 / 150</span>' "$T/p.html") $(wc -l < "$T/seen") $(sort -u "$T/seen" | wc -l)"
expect_eq "a page past the end is empty, not an error" "200 1" "$(get '?day=2026-11-20&page=9') $(grep -c '<span>0 / 150</span>' "$T/p.html")"
expect_eq "a bad page number is refused" 400 "$(get '?day=2026-11-20&page=0')"

# --- delivery off: punches wait ----------------------------------------------
"$LR" kot set ACM --delivery off >/dev/null
ingest '[{"source":"lanscope","account":"taro","host":"PC-01","op":"logon","time":"2026-11-17T09:00:00+09:00"}]' >/dev/null
get '?day=2026-11-17' >/dev/null
expect_eq "with 打刻連携 off, punches say so" "1 1" \
    "$(row 1001 | grep -c 'tag muted">打刻連携オフ<') $(grep -c '打刻連携がオフのため' "$T/p.html")"

# --- English ---------------------------------------------------------------------
curl -sS -b "$T/jar" -c "$T/jar" -o /dev/null "$URL/lang" -d "csrf=$(form_csrf "$T/jar" /daily)" -d lang=en -d back=/daily
get '?day=2026-11-16' >/dev/null
expect_eq "English words" "1 1" "$(row 1001 | grep -c '<b>Clock-in</b> 09:00') $(row 9000 | grep -c 'The employee is not linked to KING OF TIME yet.')"
expect_eq "no Japanese text in the English page but data" 0 \
    "$(sed 's/勤怠\|太郎\|花子\|夜勤\|未\|同期\|本社\|夜\|勤\|日本語//g' "$T/p.html" | grep -cP '[\x{3040}-\x{30ff}\x{4e00}-\x{9fff}]' || true)"
finish

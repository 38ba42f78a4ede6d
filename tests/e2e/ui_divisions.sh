#!/bin/bash
# End to end: 所属設定 (divisions), where the LanScope manual (2.2) sends the
# administrator to align each division's 日付変更時間 with LanScope's
# collection start. The screen lists every division with its day change and
# a warning beside each one that differs; a change is previewed first (how
# many punches a re-derivation from a chosen date would change), applied
# only when confirmed, and audited. The CLI sets the day change of an
# existing division without --name, and `loginrec check` names what
# loginrec uses.
. "$(dirname "$0")/lib.sh"

"$LR" init >/dev/null
TOKEN=$("$LR" company add ACM "Acme 株式会社")
"$LR" company set ACM --lanscope-collect 05:00 >/dev/null
"$LR" division set ACM HQ --name 本社 --day-change 00:00 >/dev/null
"$LR" division set ACM SL --name 営業 --day-change 00:00 >/dev/null
"$LR" employee add ACM 1001 --last 勤怠 --first 太郎 --division HQ >/dev/null
"$LR" link set ACM --kind lanscope 1001 tarouk >/dev/null
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin >/dev/null

# --- the CLI: an existing division without --name; check's advice ---------
expect_eq "division set without --name keeps the name" "営業 300" \
    "$("$LR" division set ACM SL --day-change 05:00 >/dev/null && db_sql "SELECT name, day_change_min FROM divisions WHERE code = 'SL'" | tr '|\t' '  ')"
RC=0; OUT=$("$LR" division set ACM NEW --day-change 05:00 2>&1) || RC=$?
expect_eq "a new division without --name: refused, saying --name" "1 1" "$RC $(grep -c -- '--name' <<<"$OUT")"
OUT=$("$LR" check ACM || true)
expect_eq "check names HQ and what loginrec uses (所属設定, division set), not KING OF TIME" "1 1 0" \
    "$(grep -c 'division HQ' <<<"$OUT") $(grep -c "所属設定.*loginrec division set ACM HQ --day-change 05:00" <<<"$OUT") $(grep -c 'in KING OF TIME' <<<"$OUT")"

# a night: 11-16 09:00-18:00 and 11-17 03:00-04:00. With the day changing
# at 00:00 that is two work days; at 05:00 the night belongs to the 16th.
start_server --no-kot --malion-interval 0
curl -sS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$URL/api/v1/ingest" --data-binary '[
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logon","time":"2026-11-16T09:00:00+09:00"},
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logoff","time":"2026-11-16T18:00:00+09:00"},
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logon","time":"2026-11-17T03:00:00+09:00"},
 {"source":"lanscope","account":"tarouk","host":"PC-01","op":"logoff","time":"2026-11-17T04:00:00+09:00"}]'
PUNCHES=$("$LR" punches ACM --from 2026-11-16 --to 2026-11-17 | tail -n +2)
expect_eq "at 00:00: two work days" 4 "$(wc -l <<<"$PUNCHES")"

ui_sign_in "$T/jar" ACM admin 'correct horse battery' >/dev/null
CSRF=$(form_csrf "$T/jar" /divisions)
curl -sS -b "$T/jar" -o "$T/d.html" "$URL/divisions"
expect_eq "the screen lists each division with its 日付変更時間" "1 1" \
    "$(grep -c '<td>HQ</td><td>本社</td><td>00:00</td>' "$T/d.html") $(grep -c '<td>SL</td><td>営業</td><td>05:00</td>' "$T/d.html")"
expect_eq "the warning sits beside HQ only" "1 0" \
    "$(grep -o '<tr[^>]*data-division="HQ".*</tr>' "$T/d.html" | grep -c 'LanScope の収集開始（05:00）と違います') $(grep -o '<tr[^>]*data-division="SL".*</tr>' "$T/d.html" | grep -c '収集開始（05:00）と違います')"

# --- a change is previewed first: nothing changes ------------------------
code=$(curl -sS -b "$T/jar" -o "$T/p.html" -w '%{http_code}' "$URL/divisions/save" -d "csrf=$CSRF" \
    -d code=HQ -d day_change=05:00 -d from=2026-11-16)
expect_eq "the preview says how many punches would change" "200 1" \
    "$code $(grep -c '打刻 3 件が変わります（追加 0・置き換え 1・取り消し 2）' "$T/p.html")"
expect_eq "and nothing changed yet" "0 4" \
    "$(db_sql "SELECT day_change_min FROM divisions WHERE code = 'HQ'") $("$LR" punches ACM --from 2026-11-16 --to 2026-11-17 | tail -n +2 | wc -l)"
expect_eq "its [変更する] carries what was previewed" 1 \
    "$(grep -c 'name="confirm" value="1"' "$T/p.html")"

# --- confirmed: stored, re-derived, audited --------------------------------
code=$(curl -sS -b "$T/jar" -o "$T/s.html" -w '%{http_code}' "$URL/divisions/save" -d "csrf=$CSRF" \
    -d code=HQ -d day_change=05:00 -d from=2026-11-16 -d confirm=1)
expect_eq "[変更する]: saved, the result in words" "200 1" \
    "$code $(grep -c '本社 の日付変更時間を 00:00 から 05:00 に変更しました' "$T/s.html")"
expect_eq "the night now belongs to the 16th" "2026-11-16,clock_in,2026-11-16T09:00:00+09:00 2026-11-16,clock_out,2026-11-17T04:00:00+09:00" \
    "$("$LR" punches ACM --from 2026-11-16 --to 2026-11-17 | tail -n +2 | cut -d, -f2- | paste -sd ' ')"
expect_eq "audited with the administrator's login" 1 \
    "$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'division.day_change' AND actor = 'ui:admin'")"
curl -sS -b "$T/jar" -o "$T/d2.html" "$URL/divisions"
expect_eq "HQ aligned: no warning left" 0 "$(grep -c '収集開始（05:00）と違います' "$T/d2.html")"

# --- without a date: only the boundary, said so ---------------------------
code=$(curl -sS -b "$T/jar" -o "$T/n.html" -w '%{http_code}' "$URL/divisions/save" -d "csrf=$CSRF" \
    -d code=SL -d day_change=04:00 -d from=)
expect_eq "no date: the preview says past days stay as they are" "200 1" \
    "$code $(grep -c '過去の勤務日は再計算しません' "$T/n.html")"
code=$(curl -sS -b "$T/jar" -o /dev/null -w '%{http_code}' "$URL/divisions/save" -d "csrf=$CSRF" \
    -d code=SL -d day_change=25:00 -d from= -d confirm=1)
expect_eq "a bad time: 422, nothing stored" "422 300" "$code $(db_sql "SELECT day_change_min FROM divisions WHERE code = 'SL'")"

# --- the CLI's preview and re-derivation ---------------------------------
OUT=$("$LR" division set ACM HQ --day-change 00:00 --rederive-from 2026-11-16 --dry-run)
expect_eq "CLI --dry-run: what a move back to 00:00 would change, nothing changed" "1 300" \
    "$(grep -c 'day change 05:00 -> 00:00 (dry run: nothing changed); 1 employees.* 2 punches added, 1 replaced, 0 retracted' <<<"$OUT") $(db_sql "SELECT day_change_min FROM divisions WHERE code = 'HQ'")"
finish

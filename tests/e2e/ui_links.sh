#!/bin/bash
# End to end: 連携設定 as an administrator uses it, over real HTTP with the
# browser's multipart upload: [CSV データ保存] (CP932, CRLF), an edit made
# the way Notepad saves it, [送信] (the check: old → new, nothing written),
# [実行] (N件のアカウントを更新, waiting events punched), a broken file
# refused with its lines and columns, and a checked file that belongs to
# someone else, or has expired, refused.
. "$(dirname "$0")/lib.sh"

"$LR" init >/dev/null
TOKEN=$("$LR" company add ACM "Acme 株式会社")
"$LR" company add BBB "Beta" >/dev/null
"$LR" employee add ACM 0012 --last 勤怠 --first 花子 >/dev/null
"$LR" employee add ACM 1000 --last 勤怠 --first 太郎 >/dev/null
"$LR" link set ACM --kind lanscope 1000 tarouk >/dev/null
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin >/dev/null
echo 'another horse battery' | "$LR" user add ACM clerk --password-stdin >/dev/null
start_server --no-kot --malion-interval 0

ui_sign_in "$T/jar" ACM admin 'correct horse battery' >/dev/null
ui_sign_in "$T/jar2" ACM clerk 'another horse battery' >/dev/null
expect_eq "the login takes the company ID in any case" 303 \
    "$(ui_sign_in "$T/jar3" acm admin 'correct horse battery')"
CSRF=$(form_csrf "$T/jar" /links)
CSRF2=$(form_csrf "$T/jar2" /links)

# events of hanako's PC wait, unlinked
curl -sS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$URL/api/v1/ingest" \
    --data-binary '[{"source":"lanscope","account":"hanakok","host":"PC-02","op":"logon","time":"2026-11-16T09:01:00+09:00"},
                    {"source":"lanscope","account":"hanakok","host":"PC-02","op":"logoff","time":"2026-11-16T18:30:00+09:00"}]'

page=$(curl -sS -b "$T/jar" "$URL/links")
expect_eq "the page has both buttons of the manual" "1 1" \
    "$(grep -c '<h2>CSV データ保存</h2>' <<<"$page") $(grep -c '<h2>CSV データ入力</h2>' <<<"$page")"

# --- [CSV データ保存] ----------------------------------------------------------
curl -sS -b "$T/jar" -D "$T/h" -o "$T/links.csv" "$URL/links/download?kind=lanscope&encoding=cp932"
expect_eq "the download is named and CP932 with CRLF" "attachment; filename=\"links-ACM-lanscope.csv\" 3" \
    "$(sed -n 's/^Content-Disposition: //Ip' "$T/h" | tr -d '\r') $(grep -c $'\r$' "$T/links.csv")"
expect_eq "it is the same file the API gives" "$(curl -sS -H "Authorization: Bearer $TOKEN" "$URL/api/v1/links.csv?kind=lanscope" | md5sum)" \
    "$(md5sum < "$T/links.csv")"

# --- an edit, as Notepad saves it, then [送信] --------------------------------
python3 - "$T/links.csv" "$T/edited.csv" <<'PY'
import sys
t = open(sys.argv[1], "rb").read().decode("cp932")
open(sys.argv[2], "wb").write(t.replace('"勤怠 花子","0012"', '"勤怠 花子","CORP\\hanakok"').encode("cp932"))
PY
code=$(curl -sS -b "$T/jar" -o "$T/check.html" -w '%{http_code}' "$URL/links/upload" -F "csrf=$CSRF" -F "file=@$T/edited.csv;type=text/csv")
expect_eq "[送信] checks the file (200)" 200 "$code"
expect_eq "it shows old → new for the row, the kind by its label" "<tr><td>2</td><td>LanScope連携</td><td>0012</td><td>勤怠 花子</td><td>（なし）</td><td>hanakok</td></tr>" \
    "$(grep -o "<tr><td>2</td>.*</tr>" "$T/check.html")"
expect_eq "and says what would happen" 1 "$(grep -c '1件のアカウントを更新します' "$T/check.html")"
expect_eq "nothing is written yet" 1 "$(db_sql "SELECT count(*) FROM links")"
UPLOAD=$(sed -n 's/.*name="upload" value="\([^"]*\)".*/\1/p' "$T/check.html")
expect_eq "an [実行] button carries the checked file's id" 32 "${#UPLOAD}"

# --- someone else's checked file, or a made-up one, is refused ----------------
expect_eq "another administrator cannot apply it" 410 \
    "$(curl -sS -b "$T/jar2" -o /dev/null -w '%{http_code}' "$URL/links/apply" -d "csrf=$CSRF2" -d "upload=$UPLOAD")"
expect_eq "a made-up id is refused" 410 \
    "$(curl -sS -b "$T/jar" -o /dev/null -w '%{http_code}' "$URL/links/apply" -d "csrf=$CSRF" -d upload=nope)"

# --- [実行] -------------------------------------------------------------------
code=$(curl -sS -b "$T/jar" -o "$T/done.html" -w '%{http_code}' "$URL/links/apply" -d "csrf=$CSRF" -d "upload=$UPLOAD")
expect_eq "[実行] applies it: 1件のアカウントを更新" "200 1" "$code $(grep -c '>1件のアカウントを更新<' "$T/done.html")"
expect_eq "the link is stored" "hanakok" "$(db_sql "SELECT account FROM links l JOIN employees e ON e.id = l.employee_id WHERE e.code = '0012'")"
expect_eq "the waiting events became punches" 2 "$("$LR" punches ACM --from 2026-11-16 --to 2026-11-16 | grep -c '^0012,')"
# a reload after [実行] sends the form again: it says the file was applied
# already, when and by whom, and applies nothing twice
code=$(curl -sS -b "$T/jar" -o "$T/again.html" -w '%{http_code}' "$URL/links/apply" -d "csrf=$CSRF" -d "upload=$UPLOAD")
expect_eq "a reload after [実行]: already applied, when and by whom" "200 1 0" \
    "$code $(grep -cE 'edited.csv は 20[0-9]{2}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2} に admin が実行済みです' "$T/again.html") $(grep -c '有効期限' "$T/again.html")"
expect_eq "the checked file is used once" 1 \
    "$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'links.import'")"
expect_eq "audited with the administrator's login" 1 \
    "$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'links.import' AND actor = 'ui:admin'")"

# --- a broken file: every problem with its line, nothing to apply -------------
printf '連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\r\nLanScope連携,2,12,x,tarouk2\r\nLanScope連携,3,1000,y,z\r\n' |
    iconv -f UTF-8 -t CP932 > "$T/bad.csv"
code=$(curl -sS -b "$T/jar" -o "$T/bad.html" -w '%{http_code}' "$URL/links/upload" -F "csrf=$CSRF" -F "file=@$T/bad.csv")
expect_eq "a broken file: 422, no [実行]" "422 0" "$code $(grep -c 'name="upload"' "$T/bad.html" || true)"
expect_eq "each problem with its line and the field as people count it (issue 19)" \
    "2 3列目（打刻先アカウント） 3 2列目（種別コード）" \
    "$(grep -o '<tr><td>[0-9]*</td><td>[^<]*</td><td>' "$T/bad.html" | sed 's/<tr><td>\([0-9]*\)<\/td><td>\([^<]*\)<.*/\1 \2/' | paste -sd ' ')"
# a file in an encoding we do not read: said in Japanese, with the fix
printf '連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\r\n' | iconv -f UTF-8 -t EUC-JP > "$T/euc.csv"
printf '連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\r\n' | iconv -f UTF-8 -t UTF-16 > "$T/u16.csv"
for f in euc u16; do
    curl -sS -b "$T/jar" -o "$T/$f.html" "$URL/links/upload" -F "csrf=$CSRF" -F "file=@$T/$f.csv"
done
expect_eq "EUC-JP: named, and how to fix it, in Japanese" 1 \
    "$(grep -c 'ファイルの文字コードが EUC-JP です。.*UTF-8」にして保存し直すか' "$T/euc.html")"
expect_eq "UTF-16: named as Notepad's Unicode, in Japanese" 1 \
    "$(grep -c 'UTF-16（メモ帳の「Unicode」）で保存されています' "$T/u16.html")"
expect_eq "and no English sentence on either page" 0 \
    "$(cat "$T/euc.html" "$T/u16.html" | grep -ciE 'the file|save it|neither' || true)"
expect_eq "the Excel-stripped zero is named" 1 "$(grep -c '0012' "$T/bad.html")"
code=$(curl -sS -b "$T/jar" -o "$T/none.html" -w '%{http_code}' "$URL/links/upload" -F "csrf=$CSRF" -F "file=@/dev/null;filename=")
expect_eq "no file chosen: said so" "400 1" "$code $(grep -c 'ファイルを選んでから送信してください' "$T/none.html")"
finish

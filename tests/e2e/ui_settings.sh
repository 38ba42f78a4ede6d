#!/bin/bash
# End to end: 企業情報 (company settings) as an administrator uses it, over
# real HTTP: read-only until 編集, every mistake shown next to its field in
# the page's language with nothing saved, a valid form saved through the
# same services as the CLI, credentials never echoed back (nor logged, nor
# stored in clear), and each credential cleared on its own (🗑).
. "$(dirname "$0")/lib.sh"
# the connection test reads KING OF TIME: outside its restricted hours
export LOGINREC_TIME_OFFSET_S=$(jst_offset 11:00)

"$LR" init >/dev/null
"$LR" company add ACM "Acme <株式会社>" >/dev/null
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin >/dev/null
start_server --no-kot --malion-interval 0
KOT_SECRET='KoTtokenXYZ12345'
MAL_SECRET='MaLsecret-7788'

ui_sign_in "$T/jar" ACM admin 'correct horse battery' >/dev/null
CSRF=$(form_csrf "$T/jar" /settings/edit)
page() { curl -sS -b "$T/jar" "$@"; }
save() { curl -sS -b "$T/jar" -o "$T/page.html" -w '%{http_code}' "$URL/settings" --data-urlencode "csrf=$CSRF" "$@"; }
GOOD=(--data-urlencode 'name=Acme 株式会社' -d kot_url=https://api.kingtime.jp/v1.0 -d delivery=on
      -d breaks=on -d collect=05:00)
NO_CREDENTIALS=(-d malion_enabled=off -d malion_host= -d malion_admin= -d malion_secret= -d kot_token=)

view=$(page "$URL/settings")
expect_eq "/ leads to the settings" "$URL/settings" "$(curl -sS -o /dev/null -w '%{redirect_url}' -b "$T/jar" "$URL/")"
expect_eq "read-only until 編集: no form fields" "0 1" \
    "$(grep -c '<input id=' <<<"$view" || true) $(grep -c 'href="/settings/edit"' <<<"$view")"
expect_eq "the company name is escaped, not markup" 1 "$(grep -c '<dd>Acme &lt;株式会社&gt;</dd>' <<<"$view")"
expect_eq "SmartOn ID連携 says honestly it is not available" 1 "$(grep -c 'このバージョンでは未対応です' <<<"$view")"

# --- every mistake next to its field, nothing saved -------------------------
code=$(save --data-urlencode 'name=' -d kot_url=ftp://kot -d kot_token='has space' -d delivery=on -d breaks=off \
       -d collect=25:00 -d malion_enabled=on -d malion_host=https://mal/path -d malion_admin= -d malion_secret=)
expect_eq "a form with mistakes: 422" 422 "$code"
expect_eq "each mistake is marked at its field" "name kot_url kot_token collect malion_host" \
    "$(grep -o 'id="[a-z_]*"[^>]*aria-invalid="true"' "$T/page.html" | sed 's/id="\([a-z_]*\)".*/\1/' | paste -sd ' ')"
expect_eq "turning MaLion on without its codes is refused in words" 1 \
    "$(grep -c 'ホスト名・管理者コード・シークレットコードをすべて設定してから有効にしてください。' "$T/page.html")"
expect_eq "what was typed is shown again (but never a secret)" "1 0" \
    "$(grep -c 'value="ftp://kot"' "$T/page.html") $(grep -c 'has space' "$T/page.html" || true)"
expect_eq "the typed secret field says plainly it must be typed again (issue 19)" 1 \
    "$(grep -c '安全のため、入力された値は画面に残していません。もう一度入力してください。' "$T/page.html")"
expect_eq "nothing was saved" "0 https://api.kingtime.jp/v1.0" \
    "$(db_sql "SELECT punch_delivery || ' ' || kot_base_url FROM companies WHERE code='ACM'")"
curl -sS -b "$T/jar" -o /dev/null -X POST "$URL/lang" -d "csrf=$CSRF" -d lang=en -d back=/settings
save --data-urlencode 'name=' "${GOOD[@]:2}" "${NO_CREDENTIALS[@]}" >/dev/null
expect_eq "in English the same mistake reads in English" 1 \
    "$(grep -c 'The company name must be 1 to 255 characters.' "$T/page.html")"
curl -sS -b "$T/jar" -o /dev/null -X POST "$URL/lang" -d "csrf=$CSRF" -d lang=ja -d back=/settings

# --- a valid form is saved ---------------------------------------------------
code=$(save "${GOOD[@]}" -d kot_token="$KOT_SECRET" -d malion_enabled=on -d malion_host=malioncloud1234.intercom.co.jp \
       -d malion_admin=ADM1 -d malion_secret="$MAL_SECRET")
expect_eq "saved (200, 保存しました。)" "200 1" "$code $(grep -c '保存しました。' "$T/page.html")"
expect_eq "the settings are in the store" "Acme 株式会社|1|1|1|malioncloud1234.intercom.co.jp|ADM1" \
    "$(db_sql "SELECT name, punch_delivery, break_punches, malion_enabled, malion_host, malion_admin_code FROM companies WHERE code='ACM'")"
expect_eq "credentials show as 設定済み, never their value" "2 0 0" \
    "$(page "$URL/settings" | grep -c '<dd>設定済み</dd>') $(page "$URL/settings/edit" | grep -c -e "$KOT_SECRET" -e "$MAL_SECRET" || true) $(grep -c -e "$KOT_SECRET" "$T/page.html" || true)"
expect_eq "the change is audited with the administrator's login" 3 \
    "$(db_sql "SELECT count(*) FROM audit_log WHERE actor = 'ui:admin' AND action IN ('company.set', 'kot.set', 'malion.set')")"
for s in "$KOT_SECRET" "$MAL_SECRET"; do
    expect_eq "${s:0:6}… is not in the database file or the log in clear" 0 \
        "$(cat $(db_files) "$T/server.log" | grep -a -c -F "$s" || true)"
done

# --- 🗑 asks first, saying what goes with it; each credential on its own ----
clear() { curl -sS -b "$T/jar" -o "$T/page.html" -w '%{http_code}' "$URL/settings/clear" -d "csrf=$CSRF" "$@"; }
expect_eq "the 🗑 buttons are words (an emoji alone is a box without an emoji font)" 1 \
    "$(page "$URL/settings/edit" | grep -c '<button type="submit">削除: MaLion連携 管理者コード</button>')"
code=$(clear -d field=malion_admin)
expect_eq "🗑 管理者コード asks first and says MaLion連携 goes off; nothing removed yet" "200 1 1 ADM1|1" \
    "$code $(grep -c '次の設定を削除しますか？' "$T/page.html") $(grep -c 'MaLion連携（ログの取得）はオフになります' "$T/page.html") $(db_sql "SELECT malion_admin_code, malion_enabled FROM companies")"
code=$(clear -d field=malion_secret -d confirm=1)
expect_eq "[削除する] シークレットコード: removed alone, MaLion連携 off, said so" "200 1 1 ADM1|0" \
    "$code $(grep -c 'MaLion連携（ログの取得）はオフにしました' "$T/page.html") $(page "$URL/settings" | grep -c '<dt>シークレットコード</dt><dd>未設定</dd>') $(db_sql "SELECT malion_admin_code, malion_enabled FROM companies")"
code=$(clear -d field=kot_token)
expect_eq "🗑 the KoT token says punches stop going to KING OF TIME" "200 1 1" \
    "$code $(grep -c '勤革時への打刻の送信と従業員の連携ができなくなります' "$T/page.html") $(db_sql "SELECT count(*) FROM company_secrets WHERE name = 'kot_token'")"
code=$(clear -d field=kot_token -d confirm=1)
expect_eq "[削除する] the KoT token" "200 0" \
    "$code $(db_sql "SELECT count(*) FROM company_secrets WHERE name = 'kot_token'")"
expect_eq "an unknown field to clear is refused" 400 \
    "$(curl -sS -b "$T/jar" -o /dev/null -w '%{http_code}' "$URL/settings/clear" -d "csrf=$CSRF" -d field=name)"

# --- 接続テスト: what kot sync --dry-run and malion test do, in words ----------
SIMTOKEN=settings-sim-token
start_sim "$SIMTOKEN"
sim PUT /_sim/divisions '[{"code":"HQ","name":"本社"}]' >/dev/null
sim PUT /_sim/employees '[
 {"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k2","code":"1002","lastName":"勤怠","firstName":"花子","divisionCode":"HQ","divisionName":"本社"}]' >/dev/null
echo "$SIMTOKEN" | "$LR" kot set ACM --base-url "$SIM" --token - >/dev/null
test_conn() { curl -sS -b "$T/jar" -o "$T/page.html" -w '%{http_code}' "$URL/settings/test" -d "csrf=$CSRF" -d "target=$1"; }
expect_eq "KING OF TIME: connected, the employees counted, what a sync would do" "200 1" \
    "$(test_conn kot) $(grep -c '勤革時に接続できました。従業員 2 人（いま連携すると 追加 2・更新 0・削除 0・復帰 0）' "$T/page.html")"
expect_eq "and nothing was changed (no employee, no sync recorded)" "0 0" \
    "$(db_sql "SELECT count(*) FROM employees") $(db_sql "SELECT count(*) FROM audit_log WHERE action = 'kot.sync'")"
echo wrong-token | "$LR" kot set ACM --token - >/dev/null
expect_eq "a token KoT refuses: said in words, the detail folded" "200 1 1" \
    "$(test_conn kot) $(grep -c '認証に失敗しました' "$T/page.html") $(grep -c '<details><summary>技術的な詳細（英語）</summary>' "$T/page.html")"
start_malion A ADM1 "$MAL_SECRET"
printf '%s\n' "$MAL_SECRET" | "$LR" malion set ACM --host "$MAL_A" --secret-code - >/dev/null
expect_eq "MaLion: signed in with the saved codes" "200 1" \
    "$(test_conn malion) $(grep -c 'MaLion に接続できました。管理者コードとシークレットコードは受け付けられました。' "$T/page.html")"
printf 'wrong-secret-1\n' | "$LR" malion set ACM --secret-code - >/dev/null
expect_eq "a wrong secret code: said in words" "200 1" \
    "$(test_conn malion) $(grep -c '認証に失敗しました' "$T/page.html")"
finish

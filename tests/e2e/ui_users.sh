#!/bin/bash
# End to end: ユーザー設定 over real HTTP against the KING OF TIME
# simulator: an honest empty list, [連携実行] bringing the employees in
# with its counts, links shown per integration, employees deleted in KoT
# shown apart, and a sync without a token, in KoT's restricted hours or
# under its maintenance told in words.
. "$(dirname "$0")/lib.sh"
SIMTOKEN=ui-users-token
start_sim "$SIMTOKEN"

"$LR" init >/dev/null
"$LR" company add ACM "Acme" >/dev/null
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin >/dev/null
start_server --no-kot --malion-interval 0
ui_sign_in "$T/jar" ACM admin 'correct horse battery' >/dev/null
page() { curl -sS -b "$T/jar" "$URL/users"; }
CSRF=$(form_csrf "$T/jar" /users)
sync() { curl -sS -b "$T/jar" -o "$T/sync.html" -w '%{http_code}' "$URL/users/sync" -d "csrf=$CSRF"; }

p=$(page)
expect_eq "an honest empty state, and no token yet" "1 1 1" \
    "$(grep -c '従業員がいません' <<<"$p") $(grep -c '勤革時のアクセストークンが未設定です' <<<"$p") $(grep -c 'class="primary" disabled' <<<"$p")"
expect_eq "a sync without a token is refused in words of the page's language" "409 1 0" \
    "$(sync) $(grep -c '連携できませんでした。 設定が足りないため実行できませんでした' "$T/sync.html") $(grep -c 'no KING OF TIME token' "$T/sync.html" || true)"

sim PUT /_sim/divisions '[{"code":"HQ","name":"本社"},{"code":"DEV","name":"開発"}]' >/dev/null
sim PUT /_sim/employees '[
 {"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k2","code":"1002","lastName":"勤怠","firstName":"花子","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k3","code":"1003","lastName":"山田","firstName":"一郎","divisionCode":"DEV","divisionName":"開発"}]' >/dev/null
echo "$SIMTOKEN" | "$LR" kot set ACM --base-url "$SIM" --token - >/dev/null
expect_eq "[連携実行] brings the employees in, with its counts" "200 1" \
    "$(sync) $(grep -c '連携しました。 追加 3・更新 0・削除 0・復帰 0・変更なし 0' "$T/sync.html")"
expect_eq "the last sync's counts in Japanese, not '3 added, 0 updated' (issue 19)" "1 0" \
    "$(grep -c '— 追加 3・更新 0・削除 0・復帰 0</p>' "$T/sync.html") $(grep -c 'added' "$T/sync.html" || true)"
expect_eq "the last sync as people read it (2026/12/02 09:59), not ISO" "1 0" \
    "$(grep -cE '>[^<]*: 20[0-9]{2}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}' "$T/sync.html") $(grep -cE '20[0-9-]{8}T[0-9:]{8}' "$T/sync.html" || true)"
"$LR" link set ACM --kind lanscope 1003 yamada >/dev/null
"$LR" link set ACM --kind malion 1003 'CORP\yamada' >/dev/null
"$LR" link set ACM --kind windows 1003 yamada.i >/dev/null
"$LR" link set ACM --kind linux 1003 iyamada >/dev/null
p=$(page)
expect_eq "a column per link kind: the manuals' three, then Windows and Linux (issue 21)" \
    "LanScope連携 MaLion連携 SmartOn ID連携 Windows連携 Linux連携" \
    "$(grep -o '<th>[^<]*連携</th>' <<<"$p" | sed 's/<[^>]*>//g' | head -5 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "each employee with division and PC user names, each with [解除]" "1003|山田 一郎|開発|yamada 解除|yamada 解除||yamada.i 解除|iyamada 解除" \
    "$(grep -o '<tr><td>1003</td>.*</tr>' <<<"$p" | python3 -c 'import re,sys; print("|".join(" ".join(re.sub("<[^>]*>", " ", c).split()) for c in sys.stdin.read().strip()[8:-10].split("</td><td>")))')"

# --- [解除] asks first, then removes that one link (issue 19) ---------------
CSRF=$(form_csrf "$T/jar" /users)
unlink() { curl -sS -b "$T/jar" -o "$T/unlink.html" -w '%{http_code}' "$URL/users/unlink" -d "csrf=$CSRF" -d employee=1003 "$@"; }
expect_eq "[解除] asks first, saying what goes with it; nothing removed yet" "200 1 1 4" \
    "$(unlink -d kind=malion) $(grep -c '紐づけを解除しますか？ 1003 — MaLion連携' "$T/unlink.html") $(grep -c 'すでに作られた打刻は取り消され' "$T/unlink.html") $(db_sql "SELECT count(*) FROM links")"
expect_eq "[解除する] removes the MaLion link alone, says so, audited as the administrator" "200 1 3 1" \
    "$(unlink -d kind=malion -d confirm=1) $(grep -c '1003 の MaLion連携（yamada）の紐づけを解除しました。' "$T/unlink.html") $(db_sql "SELECT count(*) FROM links") $(db_sql "SELECT count(*) FROM audit_log WHERE action = 'link.delete' AND actor = 'ui:admin'")"
expect_eq "a link that is not there: said in words" "404 1" \
    "$(unlink -d kind=malion -d confirm=1) $(grep -c 'この従業員には、その連携の紐づけがありません。' "$T/unlink.html")"
expect_eq "an unknown kind is refused" 400 "$(unlink -d kind=nope -d confirm=1)"
expect_eq "a Windows link has its [解除] too, named as its column is" "200 1" \
    "$(unlink -d kind=windows) $(grep -c '紐づけを解除しますか？ 1003 — Windows連携' "$T/unlink.html")"
expect_eq "[解除する] removes it alone" "200 1 0" \
    "$(unlink -d kind=windows -d confirm=1) $(db_sql "SELECT count(*) FROM links WHERE kind = 5") $(db_sql "SELECT count(*) FROM links WHERE kind = 4")"
# all five kinds: the Linux link, read fifth, is found (it was not: four links read)
"$LR" link set ACM --kind windows 1003 yamada.i >/dev/null
"$LR" link set ACM --kind smarton 1003 yamada.s >/dev/null
"$LR" link set ACM --kind malion 1003 'CORP\yamada' >/dev/null
expect_eq "an employee linked by all five kinds: the Linux link is removed alone" "200 1 0 4" \
    "$(unlink -d kind=linux -d confirm=1) $(grep -c '1003 の Linux連携（iyamada）の紐づけを解除しました。' "$T/unlink.html") $(db_sql "SELECT count(*) FROM links WHERE kind = 5") $(db_sql "SELECT count(*) FROM links WHERE employee_id = (SELECT id FROM employees WHERE code = '1003')")"
"$LR" link set ACM --kind malion 1003 'CORP\yamada' >/dev/null
expect_eq "three employees, none deleted" "1 0" \
    "$(grep -c '在籍中の従業員 (3 人)' <<<"$p") $(grep -c '削除済みの従業員' <<<"$p" || true)"

sim PUT /_sim/employees '[
 {"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k2","code":"1002","lastName":"勤怠","firstName":"花子","divisionCode":"HQ","divisionName":"本社"}]' >/dev/null
expect_eq "an employee gone from KoT is deleted" "200 1" \
    "$(sync) $(grep -c '追加 0・更新 0・削除 1・復帰 0・変更なし 2' "$T/sync.html")"
p=$(page)
expect_eq "and shown apart, links kept" "1 1" \
    "$(grep -c '削除済みの従業員 (1 人)' <<<"$p") $(sed -n '/class="deleted"/,/<\/table>/p' <<<"$p" | grep -c '<td>1003</td><td>山田 一郎</td><td>開発</td><td>yamada</td>')"
expect_eq "the last sync is shown" 1 "$(grep -c '前回の連携: 20' <<<"$p")"

# KoT's restricted hours: loginrecd (and the simulator) at 09:00 JST
stop_server
export LOGINREC_TIME_OFFSET_S=$(jst_offset 09:00)
sim POST /_sim/clock "{\"offset_s\": $LOGINREC_TIME_OFFSET_S}" >/dev/null
start_server --no-kot --malion-interval 0
before=$(json_get "$(sim GET /_sim/stats)" 'j.get("requests",0) + j.get("restricted",0)')
expect_eq "at 09:00 JST (restricted hours) the sync is not tried, and says why in words" "503 1 1" \
    "$(sync) $(grep -c '連携できませんでした。' "$T/sync.html") $(grep -c '打刻制限時間帯 8:30〜10:00・17:30〜18:30' "$T/sync.html")"
expect_eq "KoT was not called" "$before" \
    "$(json_get "$(sim GET /_sim/stats)" 'j.get("requests",0) + j.get("restricted",0)')"
# KoT's maintenance (503 to everything) at 11:00
stop_server
export LOGINREC_TIME_OFFSET_S=$(jst_offset 11:00)
sim POST /_sim/clock "{\"offset_s\": $LOGINREC_TIME_OFFSET_S}" >/dev/null
sim POST /_sim/maintenance '{"on":true}' >/dev/null
start_server --no-kot --malion-interval 0
expect_eq "KoT under maintenance: the sync fails in words, to be tried later" "503 1" \
    "$(sync) $(grep -c 'メンテナンス中' "$T/sync.html")"
# a token KoT refuses: the last sync's failure in words, the detail folded
sim POST /_sim/maintenance '{"on":false}' >/dev/null
echo wrong-token | "$LR" kot set ACM --token - >/dev/null
expect_eq "a refused token: said in Japanese" "502 1" \
    "$(sync) $(grep -c '連携できませんでした。 認証に失敗しました' "$T/sync.html")"
expect_eq "and the last result is that failure, in words, its detail folded" "1 1" \
    "$(page | grep -c '<div class="problem" role="alert"><p>連携できませんでした。 認証に失敗しました') $(page | grep -c '<details><summary>技術的な詳細（英語）</summary>')"
finish

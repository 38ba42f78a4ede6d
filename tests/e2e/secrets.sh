#!/bin/bash
# End to end: no secret is ever shown, logged, stored in clear or handed to
# another company. Two companies get every kind of secret loginrec keeps —
# the API tokens, the LanScope agent token, KING OF TIME tokens (one set on
# the command line, one in the admin UI), MaLion secret codes, the
# administrators' passwords, the SMTP password of 乖離's mail — and each is
# used for real (the SMTP password: a mail refused by a server that offers
# no STARTTLS, so it never leaves) (KoT sync against
# the simulator, a MaLion sign-in against its simulator, an agent upload).
# Then every route `loginrecd --list-routes` prints is fetched as each
# company, with and without credentials, with headers, plus the CLI's
# reports, and all of it, loginrecd's log and the database files are
# searched for each raw secret.
. "$(dirname "$0")/lib.sh"

SIMPY_MALION="$(dirname "$0")/../sim/malion/malion_sim.py"
KOT_A='kotA-7Qx9Lm2Vw4Rt8Zp1'
KOT_B='kotB-3Hn6Js0Kd5Fy2Wc9'
MAL_A='malA-S3cr3t-84jd72hs'
MAL_B='malB-S3cr3t-19dk40zm'
PW_A='pwA horse staple 4417'
PW_B='pwB battery lamp 9023'
SMTP_PW='smtpPW-Kx93-ld02-qq71'

"$LR" init >/dev/null
API_A=$("$LR" company add ACM "Acme 株式会社")
API_B=$("$LR" company add BBB "Beta 株式会社")
LS_A=$("$LR" company token ACM --lanscope | tail -1)
printf '%s\n' "$PW_A" | "$LR" user add ACM admin --password-stdin >/dev/null
printf '%s\n' "$PW_B" | "$LR" user add BBB boss --password-stdin >/dev/null

# KING OF TIME: A's token from the command line, used by a sync
start_sim "$KOT_A"
sim PUT /_sim/employees '[{"key":"k1","code":"1000","lastName":"勤怠","firstName":"太郎"}]' >/dev/null
printf '%s\n' "$KOT_A" | "$LR" kot set ACM --base-url "$SIM" --token - --delivery on >/dev/null
"$LR" kot sync ACM > "$T/cli-kot-sync.txt" 2>&1
"$LR" link set ACM --kind lanscope 1000 taro >/dev/null

# MaLion: A's secret code signs in to its simulator; B's is wrong on purpose
python3 "$SIMPY_MALION" --admin-code ADM1 --secret-code "$MAL_A" --max-seconds 300 >"$T/malion.log" 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
wait_for 10 grep -q '^listening on' "$T/malion.log" || { echo "MaLion simulator did not start"; exit 1; }
MAL_HOST=$(sed -n 's#^listening on http://##p' "$T/malion.log")
printf '%s\n' "$MAL_A" | "$LR" malion set ACM --host "$MAL_HOST" --admin-code ADM1 --secret-code - --enabled on >/dev/null
"$LR" malion test ACM > "$T/cli-malion-test.txt" 2>&1 || true
printf '%s\n' "$MAL_B" | "$LR" malion set BBB --host "$MAL_HOST" --admin-code ADM2 --secret-code - --enabled on >/dev/null
"$LR" malion test BBB > "$T/cli-malion-test-b.txt" 2>&1 || true

# 乖離's summary mail: the SMTP password, sealed; a server without
# STARTTLS is refused it
/usr/bin/python3 "$(dirname "$0")/../sim/smtp_sink.py" "$T/mail" --user mailer --password "$SMTP_PW" \
    --max-seconds 300 > "$T/smtp.log" 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
wait_for 10 grep -q '^listening on' "$T/smtp.log" || { echo "SMTP server did not start"; exit 1; }
printf '%s\n' "$SMTP_PW" | "$LR" mail set --smtp-url "$(sed -n 's/^listening on //p' "$T/smtp.log")" \
    --from loginrec@example.jp --user mailer --password - > "$T/cli-mail-set.txt" 2>&1
"$LR" divergence mail ACM --to hr@example.jp >/dev/null
db_sql "INSERT INTO divergences (company_id, employee_id, work_day, kind, first_seen_at, updated_at) SELECT company_id, id, '2026-11-16', 'pc_only', 1, 1 FROM employees WHERE code = '1000'"
"$LR" divergence notify ACM > "$T/cli-notify.txt" 2>&1 || true
expect_eq "the SMTP password was refused a server without STARTTLS" 1 \
    "$(grep -c 'offers no STARTTLS, and credentials never go in clear' "$T/cli-notify.txt")"

start_server --malion-interval 1 --sync-interval 0
expect_eq "A signs in" 303 "$(ui_sign_in "$T/a.jar" ACM admin "$PW_A")"
expect_eq "B signs in" 303 "$(ui_sign_in "$T/b.jar" BBB boss "$PW_B")"
PRE=$(form_csrf "$T/x.jar" /login)
expect_eq "B's password on A's login is refused (the page is searched below)" 401 \
    "$(curl -sS -i -c "$T/x.jar" -b "$T/x.jar" -o "$T/ans-login-wrong" -w '%{http_code}' "$URL/login" \
        --data-urlencode "csrf=$PRE" -d company=ACM -d login=admin --data-urlencode "password=$PW_B")"

# B's KoT token through the admin UI form
CSRF_B=$(form_csrf "$T/b.jar" /settings/edit)
expect_eq "B saves its KoT token in the admin UI" 200 \
    "$(curl -sS -b "$T/b.jar" -o "$T/ans-settings-post.html" -w '%{http_code}' "$URL/settings" \
        --data-urlencode "csrf=$CSRF_B" --data-urlencode 'name=Beta 株式会社' -d "kot_url=$SIM" \
        -d "kot_token=$KOT_B" -d delivery=off -d breaks=off -d collect=05:00 -d malion_enabled=on \
        -d "malion_host=$MAL_HOST" -d malion_admin=ADM2 -d malion_secret=)"

# the secrets at work: an agent upload with the LanScope token, events
# through the API, a punch delivered with the KoT token
printf 'イベント日時,ログオンユーザ名,ログ種類\r\n2026/11/16 09:00:00,taro,1\r\n2026/11/16 18:00:00,taro,2\r\n' |
    iconv -t CP932 > "$T/20261116.csv"
expect_eq "the agent's upload with the LanScope token" 200 \
    "$(curl -sS -o "$T/ans-upload.json" -w '%{http_code}' -H 'X-Loginrec-Company: ACM' -H "Authorization: Bearer $LS_A" \
        -H 'Content-Type: text/csv' -H 'X-Loginrec-Source: lanscope' -H 'X-Loginrec-File: 20261116.csv' \
        --data-binary @"$T/20261116.csv" "$URL/api/v1/ingest")"
expect_eq "B's API token ingests for B" 200 \
    "$(curl -sS -o "$T/ans-ingest-b.json" -w '%{http_code}' -H "Authorization: Bearer $API_B" \
        -H 'Content-Type: application/json' "$URL/api/v1/ingest" \
        --data-binary '[{"source":"generic","account":"b1","op":"logon","time":"2026-11-16T09:00:00+09:00"}]')"
expect_eq "the KoT token was used: the simulator holds A's two punches" 2 \
    "$(wait_for 20 sh -c "curl -sS '$SIM/_sim/stats' | grep -q '\"punches_held\": *2'"; curl -sS "$SIM/_sim/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["punches_held"])')"
malion_succeeded() {
    [ "$(db_sql "SELECT 1 FROM malion_state m JOIN companies c ON c.id = m.company_id WHERE c.code = 'ACM' AND m.success_at IS NOT NULL")" = 1 ]
}
expect_eq "the MaLion secret was used: A's poller signed in" yes \
    "$(wait_for 15 malion_succeeded && echo yes)"

# --- every answer -----------------------------------------------------------
"$LRD" --list-routes > "$T/routes"
n=0
fetch() { # NAME curl-args...: headers and body of one answer into $T/ans-*
    n=$((n + 1))
    curl -sS -i --max-time 30 -o "$T/ans-$n-$1" "${@:2}" || true
}
while read -r method path access _; do
    [ "$method" = GET ] || continue
    for who in a b none; do
        case "$who" in a) jar=(-b "$T/a.jar"); tok=(-H "Authorization: Bearer $API_A") ;;
                       b) jar=(-b "$T/b.jar"); tok=(-H "Authorization: Bearer $API_B") ;;
                       none) jar=(); tok=() ;; esac
        fetch "$who" "${jar[@]}" "${tok[@]}" "$URL$path"
        fetch "$who-q" "${jar[@]}" "${tok[@]}" "$URL$path?from=2026-11-01&to=2026-11-30&day=2026-11-16"
        fetch "$who-en" "${jar[@]}" "${tok[@]}" -H 'Accept-Language: en' "$URL$path"
    done
done < "$T/routes"
for form in /settings/edit /logs /daily /status /users /links /account /divergence /divergence/reasons; do
    fetch a-page -b "$T/a.jar" "$URL$form"
done
fetch a-logs -b "$T/a.jar" "$URL/logs?source=malion"
fetch a-links -H "Authorization: Bearer $API_A" "$URL/api/v1/links.csv?kind=lanscope&encoding=utf-8"
# the CLI's reports
for cmd in "malion status ACM" "malion status BBB" "outbox ACM" "outbox ACM --failed" "check ACM" \
           "events ACM" "punches ACM --from 2026-11-01 --to 2026-11-30" "links export ACM"; do
    # shellcheck disable=SC2086
    "$LR" $cmd > "$T/cli-$(echo "$cmd" | tr ' ' '_')" 2>&1 || true
done
expect_eq "answers were collected from every GET route, three ways, as each company" yes \
    "$([ "$(ls "$T" | grep -c '^ans-')" -ge $(( $(grep -c '^GET ' "$T/routes") * 9 )) ] && echo yes)"
expect_eq "the search works: A's name is in what A saw, B's in what B saw" "yes yes" \
    "$(cat "$T"/ans-*-a* | grep -q 'Acme 株式会社' && echo yes) $(cat "$T"/ans-*-b* | grep -q 'Beta 株式会社' && echo yes)"

found_in() { # SECRET FILES...: the files holding SECRET, or "none"
    local s=$1; shift
    local hits
    hits=$(grep -a -l -F -e "$s" "$@" 2>/dev/null | sed "s#$T/##" | paste -sd ' ')
    echo "${hits:-none}"
}
mapfile -t db_files < <(db_files)
for name in KOT_A KOT_B MAL_A MAL_B PW_A PW_B API_A API_B LS_A SMTP_PW; do
    s=${!name}
    expect_eq "$name is in no answer, CLI report or log" none \
        "$(found_in "$s" "$T"/ans-* "$T"/cli-* "$T/server.log")"
    expect_eq "$name is not in the database files in clear" none "$(found_in "$s" "${db_files[@]}")"
done
# A's MaLion secret and KoT token would not reach B even in part: no answer
# to B holds any 8-character piece of A's secrets
for name in KOT_A MAL_A API_A LS_A; do
    s=${!name}
    piece=${s: -8}
    expect_eq "no piece of $name in B's answers" none "$(found_in "$piece" "$T"/ans-*-b*)"
done
# with LOGINREC_LOG_FORMAT=json (e2e_secrets_json) the lines searched above
# were JSON: every one an object with its message
if [ "${LOGINREC_LOG_FORMAT:-text}" = json ]; then
    expect_eq "the log searched was JSON lines" "ok" "$(python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    if line.startswith("--- start_server"):
        continue
    o = json.loads(line); assert "message" in o and "time" in o, line; n += 1
print("ok" if n > 20 else "only %d lines" % n)' "$T/server.log" 2>&1 | tail -1)"
fi
finish

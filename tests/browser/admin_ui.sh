#!/bin/bash
# Browser test: the admin UI in headless Debian Chromium (tests/browser/
# walk.py), against a real loginrecd with the KING OF TIME simulator.
# Screenshots go to BUILD/screenshots/.
. "$(dirname "$0")/../e2e/lib.sh"
export LOGINREC_KOT_TIMEOUT_MS=500 LOGINREC_DISPATCH_POLL_MS=100
SIMTOKEN=browser-token
start_sim "$SIMTOKEN"

"$LR" init >/dev/null
TOKEN=$("$LR" company add ACM "Acme")
sim PUT /_sim/divisions '[{"code":"HQ","name":"本社"}]' >/dev/null
sim PUT /_sim/employees '[
 {"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎","divisionCode":"HQ","divisionName":"本社"},
 {"key":"k2","code":"1002","lastName":"勤怠","firstName":"花子","divisionCode":"HQ","divisionName":"本社"}]' >/dev/null
"$LR" kot set ACM --base-url "$SIM" --rate 40 >/dev/null
"$LR" employee add ACM 1001 --last 勤怠 --first 太郎 >/dev/null
"$LR" employee add ACM 1002 --last 勤怠 --first 花子 >/dev/null
"$LR" link set ACM --kind lanscope 1001 taro >/dev/null
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin >/dev/null
start_server --malion-interval 0 --divergence-fetch-at off # the records below are the fixture

curl -sS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$URL/api/v1/ingest" --data-binary '[
 {"source":"lanscope","account":"taro","host":"PC-01","op":"logon","time":"2026-11-16T08:58:00+09:00","version":"1.4.0"},
 {"source":"lanscope","account":"taro","host":"PC-01","op":"logoff","time":"2026-11-16T12:01:00+09:00","version":"1.4.0"},
 {"source":"lanscope","account":"taro","host":"PC-01","op":"logon","time":"2026-11-16T12:55:00+09:00","version":"1.4.0"},
 {"source":"lanscope","account":"taro","host":"PC-01","op":"logoff","time":"2026-11-16T18:20:00+09:00","version":"1.4.0"},
 {"source":"lanscope","account":"hanakok","host":"PC-02","op":"logon","time":"2026-11-16T09:10:00+09:00","version":"1.4.0"},
 {"source":"lanscope","account":"hanakok","host":"PC-02","op":"logoff","time":"2026-11-16T17:45:00+09:00","version":"1.4.0"},
 {"source":"generic","account":"taro","host":"PC-01","op":"file_copy","time":"2026-11-16T15:00:00+09:00"},
 {"source":"lanscope","account":"taro","host":"PC-01","op":"logon","time":"2026-11-17T22:00:00+09:00","version":"1.4.0"},
 {"source":"lanscope","account":"taro","host":"PC-01","op":"logoff","time":"2026-11-18T07:00:00+09:00","version":"1.4.0"}]'
# 1002's Windows PC (Winlogbeat's JSON): a remote logon at 09:30 JST, the
# screen locked at 18:40, then a boot with no shutdown before it (the
# session's end is read from the boot); and one name under two SIDs on
# two PCs two days ago (連携状況 names them)
"$LR" link set ACM --kind windows 1002 hanakow >/dev/null
win() { # win TIME HOST RECORD EVENT_ID DATA
    printf '{"@timestamp":"%s","winlog":{"event_id":%s,"channel":"%s","provider_name":"%s","computer_name":"%s","record_id":%s,"event_data":{%s}}}\n' \
        "$1" "$4" "$([ "$4" = 6005 ] && echo System || echo Security)" \
        "$([ "$4" = 6005 ] && echo EventLog || echo Microsoft-Windows-Security-Auditing)" "$2" "$3" "$5"
}
ago() { date -u -d "@$(( $(date +%s) - 2 * 86400 ))" +%Y-%m-%dT"$1"Z; }
{
    win 2026-11-16T00:30:00Z PC-03 101 4624 '"TargetUserName":"hanakow","TargetUserSid":"S-1-5-21-3-1002","LogonType":"10","LogonProcessName":"User32","TargetLogonId":"0x31"'
    win 2026-11-16T09:40:00Z PC-03 102 4800 '"TargetUserName":"hanakow","TargetUserSid":"S-1-5-21-3-1002","TargetLogonId":"0x31"'
    win 2026-11-16T23:00:00Z PC-03 103 6005 ''
    win "$(ago 00:00:00)" PC-04 201 4624 '"TargetUserName":"shiro","TargetUserSid":"S-1-5-21-5-1001","LogonType":"2","LogonProcessName":"User32","TargetLogonId":"0x41"'
    win "$(ago 01:00:00)" PC-05 301 4624 '"TargetUserName":"shiro","TargetUserSid":"S-1-5-21-6-1001","LogonType":"2","LogonProcessName":"User32","TargetLogonId":"0x51"'
} > "$T/pc.ndjson"
curl -sS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/x-ndjson' \
    "$URL/api/v1/ingest" --data-binary @"$T/pc.ndjson"
# 乖離: KING OF TIME's record as a read back would have kept it (IC card):
# 1001 09:00-18:00 on the 16th (the PC 08:58-18:20: 20 minutes after the
# clock-out, within the limit) and 09:00-17:30 on the 17th, when the PC
# came on only at 22:00; 1002 08:30-17:00 on the 16th (the PC from 09:30)
rec() { # rec EMPCODE DAY SEQ KIND TIME
    db_sql "INSERT INTO kot_records (company_id, employee_id, work_day, seq, kind, ts_utc, credential_code, credential_name, fetched_at) SELECT e.company_id, e.id, '$2', $3, $4, $(date -d "$5" +%s), 'IC', 'ICカード', 0 FROM employees e WHERE e.code = '$1'"
}
rec 1001 2026-11-16 1 1 2026-11-16T09:00:00+09:00
rec 1001 2026-11-16 2 2 2026-11-16T18:00:00+09:00
rec 1001 2026-11-17 3 1 2026-11-17T09:00:00+09:00
rec 1001 2026-11-17 4 2 2026-11-17T17:30:00+09:00
rec 1002 2026-11-16 5 1 2026-11-16T08:30:00+09:00
rec 1002 2026-11-16 6 2 2026-11-16T17:00:00+09:00
# one punch waits for KING OF TIME's restricted hours to end (as a punch
# whose answer never came, met at 09:00, does): 連携状況 says so
db_sql "UPDATE outbox SET reason = 'restricted', uncertain = 1, next_attempt_at = 4102444800 WHERE id = (SELECT min(id) FROM outbox)"
# the link CSV an administrator would upload: 1002 gets hanakok (CP932, CRLF)
printf '連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\r\nLanScope連携,2,1002,勤怠 花子,hanakok\r\n' |
    iconv -f UTF-8 -t CP932 > "$T/links.csv"
# a file saved in EUC-JP, which loginrec does not read
printf '連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\r\nLanScope連携,2,1002,勤怠 花子,hanakok\r\n' |
    iconv -f UTF-8 -t EUC-JP > "$T/links-euc.csv"
# the whole export with one row edited: 1002 gets "Taro" (taro is 1001's)
"$LR" links export ACM --kind lanscope -o "$T/all.csv"
python3 - "$T/all.csv" <<'PY'
import sys
p = sys.argv[1]
t = open(p, "rb").read().decode("cp932").replace('"勤怠 花子","1002"', '"勤怠 花子","Taro"')
open(p, "wb").write(t.encode("cp932"))
PY

SHOTS="$BUILD/screenshots"
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
if URL="$URL" COMPANY=ACM LOGIN=admin PASSWORD='correct horse battery' CSV="$T/links.csv" CSV_ALL="$T/all.csv" CSV_EUC="$T/links-euc.csv" \
    KOT_TOKEN="$SIMTOKEN" DAY=2026-11-16 SHOTS="$SHOTS" \
    timeout 240 /usr/bin/python3 "$(dirname "$0")/walk.py"; then
    ok "the browser walk passed"
else
    not_ok "the browser walk"
fi
expect_eq "the screenshots are there" 39 "$(ls "$SHOTS"/*.png | wc -l)"
expect_eq "[削除しない] kept the KoT token" 1 \
    "$(db_sql "SELECT count(*) FROM company_secrets WHERE name = 'kot_token'")"
expect_eq "the token never reached the database in clear" 0 \
    "$(sqlite3 "$LOGINREC_DB" .dump | grep -c "$SIMTOKEN" || true)"
finish

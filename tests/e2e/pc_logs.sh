#!/bin/bash
# End to end: a PC's own logs into punches at KING OF TIME (the
# simulator), exactly once. Windows: Real .evtx files (tests/data/evtx): a Security
# log through `loginrec ingest --source evtx`, a System log copied while in
# use (dirty) and a second Security log through the ingest API as
# application/octet-stream; Winlogbeat's JSON lines as application/x-ndjson.
# Everything sent twice; a damaged file refused whole (422) in words.
# Linux: a wtmp file (made with utmpdump -r) as application/octet-stream
# with X-Loginrec-Host, and journalctl -o json lines.
. "$(dirname "$0")/lib.sh"
DATA="$(cd "$(dirname "$0")/../data" && pwd)"
export LOGINREC_KOT_TIMEOUT_MS=2000 LOGINREC_DISPATCH_POLL_MS=100
SIMTOKEN=sim-token-$$
start_sim "$SIMTOKEN" 50
"$LR" init >/dev/null
TOKEN=$("$LR" company add ACM "Acme")
sim PUT /_sim/employees '[
 {"key":"k1","code":"1001","lastName":"勤怠","firstName":"太郎"},
 {"key":"k2","code":"1002","lastName":"管理","firstName":"者"},
 {"key":"k3","code":"1003","lastName":"田中","firstName":"太郎"},
 {"key":"k4","code":"1004","lastName":"鈴木","firstName":"次郎"},
 {"key":"k5","code":"1005","lastName":"佐藤","firstName":"三郎"}]' >/dev/null
echo "$SIMTOKEN" | "$LR" kot set ACM --base-url "$SIM" --token - --rate 40 --delivery on >/dev/null
"$LR" kot sync ACM >/dev/null
"$LR" link set ACM --kind windows 1001 John >/dev/null
"$LR" link set ACM --kind windows 1002 Administrator >/dev/null
"$LR" link set ACM --kind windows 1003 tarouk >/dev/null
"$LR" link set ACM --kind linux 1004 hanako >/dev/null
"$LR" link set ACM --kind windows 1005 saburo >/dev/null
expect_eq "links CSV names the Windows kind" '"Windows連携","4","1001","勤怠 太郎","John"' \
    "$("$LR" links export ACM --kind windows --encoding utf-8 | grep 1001 | tr -d '\r')"

# --- the CLI: a Security log -------------------------------------------------
out=$("$LR" ingest ACM "$DATA/evtx/post-Security.evtx" --source evtx)
expect_eq "CLI: John's linked logon and logoff stored, two punches" "3 2 126" \
    "$(json_get "$out" '"%d %d %d" % (j["accepted"], j["punches"]["added"], j["file"]["records"])')"
expect_eq "the linked logon is one event in the log" "2" \
    "$("$LR" events ACM --from 2017-12-13 --to 2017-12-14 | grep -c John-PC)"

# --- the API -------------------------------------------------------------------
start_server --sync-interval 0
post() { # post FILE CONTENT-TYPE SOURCE [QUERY]
    http POST "/api/v1/ingest${4:-}" -H "Authorization: Bearer $TOKEN" -H "Content-Type: $2" \
        ${3:+-H "X-Loginrec-Source: $3"} -H "X-Loginrec-File: $(basename "$1")" --data-binary @"$1"
}
post "$DATA/evtx/system.evtx" application/octet-stream evtx
expect_eq "API: a dirty System log is read whole" "200 1881 True False" \
    "$STATUS $(json_get "$BODY" 'j["file"]["records"], j["file"]["dirty"], j["file"]["damaged"]' | tr -d '(),')"
post "$DATA/evtx/Security_with_size_t.evtx" application/octet-stream evtx
expect_eq "API: a second Security log" "200" "$STATUS"
ADMIN_PUNCHES=$(json_get "$BODY" 'j["punches"]["added"]')
[ "$ADMIN_PUNCHES" -gt 0 ] && ok "Administrator's sessions make $ADMIN_PUNCHES punches" \
    || not_ok "Administrator's sessions make punches"
post "$DATA/winlogbeat/day.ndjson" application/x-ndjson ""
expect_eq "API: Winlogbeat's JSON lines" "200 2" "$STATUS $(json_get "$BODY" 'j["punches"]["added"]')"
post "$DATA/evtx/sample_with_a_bad_chunk_magic.evtx" application/octet-stream evtx
expect_eq "API: a damaged file is refused whole" "422" "$STATUS"
case "$BODY" in *"267 of 267 records can be read"*"--partial"*) ok "…saying what can be read and what to do" ;;
    *) not_ok "…saying what can be read and what to do"; echo "  $BODY" ;; esac
post "$DATA/evtx/sample_with_a_bad_chunk_magic.evtx" application/octet-stream evtx "?partial=1"
case "$STATUS $BODY" in "422 "*"AppXDeployment"*) ok "…and taken partially it is still the wrong log" ;;
    *) not_ok "…and taken partially it is still the wrong log"; echo "  $STATUS $BODY" ;; esac
http POST /api/v1/ingest -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/octet-stream" \
    --data-binary @"$DATA/evtx/system.evtx"
expect_eq "octet-stream without X-Loginrec-Source is refused" "415" "$STATUS"

# --- Linux ---------------------------------------------------------------------
http POST /api/v1/ingest -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/octet-stream" \
    -H "X-Loginrec-Source: wtmp" --data-binary @"$DATA/wtmp/day.wtmp"
expect_eq "API: a wtmp file without its PC is refused" "422" "$STATUS"
WTMP=(-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/octet-stream"
      -H "X-Loginrec-Source: wtmp" -H "X-Loginrec-Host: pc-07" --data-binary @"$DATA/wtmp/day.wtmp")
http POST /api/v1/ingest "${WTMP[@]}"
expect_eq "API: hanako's ssh session from a wtmp file" "200 7 2" \
    "$STATUS $(json_get "$BODY" '"%d %d" % (j["accepted"], j["punches"]["added"])')"
http POST /api/v1/ingest -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/x-ndjson" \
    -H "X-Loginrec-Source: journald" --data-binary @"$DATA/journald/day.json"
expect_eq "API: the journal's lines" "200 8" "$STATUS $(json_get "$BODY" 'j["file"]["records"]')"

# --- Winlogbeat's file output through loginrec-agent (source = winlogbeat) ----
LSTOKEN=$("$LR" company token ACM --lanscope 2>/dev/null)
mkdir -p "$T/watch" "$T/state"
cat > "$T/agent.ini" <<INI
[agent]
company = ACM
token = $LSTOKEN
watch_dir = $T/watch
server = $URL
state_dir = $T/state
source = winlogbeat
INI
AGENT_OPTS=(--config "$T/agent.ini" --stable-seconds 1 --rescan-seconds 2 --retry-max-seconds 2)
out=$("$BUILD/loginrec-agent" "${AGENT_OPTS[@]}" --check 2>&1) && ok "the agent's --check passes for a Winlogbeat folder" \
    || { not_ok "the agent's --check passes for a Winlogbeat folder"; echo "  $out"; }
"$BUILD/loginrec-agent" "${AGENT_OPTS[@]}" >>"$T/agent.log" 2>&1 &
AGENT_PID=$!; EXTRA_PIDS="$EXTRA_PIDS $AGENT_PID"
# saburo's day, as Winlogbeat writes it: the same shape as day.ndjson, two days later
sed -e 's/2025-11-16/2025-11-18/g; s/2025-11-15/2025-11-17/g; s/tarouk/saburo/g; s/"record_id": 10/"record_id": 30/g' \
    "$DATA/winlogbeat/day.ndjson" > "$T/watch/.part"
echo "not for us" > "$T/watch/notes.txt"
mv "$T/watch/.part" "$T/watch/winlogbeat-20251118.ndjson"
wait_for 30 grep -q "sent winlogbeat-20251118.ndjson" "$T/agent.log" \
    && ok "the agent sent the Winlogbeat file" || { not_ok "the agent sent the Winlogbeat file"; cat "$T/agent.log"; }
expect_eq "saburo's day became his punches" "clock_in,clock_out" \
    "$("$LR" punches ACM --from 2025-11-18 --to 2025-11-18 | awk -F, '$1=="1005"{print $3}' | paste -sd,)"
expect_eq "the agent sent nothing else from the folder" "1" "$(grep -c "info sent" "$T/agent.log")"
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true

# --- a wtmp file followed while it grows, across a restart and a rotation ----
mkdir -p "$T/log" "$T/fstate"
records() { # records FROM TO: records FROM..TO (1-based) of day.wtmp
    python3 -c "import sys; d=open('$DATA/wtmp/day.wtmp','rb').read(); sys.stdout.buffer.write(d[($1-1)*384:$2*384])"
}
records 1 3 > "$T/log/wtmp"
cat > "$T/follow.ini" <<INI
[agent]
company = ACM
token = $LSTOKEN
server = $URL
state_dir = $T/fstate
source = wtmp
host = pc-08
follow = $T/log/wtmp
INI
FOLLOW=(--config "$T/follow.ini" --stable-seconds 1 --retry-max-seconds 2)
: > "$T/follow.log"
"$BUILD/loginrec-agent" "${FOLLOW[@]}" >>"$T/follow.log" 2>&1 &
FPID=$!; EXTRA_PIDS="$EXTRA_PIDS $FPID"
wait_for 20 grep -q "sent wtmp bytes 0-1152" "$T/follow.log" \
    && ok "follow: the file's first records sent" || { not_ok "follow: the file's first records sent"; cat "$T/follow.log"; }
records 4 5 >> "$T/log/wtmp"
wait_for 20 grep -q "sent wtmp bytes 1152-1920" "$T/follow.log" \
    && ok "follow: appended records sent" || { not_ok "follow: appended records sent"; cat "$T/follow.log"; }
kill "$FPID"; wait "$FPID" 2>/dev/null || true
"$BUILD/loginrec-agent" "${FOLLOW[@]}" >>"$T/follow.log" 2>&1 &
FPID=$!; EXTRA_PIDS="$EXTRA_PIDS $FPID"
wait_for 10 grep -q "from byte 1920" "$T/follow.log" && ok "follow: a restart resumes where the server confirmed" \
    || { not_ok "follow: a restart resumes where the server confirmed"; cat "$T/follow.log"; }
# rotation: a last record lands in the old file, then the new one starts
mv "$T/log/wtmp" "$T/log/wtmp.1"
records 6 6 >> "$T/log/wtmp.1"
records 7 7 > "$T/log/wtmp"
wait_for 20 grep -q "sent wtmp bytes 0-384" "$T/follow.log" \
    && ok "follow: the new file after a rotation" || { not_ok "follow: the new file after a rotation"; cat "$T/follow.log"; }
expect_eq "follow: the rotated file was finished first" "1" "$(grep -c "sent wtmp.1 bytes 1920-2304" "$T/follow.log")"
expect_eq "follow: no record lost, none twice" "7 0" \
    "$(db_sql "SELECT count(*) FROM unix_records WHERE host = 'pc-08'") $(grep -o 'duplicates=[0-9]*' "$T/follow.log" | grep -vc 'duplicates=0')"
kill "$FPID"; wait "$FPID" 2>/dev/null || true

# --- delivered once, and once again after everything is sent twice -------------
outbox_empty() { "$LR" outbox ACM | head -1 | grep -q '^# 0 pending, 0 sending, 0 failed'; }
wait_for 120 outbox_empty && ok "outbox drained" || { not_ok "outbox drained"; "$LR" outbox ACM | head; }
count_kot() { json_get "$(sim GET /_sim/punches)" 'len(j)'; }
FIRST=$(count_kot)
expect_eq "every ledger punch is in KoT" "$(($(wc -l < <("$LR" punches ACM --from 2017-12-01 --to 2017-12-31)) - 1 \
    + $(wc -l < <("$LR" punches ACM --from 2015-08-01 --to 2015-12-31)) - 1 \
    + $(wc -l < <("$LR" punches ACM --from 2025-11-01 --to 2025-11-30)) - 1))" "$FIRST"
expect_eq "hanako's ssh session reached KoT once" "1@10:00 2@11:30" \
    "$(json_get "$(sim GET /_sim/punches)" "' '.join(sorted(p['code']+'@'+p['time'][11:16] for p in j if p['employeeKey']=='k4'))")"
expect_eq "John's day reached KoT once: in and out" "1@23:57 2@00:12" \
    "$(json_get "$(sim GET /_sim/punches)" "' '.join(sorted(p['code']+'@'+p['time'][11:16] for p in j if p['employeeKey']=='k1'))")"
"$LR" ingest ACM "$DATA/evtx/post-Security.evtx" --source evtx >/dev/null
post "$DATA/evtx/system.evtx" application/octet-stream evtx
post "$DATA/evtx/Security_with_size_t.evtx" application/octet-stream evtx
expect_eq "sent again: all duplicates, nothing new" "0 0" \
    "$(json_get "$BODY" '"%d %d" % (j["accepted"], j["punches"]["added"])')"
http POST /api/v1/ingest "${WTMP[@]}"
expect_eq "the wtmp file sent again: duplicates" "0 7" \
    "$(json_get "$BODY" '"%d %d" % (j["accepted"], j["duplicates"])')"
post "$DATA/winlogbeat/day.json" application/json winlogbeat
expect_eq "Winlogbeat's array form of the same records: duplicates" "200 0 4" \
    "$STATUS $(json_get "$BODY" '"%d %d" % (j["accepted"], j["duplicates"])')"
sleep 1
wait_for 60 outbox_empty || true
expect_eq "KoT holds each punch once" "$FIRST" "$(count_kot)"

# --- one Windows user name, two accounts (rule 7): check and 連携状況 --------
day() { date -u -d "@$(( $(date +%s) + ${LOGINREC_TIME_OFFSET_S:-0} - 2 * 86400 ))" +%Y-%m-%dT"$1"Z; }
rec() { # rec HOST TIME RECORD SID: shiro's sit-down logon
    printf '{"@timestamp":"%s","winlog":{"event_id":4624,"channel":"Security","computer_name":"%s","record_id":%s,"event_data":{"TargetUserName":"shiro","TargetUserSid":"%s","LogonType":"2","LogonProcessName":"User32","TargetLogonId":"0x%s"}}}\n' \
        "$2" "$1" "$3" "$4" "$3"
}
{ rec PC-A "$(day 00:00:00)" 71 S-1-5-21-5-1001; rec PC-B "$(day 01:00:00)" 72 S-1-5-21-6-1001; } > "$T/shiro.ndjson"
post "$T/shiro.ndjson" application/x-ndjson ""
expect_eq "two logons of one name under two SIDs" "200 2" "$STATUS $(json_get "$BODY" 'j["accepted"]')"
out=$("$LR" check ACM) && rc=0 || rc=$?
expect_eq "loginrec check names the PCs, and exits 1" "1 1" \
    "$rc $(grep -c "warning: the Windows user name 'shiro' is more than one account (FAQ 5.2.1): SID S-1-5-21-5-1001 on PC-A; SID S-1-5-21-6-1001 on PC-B" <<<"$out")"
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin >/dev/null
ui_sign_in "$T/jar" ACM admin 'correct horse battery' >/dev/null
page=$(curl -sS -b "$T/jar" "$URL/status")
expect_eq "連携状況 shows the name with its PCs and SIDs" "1 1 1" \
    "$(grep -c 'id="shared-names"' <<<"$page") $(grep -o '<li><b>shiro</b>.*</li>' <<<"$page" | grep -c 'PC-A (<code>S-1-5-21-5-1001</code>).*PC-B (<code>S-1-5-21-6-1001</code>)') $(grep -c 'Windows のイベントログ' <<<"$page")"
finish

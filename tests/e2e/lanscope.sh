#!/bin/bash
# End to end: LanScope files through loginrec-agent, a real HTTP proxy with
# basic authentication (tinyproxy) and loginrecd. Files dropped in the
# watch folder become punches; a file still being written waits; the server
# is stopped and restarted mid-run and every file still arrives exactly
# once; a refused file is moved aside while the rest carry on; the agent
# restarts without sending anything twice; a wrong proxy password and a
# wrong token are told in plain words.
. "$(dirname "$0")/lib.sh"
AGENT="$BUILD/loginrec-agent"

. "$(dirname "$0")/lanscope_files.sh"
lanscope_company
expect_eq "the access token is 32 letters and digits" 32 "$(printf '%s' "$LSTOKEN" | tr -cd 'A-Za-z0-9' | wc -c)"
rc=0; "$LR" check ACM >/dev/null || rc=$?
expect_eq "check: divisions change day when LanScope collects" 0 "$rc"

start_server --no-kot
SERVER_PORT=$PORT

# --- the proxy: tinyproxy with basic authentication on loopback ----------
start_proxy
PROXY=127.0.0.1:$PROXY_PORT

mkdir -p "$T/watch" "$T/state"
cat > "$T/agent.ini" <<EOF
# loginrec-agent settings, as an administrator writes them
[agent]
company = ACM
token = $LSTOKEN
watch_dir = $T/watch
server = $URL
proxy = $PROXY
proxy_user = agent
proxy_password = wrong-in-the-file
state_dir = $T/state
EOF
chmod 600 "$T/agent.ini"
AGENT_OPTS=(--config "$T/agent.ini" --proxy-password s3cret --stable-seconds 1
            --rescan-seconds 2 --retry-max-seconds 2 --timeout-seconds 10)

# --- --check -------------------------------------------------------------
out=$("$AGENT" "${AGENT_OPTS[@]}" --check 2>&1) && rc=0 || rc=$?
expect_eq "--check passes through the proxy (flags win over the file)" "0" "$rc"
expect_eq "--check says who the server took us for" "ok: $URL accepts company ACM (Acme 株式会社) through the proxy $PROXY; watching $T/watch" "$out"

out=$("$AGENT" --config "$T/agent.ini" --check 2>&1) && rc=0 || rc=$?
expect_eq "wrong proxy password: exit 1" 1 "$rc"
expect_eq "wrong proxy password: said in plain words" \
    "loginrec-agent: the proxy $PROXY refused the user name or password (HTTP 401)" "$out"

out=$("$AGENT" "${AGENT_OPTS[@]}" --proxy-user "" --proxy-password "" --check 2>&1) && rc=0 || rc=$?
expect_eq "no proxy credentials: told the proxy wants them" \
    "loginrec-agent: the proxy $PROXY asks for a user name and password (--proxy-user, --proxy-password)" "$out"

out=$("$AGENT" "${AGENT_OPTS[@]}" --token 0123456789abcdef0123456789ABCDEF --check 2>&1) && rc=0 || rc=$?
expect_eq "wrong token: exit 1" 1 "$rc"
expect_eq "wrong token: said in plain words" \
    "loginrec-agent: the server refused the company code ACM or the access token: compare them with the token 'loginrec company token ACM --lanscope' issued" "$out"

out=$("$AGENT" "${AGENT_OPTS[@]}" --company ACME --token short --check 2>&1) && rc=0 || rc=$?
expect_eq "malformed settings: every problem listed" \
    "loginrec-agent: 2 problems in the settings:|company code 'ACME' must be 3 or 6 characters (the first 3 or 6 characters of your KING OF TIME login ID)|the access token must be 32 letters and digits; this one has 5 characters" \
    "$(printf '%s' "$out" | paste -sd '|')"

# --- files as the LanScope manager writes them ----------------------------

start_agent() {
    "$AGENT" "${AGENT_OPTS[@]}" >>"$T/agent.log" 2>&1 &
    AGENT_PID=$!
    EXTRA_PIDS="$EXTRA_PIDS $AGENT_PID"
}
: > "$T/agent.log"
start_agent

day_file "$T/watch/20261116.csv" 2026-11-16
wait_for 20 grep -q "sent 20261116.csv" "$T/agent.log"
expect_eq "one line per file: name, rows, accepted, duplicates, rejected" \
    "sent 20261116.csv: rows=6 accepted=4 duplicates=0 rejected=0 ignored=2 unlinked=0" \
    "$(sed -n 's/.* info \(sent 20261116.csv.*\)/\1/p' "$T/agent.log")"
expect_eq "the file became clock-in and clock-out for both" 4 "$(punch_count 2026-11-16)"
expect_eq "the upload went through the proxy" 1 \
    "$(grep -c "POST http://127.0.0.1:$SERVER_PORT/api/v1/ingest" "$T/tinyproxy.log")"
expect_eq "events carry the agent's version" "loginrec-agent/0.1.0" \
    "$(db_sql "SELECT DISTINCT version FROM log_events")"

# a file still being written is not sent until its size holds still
day_file "$T/day2.full" 2026-11-17
head -c 100 "$T/day2.full" > "$T/watch/20261117.csv"
for cut in 200 300 400; do sleep 0.6; head -c $cut "$T/day2.full" > "$T/watch/20261117.csv"; done
sleep 0.6; cp "$T/day2.full" "$T/watch/20261117.csv"
wait_for 20 grep -q "sent 20261117.csv" "$T/agent.log"
expect_eq "a file being written was sent once, whole" \
    "1 sent 20261117.csv: rows=6" \
    "$(sent_count 20261117.csv) $(grep -o 'sent 20261117.csv: rows=[0-9]*' "$T/agent.log")"

# --- the server goes away mid-run, and comes back -----------------------
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
day_file "$T/watch/20261118.csv" 2026-11-18
day_file "$T/watch/20261119.csv" 2026-11-19
wait_for 20 grep -q "20261118.csv not sent: " "$T/agent.log"
expect_eq "while the server is down the agent says why and keeps the file" \
    "yes" "$([ -f "$T/watch/20261118.csv" ] && grep -q "20261118.csv not sent: the proxy $PROXY answered HTTP 5.*: it could not reach the server" "$T/agent.log" && echo yes)"
sleep 3 # a few retries against the dead server
start_server --no-kot --listen 127.0.0.1:$SERVER_PORT
wait_for 30 grep -q "sent 20261119.csv" "$T/agent.log"
arrived_once 20261118 20261119

# --- a refused file is moved aside; the rest carry on --------------------
bad_file "$T/watch/20261120-bad.csv"
day_file "$T/watch/20261121.csv" 2026-11-21
wait_for 20 grep -q "sent 20261121.csv" "$T/agent.log"
expect_eq "the refused file is in rejected/ with its reason" \
    "refused (HTTP 422): line 2, column 23: field 2 (イベント日時) '2026/11/31 09:00:00' is not a date-time (expected YYYY/MM/DD HH:MM:SS)" \
    "$(head -1 "$T/watch/rejected/20261120-bad.csv.error.txt" 2>/dev/null)"
expect_eq "and is gone from the watch folder" "no" "$([ -e "$T/watch/20261120-bad.csv" ] && echo yes || echo no)"
expect_eq "the log line names it" 1 "$(grep -c 'rejected 20261120-bad.csv: rows=- accepted=0 duplicates=0 rejected=all' "$T/agent.log")"

# --- the agent restarts: nothing is sent twice ---------------------------
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
expect_eq "SIGTERM stops the agent cleanly" 1 "$(grep -c 'loginrec-agent: stopping' "$T/agent.log")"
restart_sends_nothing_twice "$T/watch"
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true

# --- run mode with a wrong proxy password: the file stays, the log says why
mkdir -p "$T/watch2" "$T/state2"
day_file "$T/watch2/20261123.csv" 2026-11-23
"$AGENT" --config "$T/agent.ini" --watch-dir "$T/watch2" --state-dir "$T/state2" \
    --stable-seconds 1 --retry-max-seconds 1 >"$T/agent2.log" 2>&1 &
A2=$!; EXTRA_PIDS="$EXTRA_PIDS $A2"
wait_for 20 grep -q "20261123.csv not sent" "$T/agent2.log"
kill "$A2"; wait "$A2" 2>/dev/null || true
expect_eq "a wrong proxy password is logged in plain words" 1 \
    "$(grep -c "error 20261123.csv not sent: the proxy $PROXY refused the user name or password" "$T/agent2.log")"
expect_eq "and the file stays to be sent once the password is right" "yes no" \
    "$([ -f "$T/watch2/20261123.csv" ] && echo yes) $([ -e "$T/watch2/rejected" ] && echo yes || echo no)"

# --- the upload API as any client sees it ---------------------------------
"$LR" company add OTH "Other" >/dev/null
day_file "$T/api.csv" 2026-11-25
CSVH=(-H "Content-Type: text/csv" -H "X-Loginrec-Source: lanscope" --data-binary @"$T/api.csv")
http POST /api/v1/ingest "${CSVH[@]}" -H "X-Loginrec-Company: OTH" -H "Authorization: Bearer $LSTOKEN"
expect_eq "ACM's token with another company's code: 401" "401 the company code or the LanScope access token is wrong" \
    "$STATUS $(json_get "$BODY" 'j["error"]')"
http POST /api/v1/ingest "${CSVH[@]}" -H "Authorization: Bearer $LSTOKEN"
expect_eq "the LanScope token without the company code: 401" 401 "$STATUS"
http POST /api/v1/ingest -H "Content-Type: text/csv" --data-binary @"$T/api.csv" \
    -H "X-Loginrec-Company: acm" -H "Authorization: Bearer $LSTOKEN"
expect_eq "CSV without X-Loginrec-Source: 400 (the company ID in lower case is ACM's)" 400 "$STATUS"
http POST /api/v1/ingest -H "Content-Type: text/plain" --data-binary @"$T/api.csv" \
    -H "X-Loginrec-Company: ACM" -H "Authorization: Bearer $LSTOKEN"
expect_eq "another content type: 415" 415 "$STATUS"
printf '"日時","イベント日時","ログオンユーザ名","ログ種類"\r\n"x","2026/11/25 09:00","tarouk","ログオン"\r\n' > "$T/bad-kind.csv"
http POST /api/v1/ingest -H "Content-Type: text/csv" -H "X-Loginrec-Source: lanscope" \
    -H "X-Loginrec-File: ..%2F..%2F%E5%8B%A4%E6%80%A0.csv" --data-binary @"$T/bad-kind.csv" \
    -H "X-Loginrec-Company: ACM" -H "Authorization: Bearer $LSTOKEN"
expect_eq "a refused file: 422 with its (decoded, last part of the) name, line and column" \
    "422 勤怠.csv 2 33" "$STATUS $(json_get "$BODY" 'j["file"] + " " + str(j["line"]) + " " + str(j["column"])')"
http GET /api/v1/whoami -H "X-Loginrec-Company: ACM" -H "Authorization: Bearer $LSTOKEN"
expect_eq "whoami names the company and the credential" "ACM lanscope" \
    "$(json_get "$BODY" 'j["company"] + " " + j["credential"]')"

# --- the same parser from the CLI ----------------------------------------
day_file "$T/cli.csv" 2026-11-24
out=$("$LR" ingest ACM "$T/cli.csv" --source lanscope --agent-version manual-1)
expect_eq "loginrec ingest --source lanscope" "4 6 CP932" \
    "$(json_get "$out" 'str(j["accepted"]) + " " + str(j["file"]["rows"]) + " " + j["file"]["encoding"]')"
printf 'a,b\r\n1,2\r\n' > "$T/other.csv"
out=$("$LR" ingest ACM "$T/other.csv" --source lanscope 2>&1) && rc=0 || rc=$?
expect_eq "a file of another layout is an error with file, line and column" \
    "1 loginrec: error: $T/other.csv:1:1: not a LanScope log" "$rc $(printf '%s' "$out" | cut -d: -f1-6)"

# --- progress on a terminal, nothing extra when piped (issue 19) ----------
python3 - "$T/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="cp932", newline="") as f:
    f.write("日時,イベント日時,ログオンユーザ名,ログ種類\r\n")
    for i in range(12000):
        f.write("2026/12/01 05:10:00,2026/12/01 %02d:%02d:%02d,tty%d,1\r\n" % (8 + i % 10, i % 60, i % 59, i % 500))
PY
# script(1) gives the command a terminal; its output is what the terminal got
LANG=ja_JP.UTF-8 script -qefc "'$LR' ingest ACM '$T/big.csv' --source lanscope" "$T/tty.log" >/dev/null
expect_eq "on a terminal: a progress line in Japanese (how far, rows), redrawn in place" 1 \
    "$(tr '\r' '\n' < "$T/tty.log" | grep -cm1 '^読み込み 100% [0-9.]* / [0-9.]* MB.* 12,000 行')"
expect_eq "erased at the end, the reply printed after it" 1 \
    "$(grep -c $'\r\033\\[K{"accepted"' "$T/tty.log")"
expect_eq "the reply follows as before" 12000 \
    "$(tr '\r' '\n' < "$T/tty.log" | grep -o '"accepted": *[0-9]*' | grep -o '[0-9]*$')"
LANG=ja_JP.UTF-8 "$LR" ingest ACM "$T/big.csv" --source lanscope >"$T/piped.out" 2>"$T/piped.err"
expect_eq "piped: nothing extra (no line, no escape), the same reply" "0 0 12000" \
    "$(grep -c '読み込み' "$T/piped.err" || true) $(grep -c $'\r' "$T/piped.err" "$T/piped.out" | awk -F: '{s+=$2} END {print s}') $(json_get "$(cat "$T/piped.out")" 'j["accepted"] + j["duplicates"]')"
finish

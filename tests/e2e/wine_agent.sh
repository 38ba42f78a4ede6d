#!/bin/bash
# End to end on Windows, under Wine: loginrec-agent.exe (make windows:
# mingw-w64, WinHTTP, ReadDirectoryChangesW) against a real loginrecd on
# 127.0.0.1, through tinyproxy with Basic authentication (WinHttpSetCredentials).
# The LanScope scenario of e2e_lanscope, as Windows runs it:
# --check through the proxy, and a wrong proxy password and a wrong token
# told in plain words; a CP932 file in a folder with a Japanese name
# (C:\ログ出力 on the PC) becomes punches once; a file still being written
# waits; the server SIGKILLed and restarted mid-run, every file arrives
# once; a refused file goes to rejected\ with its reason; a restarted
# agent sends nothing twice. The same exe on folders of .evtx and
# Winlogbeat files. Then the service: --install against Wine's
# Service Control Manager (sc query), net start, settings not right yet
# told in its log, net stop at once, a file delivered by the service,
# --uninstall; and the msi: msiexec /i installs and starts the service,
# which writes the settings to fill in; msiexec /x removes it and leaves
# the settings.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EXE=${LOGINREC_WIN_AGENT:-$ROOT/build-win/loginrec-agent.exe}
WINE=/usr/lib/wine/wine64
[ -x "$WINE" ] || { echo "not ok - Wine is missing: run scripts/deps.sh (wine64)"; exit 1; }
[ -f "$EXE" ] || { echo "not ok - $EXE is missing: run make windows"; exit 1; }
export WINEPREFIX="$T/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# the agent's own output, in UTF-8 like the Linux agent's
win() { "$WINE" "$EXE" "$@"; }
# winpath /unix/path: the same place as Wine shows it to the exe (Z:\...)
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }

win --version >/dev/null 2>&1 # the Wine prefix, made once, quietly
. "$(dirname "$0")/lanscope_files.sh"
lanscope_company
start_server --no-kot
SERVER_PORT=$PORT

start_proxy
# Wine's WinHTTP sends the request in a proxy's absolute form only when
# the proxy's host name differs from the server's (it does not compare
# ports); Windows' own does whatever the names. So the proxy is named
# localhost here, and the server 127.0.0.1: both the loopback address.
PROXY=localhost:$PROXY_PORT

WATCH="$T/ログ出力" # C:\ログ出力 on a real PC
mkdir -p "$WATCH" "$T/state"
WWATCH=$(winpath "$WATCH")
AGENT_OPTS=(--company ACM --token "$LSTOKEN" --watch-dir "$WWATCH" --state-dir "$(winpath "$T/state")"
            --server "$URL" --proxy "$PROXY" --proxy-user agent --proxy-password s3cret
            --stable-seconds 1 --rescan-seconds 2 --retry-max-seconds 2 --timeout-seconds 10)

# --- --check ------------------------------------------------------------
out=$(win "${AGENT_OPTS[@]}" --check 2>&1) && rc=0 || rc=$?
expect_eq "the exe needs no DLL beyond what Windows ships" "ADVAPI32.dll bcrypt.dll CRYPT32.dll KERNEL32.dll msvcrt.dll WINHTTP.dll" \
    "$(x86_64-w64-mingw32-objdump -p "$EXE" | sed -n 's/.*DLL Name: //p' | sort -f | paste -sd ' ')"
expect_eq "--check passes through the proxy (WinHTTP, Basic)" "0" "$rc"
expect_eq "--check names the company, the proxy and the Japanese folder" \
    "ok: $URL accepts company ACM (Acme 株式会社) through the proxy $PROXY; watching $WWATCH" \
    "$(printf '%s' "$out" | tr -d '\r')"
out=$(win "${AGENT_OPTS[@]}" --proxy-password wrong --check 2>&1) && rc=0 || rc=$?
expect_eq "wrong proxy password: exit 1, in plain words" \
    "1 loginrec-agent: the proxy $PROXY refused the user name or password (HTTP 401)" \
    "$rc $(printf '%s' "$out" | tr -d '\r')"
out=$(win "${AGENT_OPTS[@]}" --token 0123456789abcdef0123456789ABCDEF --check 2>&1) && rc=0 || rc=$?
expect_eq "wrong token: exit 1, in plain words" \
    "1 loginrec-agent: the server refused the company code ACM or the access token: compare them with the token 'loginrec company token ACM --lanscope' issued" \
    "$rc $(printf '%s' "$out" | tr -d '\r')"

# --- files as the LanScope manager writes them (CP932, CRLF) --------------
start_agent() { # the exe itself in the background (not the function), so kill reaches it
    "$WINE" "$EXE" "${AGENT_OPTS[@]}" >>"$T/agent.log" 2>&1 &
    AGENT_PID=$!
    EXTRA_PIDS="$EXTRA_PIDS $AGENT_PID"
}
stop_agent() { kill -9 "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null || true; }
: > "$T/agent.log"
start_agent

day_file "$WATCH/20261116.csv" 2026-11-16
wait_for 30 grep -q "sent 20261116.csv" "$T/agent.log"
expect_eq "the file became clock-in and clock-out for both, once" \
    "sent 20261116.csv: rows=6 accepted=4 duplicates=0 rejected=0 ignored=2 unlinked=0 4" \
    "$(sed -n 's/.* info \(sent 20261116.csv.*\)/\1/p' "$T/agent.log" | tr -d '\r') $(punch_count 2026-11-16)"
expect_eq "the upload went through the proxy" 1 \
    "$(grep -c "POST http://127.0.0.1:$SERVER_PORT/api/v1/ingest" "$T/tinyproxy.log")"

# a file still being written is not sent until its size holds still
day_file "$T/day2.full" 2026-11-17
head -c 100 "$T/day2.full" > "$WATCH/20261117.csv"
for cut in 200 300 400; do sleep 0.6; head -c $cut "$T/day2.full" > "$WATCH/20261117.csv"; done
sleep 0.6; cp "$T/day2.full" "$WATCH/20261117.csv"
wait_for 30 grep -q "sent 20261117.csv" "$T/agent.log"
expect_eq "a file being written was sent once, whole" "1 sent 20261117.csv: rows=6" \
    "$(sent_count 20261117.csv) $(grep -o 'sent 20261117.csv: rows=[0-9]*' "$T/agent.log")"

# --- the server is killed mid-run and comes back --------------------------
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
day_file "$WATCH/20261118.csv" 2026-11-18
day_file "$WATCH/20261119.csv" 2026-11-19
wait_for 30 grep -q "20261118.csv not sent: " "$T/agent.log"
sleep 2
start_server --no-kot --listen 127.0.0.1:$SERVER_PORT
wait_for 40 grep -q "sent 20261119.csv" "$T/agent.log"
arrived_once 20261118 20261119

# --- a refused file goes to rejected\ with its reason ----------------------
bad_file "$WATCH/20261120-bad.csv"
day_file "$WATCH/20261121.csv" 2026-11-21
wait_for 30 grep -q "sent 20261121.csv" "$T/agent.log"
expect_eq "the refused file is in rejected\\ with its reason, gone from the folder" \
    "refused (HTTP 422): line 2, column 23: field 2 (イベント日時) '2026/11/31 09:00:00' is not a date-time (expected YYYY/MM/DD HH:MM:SS) no" \
    "$(head -1 "$WATCH/rejected/20261120-bad.csv.error.txt" 2>/dev/null | tr -d '\r') $([ -e "$WATCH/20261120-bad.csv" ] && echo yes || echo no)"

# --- the agent restarts: nothing is sent twice ---------------------------
stop_agent
restart_sends_nothing_twice "$WATCH"
expect_eq "its ledger names each file once" 6 "$(wc -l < "$T/state/sent.tsv")"

# a file another program holds without sharing it (a virus scanner, a
# backup) is tried again once it is let go, and said once (regression: it
# was marked done and never sent until the agent restarted)
x86_64-w64-mingw32-gcc -municode -O2 -o "$T/wine_hold.exe" "$ROOT/tests/e2e/wine_hold.c"
day_file "$T/held.csv" 2026-11-23
"$WINE" "$T/wine_hold.exe" "$(winpath "$T/held.csv")" 6 > "$T/hold.out" 2>&1 &
HOLD_PID=$!; EXTRA_PIDS="$EXTRA_PIDS $HOLD_PID"
wait_for 20 grep -q holding "$T/hold.out"
mv "$T/held.csv" "$WATCH/20261123.csv" # still held: Wine's lock follows the file
wait_for 20 grep -q "20261123.csv: .*trying again" "$T/agent.log"
wait "$HOLD_PID" 2>/dev/null || true
wait_for 30 grep -q "sent 20261123.csv" "$T/agent.log"
expect_eq "a held file waits, said once, and is sent once let go: punches once" "1 1 4" \
    "$(grep -c '20261123.csv: .*trying again' "$T/agent.log") $(sent_count 20261123.csv) $(punch_count 2026-11-23)"
stop_agent

# --- the same exe on folders of Windows logs (.evtx, Winlogbeat) -----------
"$LR" employee add ACM 1001 --last 勤怠 --first 一郎 --division HQ >/dev/null
"$LR" link set ACM --kind windows 1001 John >/dev/null
"$LR" link set ACM --kind windows 1000 tarouk >/dev/null
# logs_folder SOURCE FILE DAY CODE: FILE alone in a folder the exe watches
# as SOURCE; the employee CODE's punches of DAY once it was sent
logs_folder() {
    local dir="$T/logs-$1" pid
    mkdir -p "$dir" "$dir-state"
    cp "$2" "$dir/"
    "$WINE" "$EXE" --company ACM --token "$LSTOKEN" --watch-dir "$(winpath "$dir")" \
        --state-dir "$(winpath "$dir-state")" --server "$URL" --source "$1" \
        --stable-seconds 1 --rescan-seconds 2 >"$T/logs-$1.log" 2>&1 &
    pid=$!
    EXTRA_PIDS="$EXTRA_PIDS $pid"
    wait_for 30 grep -q "sent $(basename "$2")" "$T/logs-$1.log"
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    "$LR" punches ACM --from "$3" --to "$3" | awk -F, -v c="$4" '$1==c{print $3}' | paste -sd,
}
expect_eq "a Security .evtx from a folder: John's logon and logoff, his two punches" "clock_in,clock_out" \
    "$(logs_folder evtx "$ROOT/tests/data/evtx/post-Security.evtx" 2017-12-13 1001)"
expect_eq "Winlogbeat's NDJSON from a folder: tarouk's day, his two punches" "clock_in,clock_out" \
    "$(logs_folder winlogbeat "$ROOT/tests/data/winlogbeat/day.ndjson" 2025-11-16 1000)"

# --- the service ----------------------------------------------------------
PD="$WINEPREFIX/drive_c/ProgramData/loginrec" # %ProgramData%\loginrec
mkdir -p "$T/svcwatch"
printf '[agent]\r\ncompany = ACM\r\n' > "$T/service.ini" # not right yet
out=$(win --install --config "$(winpath "$T/service.ini")" 2>&1) && rc=0 || rc=$?
expect_eq "--install limits the settings to Administrators and SYSTEM, and registers the service" \
    "0 limited C:\\ProgramData\\loginrec to Administrators and SYSTEM (O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA))|installed the service loginrec-agent (\"loginrec LanScope agent\", automatic start) reading $(winpath "$T/service.ini"); start it with: net start loginrec-agent" \
    "$rc $(printf '%s' "$out" | tr -d '\r' | paste -sd '|')"
q=$("$WINE" sc query loginrec-agent 2>&1 | tr -d '\r')
expect_eq "the Service Control Manager knows it, stopped" "yes" \
    "$(printf '%s' "$q" | grep -q 'STATE *: 1 *STOPPED' && echo yes)"
out=$(win --install --config "$(winpath "$T/service.ini")" 2>&1) && rc=0 || rc=$?
expect_eq "a second --install says it is there" \
    "1 loginrec-agent: the service loginrec-agent is installed already (--uninstall first)" \
    "$rc $(printf '%s' "$out" | tr -d '\r')"
timeout 60 "$WINE" net start loginrec-agent >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "net start starts it" 0 "$rc"
wait_for 20 grep -q "have problems" "$PD/agent.log"
expect_eq "settings not right yet: said in its log, and the service waits for them" \
    "the settings in $(winpath "$T/service.ini") have problems (read again in a minute): the access token is not set (--token: 32 letters and digits, from 'loginrec company token CODE --lanscope')|the watch folder is not set" \
    "$(sed -n 's/.* error //p' "$PD/agent.log" | head -1 | tr -d '\r')"
timeout 60 "$WINE" net stop loginrec-agent >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "net stop stops it at once, in the middle of its minute's wait" "0 1" \
    "$rc $(grep -c 'the service stopped' "$PD/agent.log")"
cat > "$T/service.ini" <<INI
[agent]
company = ACM
token = $LSTOKEN
watch_dir = $(winpath "$T/svcwatch")
server = $URL
proxy = $PROXY
proxy_user = agent
proxy_password = s3cret
state_dir = $(winpath "$T/svcstate")
stable_seconds = 1
rescan_seconds = 2
INI
day_file "$T/svcwatch/20261124.csv" 2026-11-24
head -c 1100000 /dev/zero | tr '\0' 'x' > "$PD/agent.log" # past its 1 MiB
timeout 60 "$WINE" net start loginrec-agent >/dev/null 2>&1 || true
wait_for 30 grep -q "sent 20261124.csv" "$PD/agent.log"
expect_eq "the service sends the folder's files: punches once" "1 4" \
    "$(grep -c 'info sent 20261124.csv: rows=6 accepted=4' "$PD/agent.log") $(punch_count 2026-11-24)"
expect_eq "its log rotated past 1 MiB: agent.log.1 holds the old lines, agent.log the new" \
    "1100000 yes" "$(wc -c < "$PD/agent.log.1") $([ "$(wc -c < "$PD/agent.log")" -lt 100000 ] && echo yes)"
timeout 60 "$WINE" net stop loginrec-agent >/dev/null 2>&1 || true
# its process gone first, as before the msi's removal below: a service
# removed while its process still runs stays known until that process ends
# (a loaded machine showed it)
wait_for 30 bash -c '! pgrep -f "[l]oginrec-agent.exe --service" >/dev/null' || true
out=$(win --uninstall 2>&1) && rc=0 || rc=$?
expect_eq "--uninstall removes it" \
    "0 removed the service loginrec-agent; the settings and what was sent stay in %ProgramData%\\loginrec" \
    "$rc $(printf '%s' "$out" | tr -d '\r')"
"$WINE" sc query loginrec-agent >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "and the Service Control Manager no longer knows it" 1 "$rc"

# --- the installer --------------------------------------------------------
MSI=${LOGINREC_WIN_MSI:-$ROOT/build-win/loginrec-agent.msi}
[ -f "$MSI" ] || not_ok "$MSI is missing: run make windows"
rm -rf "$PD" # a machine the agent never ran on
timeout 120 "$WINE" msiexec /i "$(winpath "$MSI")" /qn >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "msiexec /i installs the exe in Program Files\\loginrec" "0 yes" \
    "$rc $([ -f "$WINEPREFIX/drive_c/Program Files/loginrec/loginrec-agent.exe" ] && echo yes)"
wait_for 60 grep -q "have problems" "$PD/agent.log" || true # a loaded machine: checked below
expect_eq "and registers and starts the service" "yes" \
    "$("$WINE" sc query loginrec-agent 2>&1 | tr -d '\r' | grep -q 'STATE *: 4 *RUNNING' && echo yes)"
expect_eq "which writes the settings to fill in (windows/agent.ini) and says what is missing" \
    "same wrote C:\\ProgramData\\loginrec\\agent.ini: fill in the company code, the token and the folder" \
    "$(cmp -s "$PD/agent.ini" "$ROOT/windows/agent.ini" && echo same) $(sed -n 's/.* info \(wrote .*\)/\1/p' "$PD/agent.log" | tr -d '\r')"
# stopped first, and its process gone: Windows (and Wine) cannot delete an
# exe that still runs, and would leave it for the next reboot
timeout 60 "$WINE" net stop loginrec-agent >/dev/null 2>&1 || true
wait_for 30 bash -c '! pgrep -f "[l]oginrec-agent.exe --service" >/dev/null' || true
timeout 120 "$WINE" msiexec /x "$(winpath "$MSI")" /qn >/dev/null 2>&1 && rc=0 || rc=$?
"$WINE" sc query loginrec-agent >/dev/null 2>&1 && q=0 || q=$?
expect_eq "msiexec /x removes the exe and the service, and leaves the settings" "0 gone 1 kept" \
    "$rc $([ -e "$WINEPREFIX/drive_c/Program Files/loginrec/loginrec-agent.exe" ] || echo gone) $q $([ -f "$PD/agent.ini" ] && echo kept)"
WINEPREFIX="$T/wine" /usr/lib/wine/wineserver -k 2>/dev/null || true

# What the LanScope agent tests share (sourced by lanscope.sh and
# wine_agent.sh after lib.sh; the agent's log is $T/agent.log).

# lanscope_company: company ACM (本社, its day changing at 05:00), 1000
# tarouk and 0012 hanako linked by LanScope; LSTOKEN gets its access token.
lanscope_company() {
    "$LR" init >/dev/null
    "$LR" company add ACM "Acme 株式会社" >/dev/null
    "$LR" division set ACM HQ --name 本社 --day-change 05:00 >/dev/null
    "$LR" employee add ACM 1000 --last 勤怠 --first 太郎 --division HQ >/dev/null
    "$LR" employee add ACM 0012 --last 勤怠 --first 花子 --division HQ >/dev/null
    "$LR" link set ACM --kind lanscope 1000 tarouk >/dev/null
    "$LR" link set ACM --kind lanscope 0012 hanako >/dev/null
    LSTOKEN=$("$LR" company token ACM --lanscope 2>/dev/null)
}

# start_proxy: tinyproxy with basic authentication (agent / s3cret) on
# 127.0.0.1, logging to $T/tinyproxy.log; PROXY_PORT gets its port.
start_proxy() {
    command -v tinyproxy >/dev/null || { echo "not ok - tinyproxy is missing: run scripts/deps.sh"; exit 1; }
    PROXY_PORT=$(free_port)
    cat > "$T/tinyproxy.conf" <<CONF
Port $PROXY_PORT
Listen 127.0.0.1
Timeout 30
MaxClients 20
LogLevel Connect
LogFile "$T/tinyproxy.log"
PidFile "$T/tinyproxy.pid"
BasicAuth agent s3cret
Allow 127.0.0.1
CONF
    tinyproxy -d -c "$T/tinyproxy.conf" 2>>"$T/tinyproxy.log" &
    EXTRA_PIDS="$EXTRA_PIDS $!"
    wait_for 10 bash -c "echo > /dev/tcp/127.0.0.1/$PROXY_PORT" 2>/dev/null
}

# day_file NAME DATE: one row per event, CP932, CRLF, both employees, plus
# a SYSTEM row and a screen-lock row (kind 7) that are skipped.
day_file() {
    python3 - "$1" "$2" <<'PY'
import sys
name, d = sys.argv[1], sys.argv[2].replace("-", "/")
rows = ['"日時","イベント日時","ログオンユーザ名","ログ種類","コンピュータ名"']
for user, on, off in (("CORP\\tarouk", "08:58:12", "18:05:44"), ("hanako", "09:01:30", "17:30:00")):
    rows.append(f'"{d} 05:10:00","{d} {on}.000","{user}","1","PC-{user[-6:]}"')
    rows.append(f'"{d} 05:10:00","{d} {off}.000","{user}","2","PC-{user[-6:]}"')
rows.append(f'"{d} 05:10:00","{d} 07:00:00","SYSTEM","1","PC-X"')
rows.append(f'"{d} 05:10:00","{d} 12:00:00","hanako","7","PC-hanako"')
open(name, "wb").write(("\r\n".join(rows) + "\r\n").encode("cp932"))
PY
}
# bad_file NAME: a file the server refuses (November 31st), CP932
bad_file() {
    printf '"日時","イベント日時","ログオンユーザ名","ログ種類"\r\n"2026/11/20 05:10:00","2026/11/31 09:00:00","tarouk","1"\r\n' |
        iconv -f UTF-8 -t CP932 > "$1"
}
# arrived_once YYYYMMDD...: each day's file sent once, stored once, its 4 punches
arrived_once() {
    local d
    for d in "$@"; do
        expect_eq "$d.csv arrived exactly once after the server's restart" "1 1 4" \
            "$(sent_count $d.csv) $(ingested_count $d.csv) $(punch_count ${d:0:4}-${d:4:2}-${d:6:2})"
    done
}
# how many times the agent sent FILE, the server stored it, and the
# punches of DAY
sent_count() { grep -c "info sent $1:" "$T/agent.log" || true; }
ingested_count() { grep -c "ingest ACM: $1 " "$T/server.log" || true; }
punch_count() { "$LR" punches ACM --from "$1" --to "$1" | grep -c ",$1," || true; }

# restart_sends_nothing_twice DIR: the agent (the script's start_agent),
# started again over DIR after five files were sent, sends none of them
# again, goes on with a new one, and every file went once.
restart_sends_nothing_twice() {
    local before d
    before=$(grep -c "ingest ACM:" "$T/server.log")
    start_agent
    wait_for 30 grep -q "5 files sent before" "$T/agent.log"
    sleep 3 # its start scan and a rescan
    expect_eq "after a restart the agent sends nothing again" "$before" "$(grep -c "ingest ACM:" "$T/server.log")"
    day_file "$1/20261122.csv" 2026-11-22
    wait_for 30 grep -q "sent 20261122.csv" "$T/agent.log"
    expect_eq "and goes on with new files" 4 "$(punch_count 2026-11-22)"
    for d in 20261116 20261117 20261118 20261119 20261121 20261122; do
        [ "$(sent_count $d.csv)" = 1 ] || not_ok "$d.csv sent $(sent_count $d.csv) times"
    done
    expect_eq "every event stored once" 24 "$(db_sql "SELECT count(*) FROM log_events")"
}

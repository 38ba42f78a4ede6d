# Shared helpers for the end-to-end scripts: a temp folder, loginrecd on a
# free loopback port (port 0, read back from its log), assertions.
# Everything started here is stopped by the EXIT trap.
#
# The clock: every process of a test (loginrecd, loginrec, the simulators)
# adds LOGINREC_TIME_OFFSET_S to the real time. A test starts at 11:00:00
# JST (outside KING OF TIME's restricted hours) of today, whatever the real
# hour: no test depends on the time of day. An offset set by the caller
# only moves "today" (and so shows that the hour does not matter).

set -eu
BUILD=${1:?usage: $0 BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
LR="$BUILD/loginrec"
LRD="$BUILD/loginrecd"
mkdir -p "$BUILD/test-tmp"
T=$(mktemp -d "$BUILD/test-tmp/e2e.XXXXXX")
export LOGINREC_DB="$T/loginrec.db"
# jst_offset HH:MM[:SS]: the offset (seconds) that puts the clock at that
# JST time of today's JST date
jst_offset() { python3 "$(dirname "${BASH_SOURCE[0]}")/../sim/jst_offset.py" "$1"; }
export LOGINREC_TIME_OFFSET_S="$(jst_offset 11:00)"

# LR_TEST_BACKEND=postgres (the tests labelled postgres): a fresh database
# of the cluster tests/pg/cluster.sh started (its URL in BUILD/pg/url),
# dropped at the end when the test passed.
PG_DB=""
if [ "${LR_TEST_BACKEND:-sqlite}" = postgres ]; then
    PG_URL=$(cat "$BUILD/pg/url") || { echo "no PostgreSQL cluster: tests/pg/cluster.sh start $BUILD/pg"; exit 1; }
    PG_DB="lr_$(basename "$T" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z')"
    psql "$PG_URL" -qX -c "CREATE DATABASE $PG_DB" >/dev/null
    export LOGINREC_DB="${PG_URL%/*}/$PG_DB"
    export LOGINREC_KEY_FILE="$T/loginrec.key"
fi

# db_sql [SQL]: runs SQL (or stdin) on the test's database, rows as
# sqlite3 prints them (columns joined by |)
db_sql() {
    if [ -n "$PG_DB" ]; then
        if [ $# -gt 0 ]; then psql "$LOGINREC_DB" -qAtX -v ON_ERROR_STOP=1 -c "$1"
        else psql "$LOGINREC_DB" -qAtX -v ON_ERROR_STOP=1 -f -; fi
    else
        sqlite3 "$LOGINREC_DB" "$@"
    fi
}

# db_files: the files that hold the database (SQLite: the file, its WAL and
# key; PostgreSQL: a pg_dump of it, and the key file)
db_files() {
    if [ -n "$PG_DB" ]; then
        pg_dump "$LOGINREC_DB" > "$T/pg_dump.sql"
        ls "$T/pg_dump.sql" "$LOGINREC_KEY_FILE" 2>/dev/null || true
    else
        ls "$LOGINREC_DB"* 2>/dev/null || true
    fi
}
# Sanitizer builds (make check runs the e2e tests on build-asan too): every
# process's report goes to $T/sanitizer.PID, and any report fails the test.
export ASAN_OPTIONS="log_path=$T/sanitizer:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$T/sanitizer:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# LR_WRAP: a command loginrecd runs under (tests/e2e/valgrind.sh sets valgrind)
LR_WRAP=${LR_WRAP:-}
SERVER_PID=""
EXTRA_PIDS="" # more processes a script starts; killed at exit
FAILS=0
PASSES=0

# stop_server: SIGTERM (a clean stop, so leak checkers report), then SIGKILL
# after 20 s.
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 200); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

cleanup() {
    local rc=$?
    stop_server
    if [ -n "${SIM_PID:-}" ] && kill -0 "$SIM_PID" 2>/dev/null; then
        kill "$SIM_PID" 2>/dev/null || true
    fi
    for p in $EXTRA_PIDS; do kill -9 "$p" 2>/dev/null || true; done
    if ls "$T"/sanitizer.* >/dev/null 2>&1; then
        echo "not ok - sanitizer reports:"; head -n 60 "$T"/sanitizer.*
        FAILS=$((FAILS + 1)); rc=1
    fi
    if [ "$FAILS" -eq 0 ]; then
        rm -rf "$T"
        [ -z "$PG_DB" ] || psql "$PG_URL" -qX -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    else
        echo "kept $T for inspection${PG_DB:+ (and PostgreSQL database $PG_DB)}"; rc=1
    fi
    exit $rc
}
trap cleanup EXIT

ok() { PASSES=$((PASSES + 1)); echo "ok - $1"; }
not_ok() { FAILS=$((FAILS + 1)); echo "not ok - $1"; }

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else
        not_ok "$1"; printf '  expected: %s\n  actual:   %s\n' "$2" "$3"; fi
}

# json_get JSON PYTHON-EXPRESSION-ON-j
json_get() { printf '%s' "$1" | python3 -c "import json,sys; j=json.load(sys.stdin); print($2)"; }

# start_server [loginrecd options]
start_server() {
    echo "--- start_server $*" >> "$T/server.log"
    local from=$(($(wc -l < "$T/server.log") + 1)) # this start's lines only
    $LR_WRAP "$LRD" --db "$LOGINREC_DB" --listen 127.0.0.1:0 --threads 2 "$@" 2>>"$T/server.log" &
    SERVER_PID=$!
    wait_listening "$T/server.log" "$from" "$SERVER_PID"
}

# wait_listening LOG FROM PID: the port loginrecd PID wrote to LOG (from its
# line FROM on) once it listens; sets PORT and URL, or stops the test
wait_listening() {
    PORT=""
    for _ in $(seq 1 300); do
        PORT=$(tail -n +"$2" "$1" | sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p')
        [ -n "$PORT" ] && break
        kill -0 "$3" 2>/dev/null || { cat "$1"; echo "server died"; exit 1; }
        sleep 0.1
    done
    [ -n "$PORT" ] || { cat "$1"; echo "server did not start"; exit 1; }
    URL="http://127.0.0.1:$PORT"
}

# free_port: a loopback TCP port nobody listens on right now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# form_csrf JAR PATH: the CSRF token of the first form of an admin UI page
# (on /login, the pre-session token, kept in JAR)
form_csrf() {
    curl -sS -c "$1" -b "$1" "$URL$2" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1
}

# ui_sign_in JAR COMPANY LOGIN PASSWORD: the login form as a browser fills
# it; prints the HTTP status (303 when signed in)
ui_sign_in() {
    local pre
    pre=$(form_csrf "$1" /login)
    curl -sS -c "$1" -b "$1" -o /dev/null -w '%{http_code}' "$URL/login" --data-urlencode "csrf=$pre" \
        -d "company=$2" -d "login=$3" --data-urlencode "password=$4"
}

# http METHOD PATH [curl args...]: sets STATUS and BODY
http() {
    m=$1; p=$2; shift 2
    BODY=$(curl -sS --max-time 30 -o - -w '\n%{http_code}' -X "$m" "$URL$p" "$@")
    STATUS=$(printf '%s' "$BODY" | tail -n1)
    BODY=$(printf '%s' "$BODY" | sed '$d')
}

finish() {
    echo "$PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}

# start_sim TOKEN [BUDGET]: the KING OF TIME simulator on a free port; sets
# SIM (its base URL). Stopped by the EXIT trap (and by itself after 10 min).
SIM_PID=""
start_sim() {
    : > "$T/sim.log"
    python3 "$(dirname "${BASH_SOURCE[0]}")/../sim/kot/kot_sim.py" --token "$1" \
        --budget "${2:-0}" --max-seconds 600 >"$T/sim.log" 2>&1 &
    SIM_PID=$!
    SIM=""
    for _ in $(seq 1 100); do
        SIM=$(sed -n 's#^listening on \(http://.*\)$#\1#p' "$T/sim.log")
        [ -n "$SIM" ] && break
        kill -0 "$SIM_PID" 2>/dev/null || { cat "$T/sim.log"; echo "simulator died"; exit 1; }
        sleep 0.1
    done
    [ -n "$SIM" ] || { echo "simulator did not start"; exit 1; }
}

# start_malion NAME ADMIN SECRET: a simulator; sets MAL_<NAME> (host:port)
start_malion() {
    python3 "$(dirname "${BASH_SOURCE[0]}")/../sim/malion/malion_sim.py" --admin-code "$2" --secret-code "$3" --max-seconds 300 >"$T/sim-$1.log" 2>&1 &
    EXTRA_PIDS="$EXTRA_PIDS $!"
    wait_for 10 grep -q '^listening on' "$T/sim-$1.log" || { echo "simulator $1 did not start"; exit 1; }
    eval "MAL_$1=$(sed -n 's#^listening on http://##p' "$T/sim-$1.log")"
}
msim() { # msim NAME METHOD PATH [JSON]
    local host; eval "host=\$MAL_$1"
    curl -sS --max-time 10 -X "$2" "http://$host$3" ${4:+-H 'Content-Type: application/json' --data-binary "$4"}
}
# sim METHOD PATH [JSON]: a control call to the simulator; prints the answer.
sim() {
    if [ $# -ge 3 ]; then
        curl -sS --max-time 10 -X "$1" "$SIM$2" -H 'Content-Type: application/json' --data-binary "$3"
    else
        curl -sS --max-time 10 -X "$1" "$SIM$2"
    fi
}

# delivering_company CODE EMPLOYEES RATE: a company whose punches go to the
# simulator (start_sim first, with SIMTOKEN as its token) at RATE calls/s:
# EMPLOYEES employees E000... (KoT keys k000...) synced from it, each linked
# to the LanScope account acct000...; prints its ingest token.
delivering_company() {
    local token
    "$LR" init >/dev/null
    token=$("$LR" company add "$1" "Acme")
    python3 - "$2" > "$T/emps.json" <<'PY'
import json, sys
print(json.dumps([{"key": "k%03d" % i, "code": "E%03d" % i, "lastName": "社員", "firstName": str(i)}
                  for i in range(int(sys.argv[1]))]))
PY
    sim PUT /_sim/employees "$(cat "$T/emps.json")" >/dev/null
    echo "$SIMTOKEN" | "$LR" kot set "$1" --base-url "$SIM" --token - --rate "$3" --delivery on >/dev/null
    "$LR" kot sync "$1" >/dev/null
    for i in $(seq 0 $(($2 - 1))); do
        "$LR" link set "$1" --kind lanscope "$(printf 'E%03d' "$i")" "$(printf 'acct%03d' "$i")" >/dev/null
    done
    echo "$token"
}

stop_sim() {
    if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then kill "$SIM_PID" 2>/dev/null || true; fi
}

# wait_for SECONDS COMMAND...: polls COMMAND (every 0.2 s) until it succeeds.
wait_for() {
    local limit=$1; shift
    local end=$((SECONDS + limit))
    while [ $SECONDS -lt $end ]; do
        if "$@"; then return 0; fi
        sleep 0.2
    done
    return 1
}

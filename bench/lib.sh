# Shared helpers of the benchmark scripts (sourced, with BUILD set to the
# build folder's absolute path): a scratch folder T (removed at exit with
# every process started here), a company with N employees from the KING OF
# TIME simulator and their LanScope links, loginrecd, nginx, timing, and
# writing a benchmark's entry for results.json.

HERE=${HERE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
# the clock of loginrec and the simulators at 11:00 JST (outside KING OF
# TIME's restricted hours, when the benchmarks' syncs are answered)
export LOGINREC_TIME_OFFSET_S="$(python3 "$HERE/../tests/sim/jst_offset.py" 11:00)"
mkdir -p "$BUILD/bench-tmp"
T=$(mktemp -d "$BUILD/bench-tmp/$(basename "$0" .sh).XXXXXX")
trap bench_cleanup EXIT
SIM_PID=${SIM_PID:-}
LRD_PID=${LRD_PID:-}
RESULTS=${RESULTS:-$BUILD/bench}
mkdir -p "$RESULTS/parts"

NGINX_PID=${NGINX_PID:-}

bench_cleanup() {
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null
    [ -n "$LRD_PID" ] && kill "$LRD_PID" 2>/dev/null
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
    rm -rf "$T"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_nginx: nginx (as many workers as cores, no access log) serving
# $T/www on a free loopback port; sets NGINX_URL. The ceiling a page or an
# answer of the same size is measured against.
start_nginx() {
    command -v nginx >/dev/null || { echo "bench: nginx is missing (apt-get install nginx-light)" >&2; exit 2; }
    chmod 755 "$T" "$T/www"  # its workers read the files as an unprivileged user
    chmod 644 "$T"/www/*
    mkdir -p "$T/nginx"
    local port
    port=$(free_port)
    cat > "$T/nginx/nginx.conf" <<NGINX
worker_processes $(nproc);
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $T/nginx;
    proxy_temp_path $T/nginx;
    fastcgi_temp_path $T/nginx;
    uwsgi_temp_path $T/nginx;
    scgi_temp_path $T/nginx;
    default_type application/octet-stream;
    server { listen 127.0.0.1:$port; root $T/www; }
}
NGINX
    nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" &
    NGINX_PID=$!
    NGINX_URL="http://127.0.0.1:$port"
    for _ in $(seq 1 50); do curl -s -o /dev/null "$NGINX_URL/" && break; sleep 0.1; done
}

now_ms() { date +%s%3N; }

# start_sim TOKEN: a KoT simulator (tests/sim/kot), its log its own; sets SIM and SIM_PID.
start_sim() {
    local log
    log=$(mktemp "$T/sim.XXXXXX")
    python3 "$HERE/../tests/sim/kot/kot_sim.py" --token "$1" --budget 0 --max-seconds 1800 \
        >"$log" 2>&1 &
    SIM_PID=$!
    SIM=""
    for _ in $(seq 1 100); do
        SIM=$(sed -n 's#^listening on \(http://.*\)$#\1#p' "$log"); [ -n "$SIM" ] && break; sleep 0.1
    done
    [ -n "$SIM" ] || { cat "$log"; echo "bench: the KoT simulator did not start" >&2; exit 1; }
}

# company DB CODE EMPLOYEES: a company in DB whose EMPLOYEES employees
# (codes 00000.., KoT keys CODEk00000.., user names CORP\user00000.. as
# gen_lanscope.py writes them) come from a KoT sync of the simulator and are
# linked for LanScope. Delivery stays off. Prints the API token.
company() {
    local db=$1 code=$2 n=$3 token
    "$BUILD/loginrec" --db "$db" init >/dev/null
    token=$("$BUILD/loginrec" --db "$db" company add "$code" "Bench $code" | tail -1)
    python3 - "$T/emps-$code.json" "$T/links-$code.csv" "$n" "$code" <<'PY'
import json, sys
emps, links, n, code = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
json.dump([{"key": "%sk%05d" % (code, i), "code": "%05d" % i, "lastName": "社員", "firstName": str(i)}
           for i in range(n)], open(emps, "w"))
with open(links, "w", encoding="utf-8") as f:
    f.write('"連携種別","種別コード","打刻先アカウント","姓・名","サービスアカウント"\r\n')
    for i in range(n):
        f.write('"LanScope連携","2","%05d","社員 %d","CORP\\user%05d"\r\n' % (i, i, i))
PY
    curl -sS -X PUT "$SIM/_sim/employees" --data-binary @"$T/emps-$code.json" >/dev/null
    printf 'bench\n' | "$BUILD/loginrec" --db "$db" kot set "$code" --base-url "$SIM" --token - \
        --delivery off >/dev/null
    "$BUILD/loginrec" --db "$db" kot sync "$code" >/dev/null
    "$BUILD/loginrec" --db "$db" links import "$code" "$T/links-$code.csv" >/dev/null
    echo "$token"
}

# sim_all_employees: the simulator knows the employees of every company made
# (each company's sync saw only its own).
sim_all_employees() {
    python3 -c 'import json, sys; print(json.dumps([e for f in sys.argv[1:] for e in json.load(open(f))]))' \
        "$T"/emps-*.json | curl -sS -X PUT "$SIM/_sim/employees" --data-binary @- >/dev/null
}

# start_loginrecd DB [options]: loginrecd on a free port, its log in
# $LRD_LOG (default $T/loginrecd.log); sets URL, LRD_PID.
start_loginrecd() {
    local db=$1 log=${LRD_LOG:-$T/loginrecd.log}; shift
    "$BUILD/loginrecd" --db "$db" --listen 127.0.0.1:0 --malion-interval 0 --sync-interval 0 "$@" \
        2>"$log" &
    LRD_PID=$!
    PORT=""
    for _ in $(seq 1 300); do
        PORT=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$log")
        [ -n "$PORT" ] && break; sleep 0.1
    done
    [ -n "$PORT" ] || { cat "$log"; echo "bench: loginrecd did not start" >&2; exit 1; }
    URL="http://127.0.0.1:$PORT"
}

# lrd_kib FIELD: loginrecd's VmRSS or VmHWM (peak) in KiB.
lrd_kib() { sed -n "s/^$1:[[:space:]]*\([0-9]*\).*/\1/p" "/proc/$LRD_PID/status"; }

stop_loginrecd() {
    [ -n "$LRD_PID" ] && kill "$LRD_PID" 2>/dev/null && wait "$LRD_PID" 2>/dev/null
    LRD_PID=""
}

# part NAME JSON: a benchmark's entry {value, unit, baseline, ratio, detail}.
part() { printf '%s\n' "$2" > "$RESULTS/parts/$1.json"; }

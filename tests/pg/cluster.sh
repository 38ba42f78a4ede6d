#!/bin/sh
# A throw-away PostgreSQL 15 cluster for the tests labelled postgres:
#   tests/pg/cluster.sh start DIR   initdb + pg_ctl in a temp folder, on a free
#                                   loopback port; DIR/url gets its URL
#   tests/pg/cluster.sh stop DIR    stops it and removes its folder
# As root, the server runs as the unprivileged "postgres" user (PostgreSQL
# refuses root). Settings are for tests: no fsync (the cluster dies with
# the run anyway; PG_DURABLE=1 keeps PostgreSQL's durable defaults, as the
# benchmarks do), many connections (three instances and their pools).
set -eu
cmd=${1:?usage: $0 start|stop DIR}
DIR=${2:?usage: $0 start|stop DIR}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found (apt install postgresql-15)"; exit 1; }

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
start)
    mkdir -p "$DIR"
    [ -f "$DIR/data" ] && sh "$0" stop "$DIR"
    DATA=$(mktemp -d /tmp/loginrec-pg.XXXXXX)
    echo "$DATA" > "$DIR/data"
    [ "$(id -u)" = 0 ] && chown postgres "$DATA"
    as_owner "$PGBIN/initdb" -D "$DATA/db" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
        { cat "$DIR/initdb.log"; exit 1; }
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    FAST="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${PG_DURABLE:-0}" = 1 ] && FAST=""
    as_owner "$PGBIN/pg_ctl" -D "$DATA/db" -l "$DATA/server.log" -w -t 60 \
        -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 $FAST -c max_connections=300" \
        start >/dev/null || { cat "$DATA/server.log"; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$PORT/postgres" > "$DIR/url"
    echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT ($DATA)"
    ;;
stop)
    [ -f "$DIR/data" ] || exit 0
    DATA=$(cat "$DIR/data")
    as_owner "$PGBIN/pg_ctl" -D "$DATA/db" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$DATA" "$DIR/data" "$DIR/url"
    ;;
restart)
    DATA=$(cat "$DIR/data")
    as_owner "$PGBIN/pg_ctl" -D "$DATA/db" -l "$DATA/server.log" -w -t 60 -m fast restart >/dev/null
    ;;
*)
    echo "usage: $0 start|stop|restart DIR"; exit 2
    ;;
esac

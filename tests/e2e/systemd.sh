#!/bin/bash
# loginrecd under systemd (issue 25, part 1): Type=notify and the watchdog,
# spoken through libsystemd to a real notify socket (systemd's side is
# notify_listen.py). READY=1 once it listens; WATCHDOG=1 every half of
# WATCHDOG_USEC, but only while its own /healthz answers (a database that
# fails or hangs stops the pings, so systemd would restart it), and again
# once it answers; STOPPING=1 at SIGTERM.
. "$(dirname "$0")/lib.sh"
"$LR" init > /dev/null
NOTES="$T/notify.txt"
python3 "$(dirname "$0")/notify_listen.py" "$T/notify.sock" "$NOTES" --max-seconds 120 &
EXTRA_PIDS="${EXTRA_PIDS:-} $!"
for _ in $(seq 1 100); do [ -S "$T/notify.sock" ] && break; sleep 0.1; done
pings() { grep -c $'\tWATCHDOG=1$' "$NOTES" || true; }

# a ping each second (WATCHDOG_USEC is the period systemd allows: 2 s)
NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=2000000 \
    start_server --malion-interval 0 --sync-interval 0 --no-kot
for _ in $(seq 1 100); do grep -q $'\tREADY=1$' "$NOTES" && break; sleep 0.1; done
expect_eq "READY=1 once it listens, with the address in STATUS" "1 1" \
    "$(grep -c $'\tREADY=1$' "$NOTES") $(grep -c $'\tSTATUS=listening on http://127.0.0.1:'"$PORT"'$' "$NOTES")"
http GET /healthz
expect_eq "and it answers" 200 "$STATUS"

n1=$(pings); sleep 4; n2=$(pings)
expect_eq "pinged while /healthz answers (at least 2 in 4 s)" 1 "$([ $((n2 - n1)) -ge 2 ] && echo 1)"

# the database stops answering: PostgreSQL's table locked by another
# session (a query that hangs), SQLite's table gone (a query that fails)
if [ -n "$PG_DB" ]; then
    psql "$LOGINREC_DB" -qAtX -c "BEGIN; LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(7); COMMIT;" > /dev/null &
    LOCKER=$!
else
    db_sql "ALTER TABLE schema_migrations RENAME TO schema_migrations_hidden"
fi
sleep 1.5
n1=$(pings); sleep 3; n2=$(pings)
expect_eq "no ping while the database does not answer" 0 "$((n2 - n1))"
expect_eq "and it says why, once" 1 "$(grep -c 'systemd watchdog: not pinged: probe: ' "$T/server.log")"

if [ -n "$PG_DB" ]; then wait "$LOCKER"; else
    db_sql "ALTER TABLE schema_migrations_hidden RENAME TO schema_migrations"; fi
for _ in $(seq 1 100); do grep -q 'systemd watchdog: /healthz answers again' "$T/server.log" && break; sleep 0.1; done
n1=$(pings); sleep 3; n2=$(pings)
expect_eq "pinged again once it answers, without a restart" 1 "$([ $((n2 - n1)) -ge 2 ] && echo 1)"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID"; rc=$?
SERVER_PID=""
expect_eq "STOPPING=1 at SIGTERM, then a clean exit" "1 0" "$(grep -c $'\tSTOPPING=1$' "$NOTES") $rc"
finish

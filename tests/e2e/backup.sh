#!/bin/bash
# Backup and restore (issue 25, part 5). SQLite: `loginrec backup` while
# loginrecd runs and a client ingests without pause; every batch
# acknowledged before the backup began is in it, whole (no batch half
# there), and the copy is sound; `restore` puts it in a new place with its
# key, refuses the live database, an existing one without --replace, a
# newer schema, and leaves nothing half written. PostgreSQL: loginrec
# points to pg_dump and pg_restore, and the commands README gives bring the
# database back.
. "$(dirname "$0")/lib.sh"
"$LR" init > /dev/null
TOKEN=$("$LR" company add ACM "Acme")

if [ -n "$PG_DB" ]; then
    out=$("$LR" backup "$T/b.db" 2>&1) && rc=0 || rc=$?
    expect_eq "backup of a PostgreSQL database: refused, naming pg_dump" "1 1" \
        "$rc $(printf '%s' "$out" | grep -c 'pg_dump -Fc -f FILE URL, and pg_restore -d URL FILE')"
    start_server --no-kot --malion-interval 0
    python3 "$(dirname "$0")/ingest_loop.py" "$URL" "$TOKEN" "$T/acks" "$T/stop" --max-seconds 2 > /dev/null
    n=$(db_sql "SELECT count(*) FROM log_events")
    # README's commands, as given
    pg_dump -Fc -f "$T/pg.dump" "$LOGINREC_DB"
    psql "$PG_URL" -qX -c "CREATE DATABASE ${PG_DB}_r" > /dev/null
    pg_restore -d "${LOGINREC_DB}_r" "$T/pg.dump"
    expect_eq "pg_dump and pg_restore: every event back, and loginrec reads it" \
        "$n $n" "$(psql "${LOGINREC_DB}_r" -qAtX -c 'SELECT count(*) FROM log_events') $("$LR" --db "${LOGINREC_DB}_r" events ACM | tail -n +2 | wc -l)"
    stop_server
    psql "$PG_URL" -qX -c "DROP DATABASE ${PG_DB}_r" > /dev/null
    finish
    exit
fi

# a database of some size first, so the copy takes a while
python3 - "$T/big.json" <<'PY'
import json, sys
ev = [{"source": "lanscope", "account": "old%d" % (i % 300), "host": "OLD-%d" % (i % 50),
       "op": "logon" if i % 2 == 0 else "logoff",
       "time": "2026-09-%02dT%02d:%02d:%02d+09:00" % (1 + i % 28, i % 24, i % 60, (i // 60) % 60)}
      for i in range(60000)]
json.dump(ev, open(sys.argv[1], "w"))
PY
start_server --no-kot --malion-interval 0
http POST /api/v1/ingest -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" --data-binary @"$T/big.json"
expect_eq "a database with some weight" 200 "$STATUS"

python3 "$(dirname "$0")/ingest_loop.py" "$URL" "$TOKEN" "$T/acks" "$T/stop" --max-seconds 120 > "$T/client.log" 2>&1 &
CLIENT=$!
EXTRA_PIDS="$EXTRA_PIDS $CLIENT"
for _ in $(seq 1 200); do [ "$(wc -l < "$T/acks" 2>/dev/null || echo 0)" -ge 10 ] && break; sleep 0.1; done
t0=$(python3 -c 'import time; print("%.6f" % time.time())')
"$LR" backup "$T/backup.db" --with-key > "$T/backup.out"
t1=$(python3 -c 'import time; print("%.6f" % time.time())')
sleep 1
touch "$T/stop"
wait "$CLIENT"
before=$(awk -v t="$t0" '$1 < t {print $2}' "$T/acks" | sort -n)
during=$(awk -v a="$t0" -v b="$t1" '$1 >= a && $1 < b' "$T/acks" | wc -l)
echo "batches acknowledged: $(wc -l < "$T/acks") in all, $(echo "$before" | wc -w) before the backup, $during during it"
expect_eq "backup says what it copied, and writes the key beside it (0600)" "1 600" \
    "$(grep -c '^backup .*backup.db: .* MB, schema [0-9]*, [0-9]* events, consistent at one moment' "$T/backup.out") $(stat -c %a "$T/backup.db.key")"
expect_eq "the copy is one sound file" "ok delete" \
    "$(sqlite3 "$T/backup.db" 'PRAGMA integrity_check') $(sqlite3 "$T/backup.db" 'PRAGMA journal_mode')"
# every batch: all of its 50 events or none; those acknowledged before the backup: all
sqlite3 "$T/backup.db" "SELECT host, count(*) FROM log_events WHERE host LIKE 'PC-%' GROUP BY host" > "$T/in_backup"
missing=""
for i in $before; do grep -qx "PC-$i|50" "$T/in_backup" || missing="$missing $i"; done
expect_eq "every batch acknowledged before the backup began is in it" "" "$missing"
expect_eq "no batch is in it in part" 0 "$(grep -vc '|50$' "$T/in_backup" || true)"
expect_eq "the live database went on meanwhile: it has more" 1 \
    "$([ "$(db_sql "SELECT count(*) FROM log_events")" -gt "$(sqlite3 "$T/backup.db" 'SELECT count(*) FROM log_events')" ] && echo 1)"

# --- restore ------------------------------------------------------------------
out=$("$LR" restore "$T/backup.db" 2>&1) && rc=0 || rc=$?
expect_eq "restore over the live database: refused without --replace" "1 1" "$rc $(printf '%s' "$out" | grep -c 'only with --replace')"
live=$(db_sql "SELECT count(*) FROM log_events")
out=$("$LR" restore "$T/backup.db" --replace 2>&1) && rc=0 || rc=$?
expect_eq "and with --replace, while loginrecd runs on it: refused, nothing changed" "1 1 $live" \
    "$rc $(printf '%s' "$out" | grep -c 'is in use (is loginrecd running on it?): stop it first') $(db_sql 'SELECT count(*) FROM log_events')"
R="$T/elsewhere/restored.db"
mkdir -p "$T/elsewhere"
"$LR" --db "$R" restore "$T/backup.db" --with-key > "$T/restore.out"
expect_eq "restored elsewhere with its key: the same events, a sound database, the same key" \
    "$(sqlite3 "$T/backup.db" 'SELECT count(*) FROM log_events') ok 0" \
    "$(sqlite3 "$R" 'SELECT count(*) FROM log_events') $(sqlite3 "$R" 'PRAGMA integrity_check') $(cmp -s "$R.key" "$LOGINREC_DB.key"; echo $?)"
expect_eq "loginrec works on it" "1" \
    "$("$LR" --db "$R" events ACM --from 2026-09-01 --to 2026-09-02 | grep -c OLD-0 | sed 's/^[1-9][0-9]*$/1/')"
start_server_on() { # a loginrecd on the restored copy starts and answers
    "$LRD" --db "$R" --listen 127.0.0.1:0 --no-kot --malion-interval 0 2> "$T/restored.log" &
    RPID=$!
    EXTRA_PIDS="$EXTRA_PIDS $RPID"
    wait_listening "$T/restored.log" 1 "$RPID"
}
stop_server
start_server_on
expect_eq "loginrecd serves the restored database" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/whoami")"
kill -TERM "$RPID"; wait "$RPID" || true

# --- what is refused, and nothing half written ------------------------------
out=$("$LR" backup "$T/backup.db" 2>&1) && rc=0 || rc=$?
expect_eq "a backup is never written over a file" "1 1" "$rc $(printf '%s' "$out" | grep -c 'exists: a backup is never written over a file')"
out=$("$LR" backup "$T/no/such/dir/b.db" 2>&1) && rc=0 || rc=$?
expect_eq "a backup that cannot be written fails and leaves nothing" "1 0" "$rc $(find "$T" -name '*.part-*' | wc -l)"
printf 'not a database' > "$T/junk.db"
out=$("$LR" --db "$T/new.db" restore "$T/junk.db" 2>&1) && rc=0 || rc=$?
expect_eq "a file that is not a sound loginrec database is not restored" "1 0" "$rc $([ -s "$T/new.db" ] && echo 1 || echo 0)"
cp "$T/backup.db" "$T/future.db"
sqlite3 "$T/future.db" "INSERT INTO schema_migrations VALUES (9999, 'from the future', 0)"
out=$("$LR" --db "$T/new2.db" restore "$T/future.db" 2>&1) && rc=0 || rc=$?
expect_eq "nor one newer than this loginrec" "1 1" "$rc $(printf '%s' "$out" | grep -c 'schema 9999, newer than this loginrec')"
printf 'x%.0s' $(seq 1 64) > "$T/other.key"
cp "$T/other.key" "$T/elsewhere2.db.key"
out=$("$LR" --db "$T/elsewhere2.db" restore "$T/backup.db" --with-key 2>&1) && rc=0 || rc=$?
expect_eq "nor with --with-key over a different key (the database untouched)" "1 1 0" \
    "$rc $(printf '%s' "$out" | grep -c 'differs from the backup') $([ -e "$T/elsewhere2.db" ] && echo 1 || echo 0)"
finish

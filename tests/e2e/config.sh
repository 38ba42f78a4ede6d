#!/bin/bash
# loginrecd's settings (issue 25, part 2): defaults, loginrecd.conf, flags,
# the environment, each over the one before, seen by --check-config (every
# setting, where it came from, no secret shown) and by a real start (a
# setting only the environment carried before reaches the code that reads
# it: the key file named in the file starts the KING OF TIME worker). Bad
# input says where: the file, the line, the column and what is expected; a
# flag or variable by its name.
. "$(dirname "$0")/lib.sh"
unset LOGINREC_DB # the settings file's, the flags' and the environment's alone below
CONF="$T/loginrecd.conf"
KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
# got OUTPUT NAME: "VALUE from WHERE" of setting NAME in --check-config's
# output ("# help; from WHERE" above each "name = value")
got() {
    awk -v n="$2" '/^# / { f = $0; sub(/.*; from /, "", f) }
                   $1 == n && $2 == "=" { v = $0; sub(/^[^=]*= ?/, "", v); print v " from " f }' <<<"$1"
}

# no file: the defaults, and a missing default file is no error
out=$(LOGINREC_TIME_OFFSET_S= "$LRD" --check-config --config-absent-is-fine 2>&1) && rc=0 || rc=$?
expect_eq "an unknown flag is refused" "2" "$rc"
out=$(env -u LOGINREC_TIME_OFFSET_S "$LRD" --check-config) && rc=0 || rc=$?
expect_eq "no settings file: exit 0, the defaults" "0|4 from default|127.0.0.1:8080 from default|1" \
    "$rc|$(got "$out" threads)|$(got "$out" listen)|$(grep -c 'not there: defaults' <<<"$out")"

cat > "$CONF" <<CONF
# loginrecd settings
[loginrecd]
db = postgresql://lr:hunter2@db.internal:5432/loginrec
listen = 127.0.0.1:0
threads = 3
cache_mb = 16
kot_timeout_ms = 2500
key = $KEY
divergence_fetch_at = off
CONF
out=$("$LRD" --config "$CONF" --check-config) && rc=0 || rc=$?
expect_eq "the file's values, each from its line" "0|3 from $CONF:5|2500 from $CONF:7|off from $CONF:9|16 from $CONF:6" \
    "$rc|$(got "$out" threads)|$(got "$out" kot_timeout_ms)|$(got "$out" divergence_fetch_at)|$(got "$out" cache_mb)"
expect_eq "no secret is shown: the key's line commented out, the database URL without its password" \
    "0 0 1|postgresql://lr@db.internal:5432/loginrec from $CONF:3" \
    "$(grep -c "$KEY" <<<"$out") $(grep -c hunter2 <<<"$out") $(grep -c '^# key = (set, not shown)$' <<<"$out")|$(got "$out" db)"
out=$("$LRD" --db 'postgresql://lr@db/lr?sslmode=require&password=hunter2' --check-config)
expect_eq "nor a password given as a parameter" "0|postgresql://lr@db/lr?sslmode=require&password=(x) from --db" \
    "$(grep -c hunter2 <<<"$out")|$(got "$out" db)"
# what --check-config prints is a settings file loginrecd takes back as it is
"$LRD" --config "$CONF" --check-config > "$T/again.conf"
out=$("$LRD" --config "$T/again.conf" --check-config) && rc=0 || rc=$?
expect_eq "--check-config's output read back as a settings file (the key not: it was not shown)" "0|3 from $T/again.conf:17| from default" \
    "$rc|$(got "$out" threads)|$(got "$out" key)"

# flags over the file, the environment over flags
out=$(LOGINREC_KOT_TIMEOUT_MS=4000 LOGINREC_DB="$T/env.db" "$LRD" --config "$CONF" --threads 2 \
    --db "$T/flag.db" --no-kot --check-config)
expect_eq "a flag over the file, the environment over a flag" \
    "2 from --threads|off from --no-kot|$T/env.db from LOGINREC_DB|4000 from LOGINREC_KOT_TIMEOUT_MS" \
    "$(got "$out" threads)|$(got "$out" kot)|$(got "$out" db)|$(got "$out" kot_timeout_ms)"
out=$(LOGINREC_CONFIG="$CONF" "$LRD" --check-config)
expect_eq "LOGINREC_CONFIG names the file" "3 from $CONF:5" "$(got "$out" threads)"

# the example file (etc/loginrecd.conf, what make install puts in
# /etc/loginrec) names every setting with its default: uncommented whole,
# each setting comes from it, at the value the defaults give
EXAMPLE="$(dirname "$0")/../../etc/loginrecd.conf"
sed 's/^#\([a-z_]* = \)/\1/' "$EXAMPLE" > "$T/all.conf"
defaults=$(env -u LOGINREC_TIME_OFFSET_S "$LRD" --config /dev/null --check-config | grep '^[a-z_]* = ')
all=$(env -u LOGINREC_TIME_OFFSET_S "$LRD" --config "$T/all.conf" --check-config)
expect_eq "the example file: every setting, each at its default" \
    "$(wc -l <<<"$defaults") $defaults" \
    "$(grep -c "; from $T/all.conf:" <<<"$all") $(grep '^[a-z_]* = ' <<<"$all")"

# errors: where, and what is expected
err_of() { "$LRD" "$@" --check-config 2>&1 >/dev/null && echo "exit 0" || echo "exit $?"; }
printf '[loginrecd]\nthreads = many\n' > "$T/bad1.conf"
expect_eq "a bad value: file, line, column, what is expected" \
    "loginrecd: $T/bad1.conf:2:11: threads must be a whole number from 1 to 64, not 'many'|exit 2" \
    "$(err_of --config "$T/bad1.conf" | paste -sd'|')"
printf '[loginrecd]\n\n# a comment\nthread = 2\n' > "$T/bad2.conf"
expect_eq "an unknown setting: its line, and where the names are listed" \
    "loginrecd: $T/bad2.conf:4:10: unknown setting 'thread' (loginrecd --check-config lists them)|exit 2" \
    "$(err_of --config "$T/bad2.conf" | paste -sd'|')"
printf '[server]\nthreads = 2\n' > "$T/bad3.conf"
expect_eq "an unknown section" \
    "loginrecd: $T/bad3.conf:1:1: unknown section [server]; the settings go under [loginrecd]|exit 2" \
    "$(err_of --config "$T/bad3.conf" | paste -sd'|')"
printf '[loginrecd]\nthreads 2\n' > "$T/bad4.conf"
expect_eq "a line without =" "loginrecd: $T/bad4.conf:2:1: expected 'name = value'|exit 2" \
    "$(err_of --config "$T/bad4.conf" | paste -sd'|')"
printf '[loginrecd]\ndivergence_fetch_at = 25:00\n' > "$T/bad5.conf"
expect_eq "a time" "loginrecd: $T/bad5.conf:2:23: divergence_fetch_at must be a time HH:MM (00:00 to 23:59) or off, not '25:00'|exit 2" \
    "$(err_of --config "$T/bad5.conf" | paste -sd'|')"
printf '[loginrecd]\n  secure_cookies=maybe\n' > "$T/bad6.conf"
expect_eq "a switch, its column past the indent" "loginrecd: $T/bad6.conf:2:18: secure_cookies must be on or off, not 'maybe'|exit 2" \
    "$(err_of --config "$T/bad6.conf" | paste -sd'|')"
expect_eq "a named file that is not there" \
    "loginrecd: cannot read the settings file $T/none.conf: No such file or directory|exit 2" \
    "$(err_of --config "$T/none.conf" | paste -sd'|')"
expect_eq "a bad flag value, by the flag" \
    "loginrecd: --cache-mb: cache_mb must be a whole number from 0 to 65536, not '-1'|exit 2" \
    "$(err_of --cache-mb -1 | paste -sd'|')"
expect_eq "a bad variable, by its name" \
    "loginrecd: LOGINREC_OUTBOX_LEASE_S: outbox_lease_s must be a whole number from 1 to 86400, not '0'|exit 2" \
    "$(LOGINREC_OUTBOX_LEASE_S=0 err_of | paste -sd'|')"
expect_eq "--config without its file" "loginrecd: --config needs a file|exit 2" \
    "$({ "$LRD" --check-config --config 2>&1 >/dev/null && echo "exit 0" || echo "exit $?"; } | paste -sd'|')"
expect_eq "a bad SMTP URL" "loginrecd: smtp_url must be smtp://HOST:PORT or smtps://HOST:PORT|exit 2" \
    "$(err_of --smtp-url http://mail | paste -sd'|')"

# a real start from the file alone: its database, its listen address, and
# its key file (no DB.key beside the database), which only the environment
# named before; with it the KING OF TIME worker starts
"$LR" --db "$T/conf.db" init > /dev/null
mv "$T/conf.db.key" "$T/elsewhere.key"
cat > "$T/run.conf" <<CONF
[loginrecd]
db = $T/conf.db
listen = 127.0.0.1:0
threads = 2
malion_interval = 0
sync_interval = 0
key_file = $T/elsewhere.key
CONF
"$LRD" --config "$T/run.conf" 2> "$T/run.log" &
RUN_PID=$!
wait_listening "$T/run.log" 1 "$RUN_PID"
expect_eq "started from the file alone, on its address and database" "1" \
    "$(grep -c "(database $T/conf.db)" "$T/run.log")"
expect_eq "the file's key file reached the code that reads it: the worker started" "1 0" \
    "$(grep -c 'KING OF TIME worker started' "$T/run.log") $(grep -c 'not started\|cannot be changed' "$T/run.log")"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/login")
expect_eq "it serves" "200" "$code"
kill "$RUN_PID"; wait "$RUN_PID" 2>/dev/null || true
# the key and the database given in the file reach what reads them, but
# not the .evtx helper, which reads untrusted files: it runs without
# loginrec's variables (here a spy in its place writes what it got)
TOKEN=$(LOGINREC_KEY_FILE="$T/elsewhere.key" "$LR" --db "$T/conf.db" company add ACM Acme)
printf '#!/bin/sh\nenv > "%s"\ncat > /dev/null\nexit 3\n' "$T/helper.env" > "$T/spy.sh"
chmod +x "$T/spy.sh"
cat > "$T/run2.conf" <<CONF
[loginrecd]
db = $T/conf.db
listen = 127.0.0.1:0
malion_interval = 0
kot = off
key = $KEY
evtx_helper = $T/spy.sh
CONF
"$LRD" --config "$T/run2.conf" 2> "$T/run2.log" &
RUN_PID=$!
wait_listening "$T/run2.log" 1 "$RUN_PID"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H "X-Loginrec-Source: evtx" -H "Content-Type: application/octet-stream" \
    --data-binary @"$(dirname "$0")/../data/evtx/Security_with_size_t.evtx" "$URL/api/v1/ingest")
expect_eq "the .evtx helper named in the file ran, without the key or the database in its environment" \
    "1 0 0 0" \
    "$([ -s "$T/helper.env" ] && echo 1) $(grep -c "$KEY" "$T/helper.env") $(grep -c '^LOGINREC_' "$T/helper.env") $(grep -c 'conf.db' "$T/helper.env")"
expect_eq "the ingest it failed is refused, not stored" "1" "$([ "$code" -ge 400 ] && echo 1)"
kill "$RUN_PID"; wait "$RUN_PID" 2>/dev/null || true
finish

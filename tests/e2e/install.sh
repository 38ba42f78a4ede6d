#!/bin/bash
# make install (issue 25, part 1): `cmake --install` into a throw-away root
# (DESTDIR, prefix /usr) puts exactly the programs, the .evtx helper, the
# systemd units and users, /etc/loginrec/loginrecd.conf and the man pages
# in place; the units are valid to systemd and hardened; the installed
# programs run from there (the helper found in ../libexec), the CLI works
# on the settings file's database; a second install keeps an edited
# settings file; every setting, command and option is in its man page.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
R="$T/root"
unset LOGINREC_DB # lib.sh's; here the settings file says where the database is
DESTDIR="$R" cmake --install "$BUILD" --prefix /usr > "$T/install.log"

expect_eq "the installed files, and only them" "etc/loginrec/loginrecd.conf
usr/bin/loginrec
usr/bin/loginrec-agent
usr/bin/loginrecd
usr/lib/systemd/system/loginrec-agent.service
usr/lib/systemd/system/loginrecd.service
usr/lib/sysusers.d/loginrec.conf
usr/libexec/loginrec/loginrec-evtx
usr/share/doc/loginrec/examples/loginrec-agent.ini.example
usr/share/man/man1/loginrec.1.gz
usr/share/man/man8/loginrec-agent.8.gz
usr/share/man/man8/loginrecd.8.gz" "$(cd "$R" && find . -type f -o -type l | sed 's#^\./##' | LC_ALL=C sort)"

# --- the settings file --------------------------------------------------------
CONF="$R/etc/loginrec/loginrecd.conf"
expect_eq "loginrecd.conf: mode 0640, the database in the state folder, the rest at defaults" \
    "640 db = /var/lib/loginrec/loginrec.db 1" \
    "$(stat -c %a "$CONF") $(grep '^db' "$CONF") $(grep -c '^[a-z]' "$CONF")"
expect_eq "the installed loginrecd reads it, the database from its line 10" \
    "db = /var/lib/loginrec/loginrec.db" \
    "$("$R/usr/bin/loginrecd" --config "$CONF" --check-config | grep -A1 "from $CONF:10" | tail -1)"
echo "threads = 7" >> "$CONF"
DESTDIR="$R" cmake --install "$BUILD" --prefix /usr > "$T/install2.log"
expect_eq "a second install keeps the administrator's settings file, and says so" "1 1" \
    "$(grep -c '^threads = 7$' "$CONF") $(grep -c "Keeping: $CONF" "$T/install2.log")"

# --- the systemd units ----------------------------------------------------------
U="$R/usr/lib/systemd/system"
expect_eq "the units start the installed programs with the installed settings" \
    "ExecStart=/usr/bin/loginrecd --config /etc/loginrec/loginrecd.conf
ExecStart=/usr/bin/loginrec-agent --config /etc/loginrec/agent.ini" \
    "$(grep -h '^ExecStart=' "$U/loginrecd.service" "$U/loginrec-agent.service")"
for key in Type=notify WatchdogSec=60 NotifyAccess=main User=loginrec StateDirectory=loginrec \
           ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes \
           CapabilityBoundingSet= RestartPreventExitStatus=2; do
    grep -qx "$key" "$U/loginrecd.service" || not_ok "loginrecd.service has $key"
done
for key in User=loginrec-agent StateDirectory=loginrec-agent ProtectSystem=strict \
           NoNewPrivileges=yes PrivateTmp=yes; do
    grep -qx "$key" "$U/loginrec-agent.service" || not_ok "loginrec-agent.service has $key"
done
ok "loginrecd.service: Type=notify, the watchdog, its own user and state folder, hardened; the agent's likewise"
expect_eq "sysusers.d names both users, loginrec's home the state folder" \
    "loginrec /var/lib/loginrec|loginrec-agent /var/lib/loginrec-agent" \
    "$(awk '$1 == "u" {print $2, $NF}' "$R/usr/lib/sysusers.d/loginrec.conf" | paste -sd'|')"
# systemd's own check (the programs named where they were staged); it
# prints any key it does not know, any bad value, any missing program
mkdir -p "$T/units"
for u in loginrecd loginrec-agent; do
    sed "s#=/usr/bin/#=$R/usr/bin/#" "$U/$u.service" > "$T/units/$u.service"
done
out=$(systemd-analyze verify --man=no "$T/units/loginrecd.service" "$T/units/loginrec-agent.service" 2>&1) &&
    rc=0 || rc=$?
expect_eq "systemd-analyze verify: both units clean" "0 " "$rc $out"
sed 's/^ProtectSystem=strict/ProtectSytem=strict/' "$T/units/loginrecd.service" > "$T/units/typo.service"
expect_eq "(and it does see a wrong key)" 1 \
    "$(systemd-analyze verify --man=no "$T/units/typo.service" 2>&1 | grep -c "Unknown key 'ProtectSytem'")"

# --- the installed programs run from where they are -----------------------------
printf '[loginrecd]\ndb = %s\nthreads = 3\n' "$T/fromconf.db" > "$T/my.conf"
"$R/usr/bin/loginrec" --config "$T/my.conf" init > /dev/null
"$R/usr/bin/loginrec" --config "$T/my.conf" company add ACM "Acme" > /dev/null
expect_eq "the CLI works on the settings file's database (and passes over loginrecd's other settings)" \
    "1 ACM" "$([ -f "$T/fromconf.db" ] && echo 1) $(sqlite3 "$T/fromconf.db" 'SELECT code FROM companies')"
LOGINREC_DB="$T/env.db" "$R/usr/bin/loginrec" --config "$T/my.conf" init > /dev/null
"$R/usr/bin/loginrec" --config "$T/my.conf" --db "$T/flag.db" init > /dev/null
expect_eq "LOGINREC_DB and --db come before the file" "1 1" \
    "$([ -f "$T/env.db" ] && echo 1) $([ -f "$T/flag.db" ] && echo 1)"
expect_eq "a settings file that is not there is an error when named" \
    "loginrec: error: cannot read the settings file $T/none.conf: No such file or directory" \
    "$("$R/usr/bin/loginrec" --config "$T/none.conf" init 2>&1)"
printf '[loginrecd]\ndb %s\n' "$T/x.db" > "$T/bad.conf"
expect_eq "and a line it cannot read is one, with the file and line" 1 \
    "$(LOGINREC_CONFIG="$T/bad.conf" "$R/usr/bin/loginrec" init 2>&1 | grep -c "bad.conf:2")"
"$R/usr/bin/loginrec" --config "$T/my.conf" link set ACM --kind windows 1001 John > /dev/null 2>&1 || true
out=$("$R/usr/bin/loginrec" --config "$T/my.conf" ingest ACM "$SRC/tests/data/evtx/post-Security.evtx" --source evtx)
expect_eq "an installed loginrec finds its .evtx helper in /usr/libexec/loginrec" 126 \
    "$(json_get "$out" 'j["file"]["records"]')"

# --- the man pages ------------------------------------------------------------------
M="$R/usr/share/man"
for p in man1/loginrec.1.gz man8/loginrecd.8.gz man8/loginrec-agent.8.gz; do
    out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$M/$p" 2>&1 >/dev/null)
    expect_eq "man $p: no warning from groff" "" "$out"
done
page() { zcat "$M/$1" | LC_ALL=C.UTF-8 MANWIDTH=200 man -E UTF-8 -l - 2>/dev/null; }
missing="" n=0
for s in $("$BUILD/loginrecd" --check-config | sed -n 's/^\([a-z_]*\) = .*/\1/p; s/^# \([a-z_]*\) = (set, not shown)$/\1/p'); do
    page man8/loginrecd.8.gz | grep -q "^ *$s = " || missing="$missing $s"
    n=$((n + 1))
done
expect_eq "loginrecd(8) lists every setting (all 29 of --check-config)" "29" "$n$missing"
missing="" n=0
for c in $("$BUILD/loginrec" --help | sed -n '/^  init$/,$ s/^  \([a-z]\+\)\( .*\)\?$/\1/p' | sort -u); do
    page man1/loginrec.1.gz | grep -q "^ *$c\b" || missing="$missing $c"
    n=$((n + 1))
done
expect_eq "loginrec(1) lists every command (all 22 of --help)" "22" "$n$missing"
missing="" n=0
for o in $("$BUILD/loginrec-agent" --help 2>&1 | sed -n 's/^  \(--[a-z-]*\).*/\1/p'); do
    page man8/loginrec-agent.8.gz | grep -q -- "^ *$o\b" || missing="$missing $o"
    n=$((n + 1))
done
expect_eq "loginrec-agent(8) lists every option (all 20 of --help)" "20" "$n$missing"
finish

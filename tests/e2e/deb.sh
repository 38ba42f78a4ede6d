#!/bin/bash
# make deb (issue 25, part 1): scripts/deb.sh packs the build with
# dpkg-deb; dpkg -c lists exactly the installed files (units where Debian
# 12's systemd looks), with the settings file a conffile, the libraries'
# packages as dependencies, a postinst that makes the users and the state
# folder; lintian finds no error.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DEB=$(sh "$SRC/scripts/deb.sh" "$BUILD" "$T/deb")
expect_eq "the package is named after its version and architecture" \
    "loginrec_$("$BUILD/loginrecd" --help >/dev/null; sed -n 's/^project(loginrec VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")_$(dpkg --print-architecture).deb" \
    "$(basename "$DEB")"
expect_eq "dpkg -c: the files, owned by root" "-rw-r--r-- root/root ./etc/loginrec/loginrecd.conf
-rw-r--r-- root/root ./lib/systemd/system/loginrec-agent.service
-rw-r--r-- root/root ./lib/systemd/system/loginrecd.service
-rwxr-xr-x root/root ./usr/bin/loginrec
-rwxr-xr-x root/root ./usr/bin/loginrec-agent
-rwxr-xr-x root/root ./usr/bin/loginrecd
-rw-r--r-- root/root ./usr/lib/sysusers.d/loginrec.conf
-rwxr-xr-x root/root ./usr/libexec/loginrec/loginrec-evtx
-rw-r--r-- root/root ./usr/share/doc/loginrec/changelog.gz
-rw-r--r-- root/root ./usr/share/doc/loginrec/copyright
-rw-r--r-- root/root ./usr/share/doc/loginrec/examples/loginrec-agent.ini.example
-rw-r--r-- root/root ./usr/share/man/man1/loginrec.1.gz
-rw-r--r-- root/root ./usr/share/man/man8/loginrec-agent.8.gz
-rw-r--r-- root/root ./usr/share/man/man8/loginrecd.8.gz" \
    "$(dpkg -c "$DEB" | awk '$1 !~ /^d/ {print $1, $2, $6}' | LC_ALL=C sort -k3)"
expect_eq "the settings file is a conffile" "/etc/loginrec/loginrecd.conf" \
    "$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xOf - ./conffiles)"
deps=$(dpkg-deb -f "$DEB" Depends)
for lib in libc6 libcurl4 libevtx1 libjansson4 libmicrohttpd12 libpq5 libsodium23 libsqlite3-0 libsystemd0 adduser; do
    case ", $deps," in *", $lib"[\ ,]*) ;; *) not_ok "Depends names $lib: $deps" ;; esac
done
ok "Depends: the libraries' packages (dpkg-shlibdeps) and adduser"
dpkg-deb --ctrl-tarfile "$DEB" | tar -xOf - ./postinst > "$T/postinst"
expect_eq "postinst: valid sh that makes both users and the state folder" "0 2 1" \
    "$(sh -n "$T/postinst"; echo $?) $(grep -c '^ *adduser ' "$T/postinst") $(grep -c 'install -d -o loginrec -g loginrec -m 0750 /var/lib/loginrec' "$T/postinst")"
dpkg-deb -x "$DEB" "$T/x"
expect_eq "the programs are stripped and run" "1 $("$BUILD/loginrecd" --help | head -1)" \
    "$(file "$T/x/usr/bin/loginrecd" | grep -c ', stripped') $("$T/x/usr/bin/loginrecd" --help | head -1)"
lintian --fail-on error "$DEB" > "$T/lintian.txt" 2>&1 && rc=0 || rc=$?
expect_eq "lintian: no error" "0 0" "$rc $(grep -c '^E: ' "$T/lintian.txt")"
cat "$T/lintian.txt"
finish

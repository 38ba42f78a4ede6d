#!/bin/sh
# make deb: loginrec_VERSION_ARCH.deb from a build folder, with dpkg-deb
# (no debhelper): `cmake --install` into a staging root with prefix /usr,
# the programs stripped, the Debian files of packaging/deb/, the library
# dependencies from dpkg-shlibdeps. Prints the package's path.
#   scripts/deb.sh BUILD_DIR OUT_DIR
set -eu
BUILD=$1
OUT=$2
SRC=$(cd "$(dirname "$0")/.." && pwd)
PKG="$SRC/packaging/deb"
VERSION=$(sed -n 's/^project(loginrec VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
ARCH=$(dpkg --print-architecture)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# dpkg-shlibdeps wants the tree where debhelper would put it
WORK="$OUT/pkg"
STAGE="$WORK/debian/loginrec"
rm -rf "$WORK"
DESTDIR="$STAGE" cmake --install "$BUILD" --prefix /usr > "$OUT/install.log"

# Debian 12 keeps units in /lib/systemd/system (its systemd watches there)
mkdir -p "$STAGE/lib/systemd"
mv "$STAGE/usr/lib/systemd/system" "$STAGE/lib/systemd/system"
rmdir "$STAGE/usr/lib/systemd"
for f in "$STAGE"/usr/bin/* "$STAGE"/usr/libexec/loginrec/*; do
    strip --remove-section=.comment --remove-section=.note --strip-unneeded "$f"
done
DOC="$STAGE/usr/share/doc/loginrec"
install -m 0644 "$PKG/copyright" "$DOC/copyright"
sed "s/@VERSION@/$VERSION/" "$PKG/changelog" | gzip -9n > "$DOC/changelog.gz"
chmod 0644 "$DOC/changelog.gz"

# the libraries the programs need, as Debian names their packages
printf 'Source: loginrec\n\nPackage: loginrec\nArchitecture: any\n' > "$WORK/debian/control"
DEPENDS=$(cd "$WORK" && dpkg-shlibdeps -O debian/loginrec/usr/bin/* \
              debian/loginrec/usr/libexec/loginrec/* 2> shlibdeps.log |
          sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { cat "$WORK/shlibdeps.log" >&2; exit 1; }

mkdir -p "$STAGE/DEBIAN"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
    -e "s/@DEPENDS@/$DEPENDS/" "$PKG/control.in" > "$STAGE/DEBIAN/control"
install -m 0755 "$PKG/postinst" "$STAGE/DEBIAN/postinst"
echo /etc/loginrec/loginrecd.conf > "$STAGE/DEBIAN/conffiles"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print |
    sed 's#^\./##' | LC_ALL=C sort | xargs md5sum) > "$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/conffiles" "$STAGE/DEBIAN/md5sums"
# directories 0755 whatever the umask; the settings file is made 0640,
# group loginrec, by postinst (its user does not exist before)
find "$STAGE" -type d -exec chmod 0755 {} +
chmod 0644 "$STAGE/etc/loginrec/loginrecd.conf"
DEB="$OUT/loginrec_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" > /dev/null
echo "$DEB"

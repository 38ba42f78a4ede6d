#!/bin/bash
# Builds jansson for Windows (a static library, mingw-w64) from Debian 12's
# own source package, for loginrec-agent.exe: Debian ships jansson for
# Linux only, and the exe needs no DLL beyond what Windows ships.
# The source comes from Debian's archive, checked against the hashes below
# (those of bookworm's jansson_2.14-2.dsc); nothing downloaded is committed.
#   scripts/win-jansson.sh OUT_DIR TOOLCHAIN_FILE   (installs OUT_DIR/{include,lib})
set -euo pipefail
OUT=$1
TOOLCHAIN=$2
[ -f "$OUT/lib/libjansson.a" ] && exit 0
POOL=${DEBIAN_POOL:-http://deb.debian.org/debian/pool/main}/j/jansson
declare -A SHA256=(
    [jansson_2.14-2.dsc]=6296ddd9c0a022bd1b70074aefb171cfcdf5694a04ffd32b35fd66097621af87
    [jansson_2.14.orig.tar.gz]=c739578bf6b764aa0752db9a2fdadcfe921c78f1228c7ec0bb47fa804c55d17b
    [jansson_2.14-2.debian.tar.xz]=e89fe4fd8221f6934ddb50f2e7f8404311928d0e23e49a5599f3d3d14ee8cb88
)
SRC="$OUT/src"
rm -rf "$SRC"
mkdir -p "$SRC"
for f in "${!SHA256[@]}"; do
    curl -sSfL --retry 3 -o "$SRC/$f" "$POOL/$f"
    echo "${SHA256[$f]}  $SRC/$f" | sha256sum -c --quiet - || {
        echo "win-jansson: $f does not match Debian's hash" >&2
        exit 1
    }
done
(cd "$SRC" && dpkg-source --no-check -x jansson_2.14-2.dsc jansson > /dev/null)
cmake -S "$SRC/jansson" -B "$SRC/build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$OUT" -DJANSSON_BUILD_DOCS=OFF \
    -DJANSSON_EXAMPLES=OFF -DJANSSON_WITHOUT_TESTS=ON -DJANSSON_BUILD_SHARED_LIBS=OFF > /dev/null
cmake --build "$SRC/build" > /dev/null
cmake --install "$SRC/build" > /dev/null
echo "win-jansson: jansson 2.14 (Debian 2.14-2) built for Windows in $OUT"

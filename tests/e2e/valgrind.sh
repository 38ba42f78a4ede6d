#!/bin/bash
# End to end under valgrind memcheck: runs other end-to-end scripts with
# loginrecd under valgrind (lib.sh's LR_WRAP), then fails on any error
# memcheck reported: invalid reads or writes, uses of uninitialised values,
# bad frees, and memory definitely lost when loginrecd stops on SIGTERM.
#   tests/e2e/valgrind.sh BUILD_DIR [SCRIPT...]   (default: api ui_logs ui_daily ui_status secrets)
set -eu
BUILD=$(cd "${1:?usage: $0 BUILD_DIR [SCRIPT...]}" && pwd)
shift
HERE=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)"; exit 1; }
mkdir -p "$BUILD/test-tmp"
VG=$(mktemp -d "$BUILD/test-tmp/valgrind.XXXXXX")
export LR_WRAP="valgrind -q --tool=memcheck --leak-check=full --show-leak-kinds=definite \
--errors-for-leak-kinds=definite --track-origins=yes --log-file=$VG/memcheck.%p"
scripts=("$@")
[ $# -gt 0 ] || scripts=(api ui_logs ui_daily ui_status secrets)
status=0
for s in "${scripts[@]}"; do
    echo "=== $s.sh with loginrecd under memcheck"
    bash "$HERE/$s.sh" "$BUILD" || status=1
done
runs=$(ls "$VG" | wc -l)
reports=$(find "$VG" -type f -size +0 | wc -l)
echo "memcheck: $runs loginrecd runs, $reports with a report"
if [ "$reports" -ne 0 ]; then
    find "$VG" -type f -size +0 -exec head -n 80 {} \;
    status=1
elif [ "$runs" -eq 0 ]; then
    echo "not ok - loginrecd never ran under memcheck"; status=1
fi
[ $status -eq 0 ] && rm -rf "$VG" || echo "kept $VG"
exit $status

#!/bin/sh
# Starts the KING OF TIME simulator for the demo company DMO and points DMO
# at it (打刻連携 on), so `make run` shows the whole flow without a KoT
# account: punches derived from the demo logs are delivered to the
# simulator, which lists them at SIM/_sim/punches.
#
#   scripts/demo-kot.sh BUILD_DIR DB_PATH
# Prints the simulator's URL; its PID goes to DB_PATH.kot-sim.pid (the
# caller stops it). The simulator stops by itself after MAX seconds
# (KOT_SIM_MAX_SECONDS, default 0: never).
set -eu
BUILD=$1
DB=$2
HERE=$(dirname "$0")
LR="$BUILD/loginrec --db $DB"
LOG="$DB.kot-sim.log"

# the employees KoT knows: the demo's four (keys are KoT's, codes are ours)
cat >"$DB.kot-employees.json" <<'JSON'
[{"key":"demo-k1000","code":"1000","lastName":"勤怠","firstName":"太郎","divisionCode":"HQ","divisionName":"本社"},
 {"key":"demo-k1001","code":"1001","lastName":"勤怠","firstName":"花子","divisionCode":"HQ","divisionName":"本社"},
 {"key":"demo-k0012","code":"0012","lastName":"山田","firstName":"一郎","divisionCode":"DEV","divisionName":"開発部"},
 {"key":"demo-k1003","code":"1003","lastName":"佐藤","firstName":"次郎","divisionCode":"DEV","divisionName":"開発部"}]
JSON
cat >"$DB.kot-divisions.json" <<'JSON'
[{"code":"HQ","name":"本社"},{"code":"DEV","name":"開発部"}]
JSON
umask 077
# a throw-away token for the simulator (not a secret of anything real)
TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
python3 "$HERE/../tests/sim/kot/kot_sim.py" --token "$TOKEN" --budget 10 \
    --employees "$DB.kot-employees.json" --divisions "$DB.kot-divisions.json" \
    --max-seconds "${KOT_SIM_MAX_SECONDS:-0}" >"$LOG" 2>&1 &
echo $! >"$DB.kot-sim.pid"
SIM=""
for _ in $(seq 1 50); do
    SIM=$(sed -n 's#^listening on \(http://.*\)$#\1#p' "$LOG")
    [ -n "$SIM" ] && break
    sleep 0.1
done
[ -n "$SIM" ] || { echo "the KoT simulator did not start; see $LOG" >&2; exit 1; }
echo "$TOKEN" | $LR kot set DMO --base-url "$SIM" --token - --delivery on --rate 5 >/dev/null
# like KING OF TIME, the simulator refuses reads 08:30-10:00 and 17:30-18:30
# JST: then loginrecd's periodic sync does it when the window ends
$LR kot sync DMO >/dev/null || echo "note: the demo's KING OF TIME sync did not run now (see above); loginrecd runs it within the hour" >&2
echo "$SIM"

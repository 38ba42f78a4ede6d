#!/bin/sh
# `make run`: creates the demo database on first use, starts the KING OF
# TIME simulator for the demo company, then loginrecd (Ctrl-C stops both).
#   scripts/run.sh BUILD_DIR DB_PATH LISTEN
set -eu
BUILD=$1
DB=$2
LISTEN=$3
if [ ! -f "$DB" ]; then
    echo "Creating the demo database $DB ..."
    sh "$(dirname "$0")/demo.sh" "$BUILD" "$DB"
fi
SIM=$(sh "$(dirname "$0")/demo-kot.sh" "$BUILD" "$DB")
SIM_PID=$(cat "$DB.kot-sim.pid")
trap 'kill "$SIM_PID" 2>/dev/null || true' EXIT INT TERM
TOKEN=$(cat "$DB.demo-token" 2>/dev/null || echo "(token file $DB.demo-token missing)")
LSTOKEN=$(cat "$DB.demo-lanscope-token" 2>/dev/null || true)
ADMIN_PW=$(cat "$DB.demo-admin" 2>/dev/null || echo "(none: loginrec user add DMO admin --password-stdin)")
FROM=$(date -d "7 days ago" +%F)
TO=$(date +%F)
cat <<MSG

loginrec is starting on http://$LISTEN  (Ctrl-C stops it)
  database:           $DB
  demo company:       DMO (デモ株式会社)
  admin UI:           http://$LISTEN/  company ID DMO, login ID admin, password $ADMIN_PW
  DMO ingest token:   $TOKEN
  KING OF TIME:       simulated at $SIM (punches delivered there within seconds)

Try:
  curl -s -H 'Authorization: Bearer $TOKEN' 'http://$LISTEN/api/v1/punches?from=$FROM&to=$TO'
  curl -s -H 'Authorization: Bearer $TOKEN' -H 'Content-Type: application/json' \\
       -d '[{"source":"lanscope","account":"tarouk","host":"PC-TARO","op":"logon","time":"$(date +%F)T09:00:00+09:00"}]' \\
       http://$LISTEN/api/v1/ingest
  curl -s $SIM/_sim/punches                        # what reached KING OF TIME
  $BUILD/loginrec --db $DB outbox DMO              # what is waiting or failed
  $BUILD/loginrec --db $DB check DMO               # warns: HQ changes day at 00:00, LanScope collects at 05:00
MSG
if [ -n "$LSTOKEN" ]; then cat <<MSG
  # the LanScope connector: drop the manager's CSV files into var/lanscope-out
  mkdir -p var/lanscope-out var/agent-state
  $BUILD/loginrec-agent --company DMO --token $LSTOKEN --watch-dir var/lanscope-out \\
       --state-dir var/agent-state --server http://$LISTEN
MSG
fi
echo
"$BUILD/loginrecd" --db "$DB" --listen "$LISTEN"

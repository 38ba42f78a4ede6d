#!/bin/bash
# The demo `make run` serves: built through the CLI, it has punches for the
# linked employees, unlinked events for 佐藤, break punches, overnight days
# for 山田, and loginrecd serves them with the printed token.
. "$(dirname "$0")/lib.sh"

sh "$(dirname "$0")/../../scripts/demo.sh" "$BUILD" "$LOGINREC_DB"
TOKEN=$(cat "$LOGINREC_DB.demo-token")
expect_eq "demo token written" 40 "${#TOKEN}"
expect_eq "token file is private" 600 "$(stat -c %a "$LOGINREC_DB.demo-token")"
expect_eq "key file is private" 600 "$(stat -c %a "$LOGINREC_DB.key")"
expect_eq "demo LanScope token written, private" "32 600" \
    "$(tr -d '\n' < "$LOGINREC_DB.demo-lanscope-token" | wc -c) $(stat -c %a "$LOGINREC_DB.demo-lanscope-token")"
rc=0; out=$("$LR" check DMO) || rc=$?
expect_eq "check DMO warns about HQ's day change (exit 1)" "1 1" \
    "$rc $(printf '%s' "$out" | grep -c '^warning: division HQ (本社) changes day at 00:00 but LanScope collects at 05:00')"

expect_eq "demo administrator's password written, private" "600" "$(stat -c %a "$LOGINREC_DB.demo-admin")"

FROM=$(date -d "8 days ago" +%F); TO=$(date +%F)
CSV=$("$LR" punches DMO --from "$FROM" --to "$TO")
expect_eq "太郎: 7 days x (in, out, break start, break end)" 28 "$(grep -c '^1000,' <<<"$CSV")"
expect_eq "花子: 7 clock-ins, 6 clock-outs (last logoff not arrived)" "7 6" \
    "$(grep -c '^1001,.*clock_in' <<<"$CSV") $(grep -c '^1001,.*clock_out' <<<"$CSV")"
expect_eq "山田: overnight sessions stay on their work day" 14 "$(grep -c '^0012,' <<<"$CSV")"
expect_eq "佐藤 (unlinked) has no punches" 0 "$(grep -c '^1003,' <<<"$CSV" || true)"
expect_eq "unlinked events are kept" 14 "$("$LR" events DMO | grep -c '(unlinked)')"

# make run's KING OF TIME simulator: DMO delivers to it
export LOGINREC_DISPATCH_POLL_MS=100
SIM=$(KOT_SIM_MAX_SECONDS=300 sh "$(dirname "$0")/../../scripts/demo-kot.sh" "$BUILD" "$LOGINREC_DB")
SIM_PID=$(cat "$LOGINREC_DB.kot-sim.pid")
start_server --sync-interval 0
expect_eq "the demo administrator signs in to the admin UI" 303 \
    "$(ui_sign_in "$T/jar" DMO admin "$(cat "$LOGINREC_DB.demo-admin")")"
http GET "/api/v1/punches?from=$FROM&to=$TO" -H "Authorization: Bearer $TOKEN"
expect_eq "loginrecd serves the demo punches (28 + 13 + 14)" 55 "$(json_get "$BODY" 'len(j)')"
delivered() { [ "$(curl -s "$SIM/_sim/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("punches_held"))')" = 55 ]; }
wait_for 60 delivered && ok "the demo punches reach the KoT simulator" || not_ok "the demo punches reach the KoT simulator"
expect_eq "nothing failed" "# 0 pending, 0 sending, 0 failed, 55 done; delivery on" "$("$LR" outbox DMO | head -1)"
finish

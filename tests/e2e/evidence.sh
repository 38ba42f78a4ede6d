#!/bin/bash
# Evidence (issue 25, part 7): each punch names the event it was derived
# from, in GET /api/v1/punches?with=events and on 日別データ ("why does it
# say 22:10?"); each company's events form a hash chain that `loginrec
# verify` recomputes, naming the first event that does not match when the
# database is edited behind loginrec's back (sqlite3 / psql): a changed
# time, a removed event, an event slipped in; purges keep it whole; a
# digest signed with the company's key is checked against it.
. "$(dirname "$0")/lib.sh"
"$LR" init > /dev/null
TOKEN=$("$LR" company add ACM "Acme")
"$LR" employee add ACM 1001 --last 勤怠 --first 太郎 > /dev/null
"$LR" link set ACM --kind lanscope 1001 taro > /dev/null
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin > /dev/null
start_server --no-kot --malion-interval 0
http POST /api/v1/ingest -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" --data-binary '[
 {"source":"lanscope","account":"taro","host":"PC-1","op":"logon","time":"2026-11-16T09:00:00+09:00"},
 {"source":"lanscope","account":"taro","host":"PC-1","op":"logoff","time":"2026-11-16T18:00:00+09:00"},
 {"source":"lanscope","account":"taro","host":"PC-2","op":"logoff","time":"2026-11-16T22:10:00+09:00"}]'
expect_eq "a day: a logon, its logoff, and a lone logoff at 22:10 on another PC" 200 "$STATUS"
ids=$(db_sql "SELECT id FROM log_events ORDER BY ts_utc" | tr '\n' ' ')
set -- $ids
http GET "/api/v1/punches?from=2026-11-16&to=2026-11-16&with=events" -H "Authorization: Bearer $TOKEN"
expect_eq "?with=events: the clock-in from the logon, the clock-out from the 22:10 logoff, each as its source wrote it" \
    "clock_in 2026-11-16T09:00:00+09:00 <- $1 logon 2026-11-16T09:00:00+09:00 PC-1 lanscope taro|clock_out 2026-11-16T22:10:00+09:00 <- $3 logoff 2026-11-16T22:10:00+09:00 PC-2 lanscope taro" \
    "$(json_get "$BODY" '"|".join("%s %s <- %d %s %s %s %s %s" % (p["kind"], p["time"], p["event"]["id"], p["event"]["op"], p["event"]["time"], p["event"]["host"], p["event"]["source"], p["event"]["account"]) for p in j)')"
http GET "/api/v1/punches?from=2026-11-16&to=2026-11-16" -H "Authorization: Bearer $TOKEN"
expect_eq "without it, the answer is as before" "False" "$(json_get "$BODY" '"event" in j[0]')"
http GET "/api/v1/punches?from=2026-11-16&to=2026-11-16&with=everything" -H "Authorization: Bearer $TOKEN"
expect_eq "with= takes events only" "400 'with' takes one value, events (each punch with the event it was derived from), not 'everything'" \
    "$STATUS $(json_get "$BODY" 'j["error"]')"

ui_sign_in "$T/jar" ACM admin 'correct horse battery' > /dev/null
curl -sS -b "$T/jar" -o "$T/daily.html" "$URL/daily?day=2026-11-16"
expect_eq "日別データ: each punch says which event made it" "1 1" \
    "$(grep -c "<span class=\"from\" data-event=\"$1\">根拠: ログオン 09:00 PC-1 (LanScope Cat, taro, #$1)</span>" "$T/daily.html") $(grep -c "<span class=\"from\" data-event=\"$3\">根拠: ログオフ 22:10 PC-2 (LanScope Cat, taro, #$3)</span>" "$T/daily.html")"

# --- the hash chain ---------------------------------------------------------
TOKEN_B=$("$LR" company add BBB "Bravo")
post() { http POST /api/v1/ingest -H "Authorization: Bearer $1" -H "Content-Type: application/json" --data-binary "$2"; }
post "$TOKEN_B" '[{"source":"lanscope","account":"x","host":"B-1","op":"logon","time":"2026-11-17T09:00:00+09:00"},{"source":"lanscope","account":"x","host":"B-1","op":"logoff","time":"2026-11-17T18:00:00+09:00"}]'
post "$TOKEN" '[{"source":"lanscope","account":"taro","host":"PC-1","op":"logon","time":"2026-11-17T08:55:00+09:00"},{"source":"lanscope","account":"taro","host":"PC-1","op":"logoff","time":"2026-11-17T19:05:00+09:00"}]'
post "$TOKEN" '[{"source":"lanscope","account":"taro","host":"PC-1","op":"logon","time":"2026-11-17T08:55:00+09:00"}]' # a duplicate: no link
# a batch whose first is a duplicate: the planned places move up (linked again)
post "$TOKEN" '[{"source":"lanscope","account":"taro","host":"PC-1","op":"logoff","time":"2026-11-17T19:05:00+09:00"},{"source":"lanscope","account":"taro","host":"PC-3","op":"logon","time":"2026-11-17T20:00:00+09:00"}]'
expect_eq "a batch with a duplicate in it: the new event takes the next place" "6 $(db_sql "SELECT id FROM log_events WHERE host = 'PC-3'")" \
    "$(db_sql "SELECT chain_seq FROM log_events WHERE host = 'PC-3'") $(db_sql "SELECT chain_id FROM companies WHERE code = 'ACM'")"
db_sql "DELETE FROM event_flags WHERE event_id IN (SELECT id FROM log_events WHERE host = 'PC-3')"
db_sql "UPDATE punches SET event_id = NULL WHERE event_id IN (SELECT id FROM log_events WHERE host = 'PC-3')"
db_sql "DELETE FROM log_events WHERE host = 'PC-3'"
db_sql "UPDATE companies SET chain_seq = 5, chain_id = (SELECT id FROM log_events WHERE chain_seq = 5 AND company_id = companies.id), chain_head = (SELECT chain FROM log_events WHERE chain_seq = 5 AND company_id = companies.id) WHERE code = 'ACM'"
out=$("$LR" verify ACM) && rc=0 || rc=$?
HEAD=$(db_sql "SELECT max(id) FROM log_events WHERE company_id = (SELECT id FROM companies WHERE code = 'ACM')")
expect_eq "verify: every link matches, the head is the last event" \
    "0 ACM: 5 events, every link matches; head #$HEAD $(db_sql "SELECT chain FROM log_events WHERE id = $HEAD")" "$rc $out"
expect_eq "the links are 64 hex digits, each event's own, and the company's head is its last" "5 5 $HEAD" \
    "$(db_sql "SELECT count(DISTINCT chain) FROM log_events WHERE company_id = (SELECT id FROM companies WHERE code = 'ACM') AND length(chain) = 64") $(db_sql "SELECT count(*) FROM log_events WHERE company_id = (SELECT id FROM companies WHERE code = 'ACM')") $(db_sql "SELECT chain_id FROM companies WHERE code = 'ACM'")"
verify_says() { "$LR" verify ACM 2>&1 | tail -1; }

# a changed time
set -- $(db_sql "SELECT id FROM log_events WHERE company_id = (SELECT id FROM companies WHERE code = 'ACM') ORDER BY id" | tr '\n' ' ')
E1=$1 E2=$2 E3=$3 E4=$4 E5=$5
db_sql "UPDATE log_events SET ts_utc = ts_utc - 3600 WHERE id = $E2"
out=$("$LR" verify ACM 2>&1) && rc=0 || rc=$?
expect_eq "a changed time: exit 1, naming that event" \
    "1 ACM: the chain does not hold: event #$E2 (2026-11-16T17:00:00+09:00 taro logoff PC-1) does not match its link: it was changed after it was stored" \
    "$rc $(printf '%s' "$out" | tail -1)"
db_sql "UPDATE log_events SET ts_utc = ts_utc + 3600 WHERE id = $E2"
expect_eq "put back: it holds again" 0 "$("$LR" verify ACM > /dev/null; echo $?)"

# a removed event (its flags first: their foreign key)
db_sql "CREATE TABLE saved AS SELECT * FROM log_events WHERE id = $E3"
db_sql "DELETE FROM event_flags WHERE event_id = $E3"
db_sql "DELETE FROM log_events WHERE id = $E3"
expect_eq "a removed event: named by where it was" \
    "ACM: the chain does not hold: 1 event(s) stored between #$E2 and #$E4 (2026-11-17T08:55:00+09:00 taro logon PC-1) were removed (places 3 to 3 of the chain), with no purge to say so" \
    "$(verify_says)"
# and a purge's record made up to cover it: its seal does not match
db_sql "INSERT INTO chain_gaps (company_id, seq, prev, mac, made_at) SELECT company_id, 4, chain, '$(printf '00%.0s' $(seq 32))', 0 FROM saved"
expect_eq "a purge's record made behind loginrec's back: its seal does not match" \
    "ACM: the chain does not hold: the record that place 4 of the chain follows a purge was not made by loginrec (its seal does not match): put in behind its back" \
    "$(verify_says)"
db_sql "DELETE FROM chain_gaps"
db_sql "INSERT INTO log_events SELECT * FROM saved"
db_sql "DROP TABLE saved"
expect_eq "put back: it holds again" 0 "$("$LR" verify ACM > /dev/null; echo $?)"

# an event slipped in between two (in a free id: one of BBB's, removed)
FREE=$(db_sql "SELECT max(id) FROM log_events WHERE company_id = (SELECT id FROM companies WHERE code = 'BBB')")
db_sql "DELETE FROM event_flags WHERE event_id = $FREE"
db_sql "DELETE FROM log_events WHERE id = $FREE"
db_sql "INSERT INTO log_events (id, company_id, source, account, host, op, ts_utc, ts_offset, version, raw, received_at, chain) SELECT $FREE, company_id, source, account, host, 'logoff', ts_utc + 600, ts_offset, version, raw, received_at, '$(printf 'ab%.0s' $(seq 32))' FROM log_events WHERE id = $E3"
expect_eq "an event slipped in: named, as not stored by loginrec" \
    "ACM: the chain does not hold: 1 event(s) have no place in the chain, the first #$FREE: they were not stored by loginrec (put in behind its back)" \
    "$(verify_says)"
db_sql "UPDATE log_events SET chain_seq = 3 WHERE id = $FREE"
expect_eq "and one given a place another holds: named too" 1 \
    "$(verify_says | grep -c "claims place 3 of the chain, which event #$E3 holds\|event #$E3 (.*) claims place 3 of the chain, which event #$FREE holds")"
db_sql "DELETE FROM log_events WHERE id = $FREE"
db_sql "INSERT INTO log_events (company_id, source, account, host, op, ts_utc, ts_offset, version, raw, received_at) SELECT company_id, source, account, host, op, ts_utc + 1, ts_offset, version, raw, received_at FROM log_events WHERE id = $E5"
expect_eq "one added at the end without a link: named" 1 "$(verify_says | grep -c 'have no place in the chain, the first #[0-9]*: they were not stored by loginrec')"
db_sql "DELETE FROM log_events WHERE id > $E5 AND company_id = (SELECT id FROM companies WHERE code = 'ACM')"
expect_eq "and one removed at the end: the head says so" \
    "ACM: the chain does not hold: the chain's head is event #$E5 (place 5), but the last event is #$E4 (place 4): the events stored last were removed" \
    "$(db_sql "CREATE TABLE saved AS SELECT * FROM log_events WHERE id = $E5" && db_sql "DELETE FROM event_flags WHERE event_id = $E5" && db_sql "DELETE FROM log_events WHERE id = $E5" && verify_says)"
db_sql "INSERT INTO log_events SELECT * FROM saved"
db_sql "DROP TABLE saved"

# --- the signed digest -------------------------------------------------------
"$LR" digest ACM -o "$T/d1.json"
expect_eq "digest: the head, signed with the company's key (Ed25519), whose public key loginrec gives" \
    "loginrec-digest-v1 ACM $E5 $(db_sql "SELECT chain FROM log_events WHERE id = $E5") 5 ed25519 $("$LR" digest ACM --public-key) 128" \
    "$(json_get "$(cat "$T/d1.json")" '" ".join(str(x) for x in (j["format"], j["company"], j["chain_id"], j["chain_head"], j["events"], j["alg"], j["public_key"], len(j["signature"])))')"
expect_eq "verify --digest: it holds" 1 "$("$LR" verify ACM --digest "$T/d1.json" | grep -c "the digest $T/d1.json is ACM's, and the chain still holds what it signed")"
sed 's/"events": 5/"events": 4/' "$T/d1.json" > "$T/d2.json"
out=$("$LR" verify ACM --digest "$T/d2.json") && rc=0 || rc=$?
expect_eq "a digest changed after it was signed: refused" "1 1" "$rc $(printf '%s' "$out" | grep -c 'signature does not match what it says')"
out=$("$LR" digest ACM -o "$T/d1.json" 2>&1) && rc=0 || rc=$?
expect_eq "a digest is never written over" 1 "$rc"
# The chain rewritten behind loginrec's back, link by link, by someone who
# knows how (chain.h's encoding, recomputed here in Python: a second,
# independent implementation of it): verify cannot tell, the signed digest
# can.
relink() { # relink ID NEW_TS: the event's time changed and its link (and the head) recomputed
    python3 - "$1" "$2" "$(db_sql "SELECT chain FROM log_events WHERE company_id = (SELECT id FROM companies WHERE code = 'ACM') AND chain_seq < (SELECT chain_seq FROM log_events WHERE id = $1) ORDER BY chain_seq DESC LIMIT 1")" \
        "$(db_sql "SELECT company_id || '|' || chain_seq || '|' || source || '|' || account || '|' || host || '|' || op || '|' || ts_offset || '|' || version || '|' || received_at FROM log_events WHERE id = $1")" \
        "$(db_sql "SELECT raw FROM log_events WHERE id = $1")" <<'PY'
import hashlib, struct, sys
eid, ts, prev, row, raw = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4].split("|"), sys.argv[5]
company, seq, source, account, host, op, offset, version, received = row
h = hashlib.blake2b(digest_size=32)
h.update(bytes.fromhex(prev) + b"loginrec-event-v1")
i = lambda v: h.update(struct.pack("<q", int(v)))
t = lambda s: (i(len(s.encode())), h.update(s.encode()))
i(company); i(seq); t(source); t(account); t(host); t(op); i(ts); i(offset); t(version); i(received); t(raw)
print(h.hexdigest())
PY
}
TS=$(db_sql "SELECT ts_utc FROM log_events WHERE id = $E5")
expect_eq "(the second implementation agrees with loginrec's links)" "$(db_sql "SELECT chain FROM log_events WHERE id = $E5")" "$(relink "$E5" "$TS")"
NEW=$(relink "$E5" $((TS - 7200)))
db_sql "UPDATE log_events SET ts_utc = $((TS - 7200)), chain = '$NEW' WHERE id = $E5"
db_sql "UPDATE companies SET chain_head = '$NEW' WHERE code = 'ACM'"
out=$("$LR" verify ACM 2>&1) && rc=0 || rc=$?
expect_eq "a clock-out moved two hours earlier, its link recomputed: the chain alone holds" 0 "$rc"
out=$("$LR" verify ACM --digest "$T/d1.json" 2>&1) && rc=0 || rc=$?
expect_eq "but the digest signed before says so" "1 ACM: the digest $T/d1.json does not hold: event #$E5's link is not the one signed at $(json_get "$(cat "$T/d1.json")" 'j["at"]'): the chain was rewritten since" \
    "$rc $(printf '%s' "$out" | tail -1)"


# --- a database from before the chain (migration 0025 marks its companies) --
unchain() {
    db_sql "UPDATE log_events SET chain = NULL, chain_seq = NULL WHERE company_id = (SELECT id FROM companies WHERE code = 'BBB')"
    db_sql "UPDATE companies SET chain_id = 0, chain_seq = 0, chain_head = '', chain_pending = 1 WHERE code = 'BBB'"
}
unchain
expect_eq "verify's first run links the events stored before the chain, then they verify" \
    "BBB: 1 events stored before the chain existed were linked now (its first run)|BBB: 1 events, every link matches" \
    "$("$LR" verify BBB | cut -d';' -f1 | paste -sd'|')"
unchain
post "$TOKEN_B" '[{"source":"lanscope","account":"x","host":"B-1","op":"logon","time":"2026-11-18T09:00:00+09:00"}]'
expect_eq "or the company's next ingest does, before its own events" "0 BBB: 2 events, every link matches" \
    "$(db_sql "SELECT chain_pending FROM companies WHERE code = 'BBB'") $("$LR" verify BBB | cut -d';' -f1)"
finish

#!/bin/bash
# End to end: the response cache (resp_cache.h) never answers with what a
# write has changed. On SQLite one loginrecd (ctest e2e_cache); on
# PostgreSQL (e2e_pg_cache) two instances on one database, writes sent to
# the first and reads to the second, whose cache the first never sees:
# - the read API: a repeated read is a hit with the same ETag; If-None-Match
#   gets 304; another company's read of the same URL is its own;
# - read your write: ten times, the reader's answer is cached, an ingest is
#   answered 200 by the writer, and the reader's very next read has it;
# - writes that are not ingests: a link removed by the CLI (another
#   process), which retracts punches;
# - ログ表示: a repeated page is a hit; after an ingest the new event is on
#   it; another administrator and another language are their own pages.
. "$(dirname "$0")/lib.sh"

"$LR" init >/dev/null
TOKEN=$("$LR" company add ACM "Acme")
TOKEN_B=$("$LR" company add BBB "Beta")
"$LR" employee add ACM 0012 --last 勤怠 --first 花子 >/dev/null
"$LR" employee add ACM 1000 --last 勤怠 --first 太郎 >/dev/null
"$LR" link set ACM --kind lanscope 0012 hanakok >/dev/null
"$LR" link set ACM --kind lanscope 1000 tarouk >/dev/null
echo 'correct horse battery' | "$LR" user add ACM admin --password-stdin >/dev/null
echo 'battery horse staple' | "$LR" user add ACM second --password-stdin >/dev/null
start_server --no-kot --malion-interval 0
W=$URL R=$URL
if [ -n "$PG_DB" ]; then
    port=$(free_port)
    "$LRD" --db "$LOGINREC_DB" --listen "127.0.0.1:$port" --threads 2 --no-kot \
        --malion-interval 0 2>>"$T/reader.log" &
    EXTRA_PIDS="${EXTRA_PIDS:-} $!"
    R="http://127.0.0.1:$port"
    up() { curl -sSf -o /dev/null --max-time 2 "$R/healthz" 2>/dev/null; }
    wait_for 30 up || { cat "$T/reader.log"; echo "the second instance did not start"; exit 1; }
    ok "two instances on one PostgreSQL database: writes to $W, reads from $R"
fi

MONTH="from=2026-11-01&to=2026-11-30"
# punches BASE TOKEN [curl args] -> status; headers in $T/h, body in $T/b
punches() {
    local base=$1 token=$2
    shift 2
    : > "$T/b" # curl leaves the file alone when there is no body
    curl -sS --max-time 30 -D "$T/h" -o "$T/b" -w '%{http_code}' -H "Authorization: Bearer $token" \
        "$@" "$base/api/v1/punches?$MONTH"
}
hdr() { sed -n "s/^$1: \\(.*\\)\\r\$/\\1/Ip" "$T/h"; }
count() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/b"; }
ingest() { # TOKEN JSON -> status, through the writer
    curl -sS -o /dev/null -w '%{http_code}' --max-time 30 -H "Authorization: Bearer $1" \
        -H 'Content-Type: application/json' "$W/api/v1/ingest" --data-binary "$2"
}
day() { # D -> a logon and a logoff of hanakok on 2026-11-D
    printf '[{"source":"lanscope","account":"hanakok","host":"PC-02","op":"logon","time":"2026-11-%02dT09:00:00+09:00"},' "$1"
    printf '{"source":"lanscope","account":"hanakok","host":"PC-02","op":"logoff","time":"2026-11-%02dT18:00:00+09:00"}]' "$1"
}

# --- the read API: hits, ETag, 304 ------------------------------------------
expect_eq "a first read: 200, computed (X-Cache: miss), no punches yet" "200 miss 0" \
    "$(punches "$R" "$TOKEN") $(hdr X-Cache) $(count)"
E0=$(hdr ETag)
cp "$T/b" "$T/b0"
expect_eq "the same read again: answered from the cache, same ETag and body" "200 hit $E0 same" \
    "$(punches "$R" "$TOKEN") $(hdr X-Cache) $(hdr ETag) $(cmp -s "$T/b" "$T/b0" && echo same)"
expect_eq "the answer may be kept by the client, revalidated each time" "private, no-cache" \
    "$(hdr Cache-Control)"
expect_eq "If-None-Match with its ETag: 304 and no body" "304 0" \
    "$(punches "$R" "$TOKEN" -H "If-None-Match: $E0") $(stat -c %s "$T/b")"
expect_eq "If-None-Match naming it among others, weak: 304" 304 \
    "$(punches "$R" "$TOKEN" -H "If-None-Match: \"x\", W/$E0")"
expect_eq "If-None-Match naming another: 200" 200 "$(punches "$R" "$TOKEN" -H 'If-None-Match: "x"')"
expect_eq "another company's read of the same URL is its own" "200 miss" \
    "$(punches "$R" "$TOKEN_B") $(hdr X-Cache)"

# --- read your write, ten times ---------------------------------------------
seen=""
for d in $(seq 2 11); do
    punches "$R" "$TOKEN" >/dev/null
    punches "$R" "$TOKEN" >/dev/null
    before=$(hdr X-Cache)
    st=$(ingest "$TOKEN" "$(day "$d")")
    seen="$seen $before/$st/$(punches "$R" "$TOKEN")/$(count)"
done
expect_eq "each read right after an ingest's 200 has its punches (cached before, computed after)" \
    " hit/200/200/2 hit/200/200/4 hit/200/200/6 hit/200/200/8 hit/200/200/10 hit/200/200/12 hit/200/200/14 hit/200/200/16 hit/200/200/18 hit/200/200/20" \
    "$seen"
expect_eq "the ETag of the first read no longer matches: 200" 200 \
    "$(punches "$R" "$TOKEN" -H "If-None-Match: $E0")"

# --- a write that is not an ingest, from another process --------------------
punches "$R" "$TOKEN" >/dev/null
"$LR" link delete ACM --kind lanscope 0012 >/dev/null
expect_eq "after the CLI removed the link: the punches are gone from the next read" "200 miss 0" \
    "$(punches "$R" "$TOKEN") $(hdr X-Cache) $(count)"
"$LR" link set ACM --kind lanscope 0012 hanakok >/dev/null
expect_eq "linked again: they are back" "200 20" "$(punches "$R" "$TOKEN") $(count)"

# --- ログ表示 -----------------------------------------------------------------
URL=$W ui_sign_in "$T/jar" ACM admin 'correct horse battery' >/dev/null
page() { # JAR -> status; page in $T/p.html, headers in $T/h
    curl -sS --max-time 30 -b "$1" -D "$T/h" -o "$T/p.html" -w '%{http_code}' "$R/logs?from=2026-11-01&to=2026-11-30"
}
expect_eq "ログ表示: first drawn, then from the cache" "200 miss 200 hit" \
    "$(page "$T/jar") $(hdr X-Cache) $(page "$T/jar") $(hdr X-Cache)"
expect_eq "ingest of an account nobody is linked to" 200 "$(ingest "$TOKEN" \
    '[{"source":"lanscope","account":"newcomer","host":"PC-77","op":"logon","time":"2026-11-20T09:00:00+09:00"}]')"
expect_eq "ログ表示 right after: drawn again, with the new event" "200 miss 1" \
    "$(page "$T/jar") $(hdr X-Cache) $(grep -c newcomer "$T/p.html")"
URL=$W ui_sign_in "$T/jar2" ACM second 'battery horse staple' >/dev/null
expect_eq "another administrator's page is their own" "200 miss 1" \
    "$(page "$T/jar2") $(hdr X-Cache) $(grep -c 'second' "$T/p.html")"
# a read the store fails to answer is a 500, never an empty page kept until
# the next write (SQLite: a table renamed under the server fails its
# statements; PostgreSQL's prepared statements follow a renamed table)
if [ -z "$PG_DB" ]; then
    EMP_PAGE="$R/logs?employee=0012&from=2026-11-01&to=2026-11-29"
    db_sql "ALTER TABLE links RENAME TO links_away"
    expect_eq "the employee's links unreadable: 500" 500 \
        "$(curl -sS -b "$T/jar" -o /dev/null -w '%{http_code}' "$EMP_PAGE")"
    db_sql "ALTER TABLE links_away RENAME TO links"
    expect_eq "readable again: the page has the employee's events, drawn anew" "200 miss yes" \
        "$(curl -sS -b "$T/jar" -D "$T/h" -o "$T/p.html" -w '%{http_code}' "$EMP_PAGE") $(hdr X-Cache) $(grep -q 'PC-02' "$T/p.html" && echo yes)"
fi
CSRF=$(curl -sS -b "$T/jar" "$W/account" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -sS -o /dev/null -b "$T/jar" -c "$T/jar" "$W/lang" --data-urlencode "csrf=$CSRF" -d lang=en -d back=/
expect_eq "after choosing English: the page is drawn in English" "200 miss 1" \
    "$(page "$T/jar") $(hdr X-Cache) $(grep -c '<title>Log view' "$T/p.html")"

finish

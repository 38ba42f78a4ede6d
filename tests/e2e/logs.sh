#!/bin/bash
# loginrecd's logs for machines (issue 25, part 4): --log-format json
# writes one JSON object a line (time, level, component, company,
# request_id, message); every HTTP answer carries X-Request-Id (a proxy's
# well-formed one kept, else ours), and the lines written while answering
# name that id and, once the request is authenticated, its company.
. "$(dirname "$0")/lib.sh"
"$LR" init > /dev/null
TOKEN=$("$LR" company add ACM "Acme")
# one HTTP thread: a company left in its context would show in the next line
start_server --log-format json --malion-interval 0 --sync-interval 0 --threads 1

hdr() { # FILE: the X-Request-Id header curl wrote there
    sed -n 's/^[Xx]-[Rr]equest-[Ii]d: *\([^\r]*\).*/\1/p' "$1"
}
curl -sS -D "$T/h1" -o /dev/null -H "Authorization: Bearer $TOKEN" -H "X-Request-Id: trace-42" \
    -H "Content-Type: application/json" --data-binary \
    '[{"source":"lanscope","account":"taro","host":"PC-1","op":"logon","time":"2026-11-20T09:00:00+09:00"}]' \
    "$URL/api/v1/ingest"
curl -sS -D "$T/h2" -o /dev/null "$URL/login"
# a path whose decoded form has a newline, quotes and a byte that is not UTF-8
# stays one line of JSON (the lines are all checked below)
curl -sS -o /dev/null "$URL/no%0A%22%7D%7B%22level%22%3A%22error%22%7D%FF%5C"
curl -sS -D "$T/h3" -o /dev/null -H "X-Request-Id: two words; and more" "$URL/login"
expect_eq "a proxy's request id is kept and returned" "trace-42" "$(hdr "$T/h1")"
expect_eq "without one, ours: 16 hex characters; an ill-formed one is replaced" "1 1 1" \
    "$(hdr "$T/h2" | grep -cE '^[0-9a-f]{16}$') $(hdr "$T/h3" | grep -cE '^[0-9a-f]{16}$') $([ "$(hdr "$T/h2")" != "$(hdr "$T/h3")" ] && echo 1)"

out=$(python3 - "$T/server.log" "$(hdr "$T/h2")" <<'PY'
import json, re, sys
lines = [l for l in open(sys.argv[1]) if not l.startswith("--- start_server")]
objs = [json.loads(l) for l in lines]
bad = [o for o in objs if set(o) - {"time", "level", "component", "company", "request_id", "message"}
       or not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$", o["time"]) or o["level"] not in ("debug", "info", "warn", "error")]
ingest = [o for o in objs if o["message"].startswith("POST /api/v1/ingest 200")]
login = [o for o in objs if o["message"].startswith("GET /login 200") and o.get("request_id") == sys.argv[2]]
listening = [o for o in objs if "listening on" in o["message"]]
print(len(objs) == len(lines), len(bad),
      ingest and ingest[0].get("request_id") == "trace-42" and ingest[0].get("company") == "ACM" and ingest[0]["component"] == "http",
      len(login) == 1 and "company" not in login[0],
      listening and "request_id" not in listening[0] and listening[0]["component"] != "http")
PY
)
expect_eq "every line a JSON object of the six fields; the ingest's with its request id, company and component; a page's without a company; the start's with neither" \
    "True 0 True True True" "$out"
finish

#!/bin/bash
# Ingest API: API_EVENTS events (default 200,000) in batches of 1,000 JSON
# events over HTTP from 4 concurrent clients (bench/ingest_api.py) into a
# company of 10,000 linked employees, day engine included: events/s and
# p50/p99 per batch. Baseline, same run: the same events through
# `loginrec ingest` on a copy of the same empty database, in files of
# 100,000 (the most it takes at once): no HTTP, one process, a transaction
# per file. Ratio: our time over the baseline's time.
#   bench/ingest_api.sh BUILD_DIR
set -eu
BUILD=$(cd "$1" && pwd)
EVENTS=${API_EVENTS:-200000}
EMPLOYEES=${EMPLOYEES:-10000}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

start_sim bench
TOKEN=$(company "$T/empty.db" BEN "$EMPLOYEES")
kill "$SIM_PID"; SIM_PID=""
cp "$T/empty.db" "$T/api.db"; cp "$T/empty.db.key" "$T/api.db.key"
cp "$T/empty.db" "$T/cli.db"; cp "$T/empty.db.key" "$T/cli.db.key"
start_loginrecd "$T/api.db" --threads 4 --no-kot
sync
python3 "$HERE/ingest_api.py" "$URL" "$TOKEN" "$EVENTS" 1000 4 "$EMPLOYEES" "$T/events" > "$T/api.json"
stop_loginrecd
sync
t0=$(now_ms)
for f in "$T"/events.*.json; do "$BUILD/loginrec" --db "$T/cli.db" ingest BEN "$f" > /dev/null; done
t1=$(now_ms)
same=$(sqlite3 "$T/api.db" "ATTACH '$T/cli.db' AS c; SELECT (SELECT count(*) FROM log_events) || ' ' || (SELECT count(*) FROM c.log_events) || ' ' || (SELECT count(*) FROM punches WHERE state = 'active') || ' ' || (SELECT count(*) FROM c.punches WHERE state = 'active')")
python3 - "$T/api.json" "$((t1 - t0))" "$same" > "$T/part.json" <<'PY'
import json, sys
r, cli_ms = json.load(open(sys.argv[1])), int(sys.argv[2])
ev_api, ev_cli, p_api, p_cli = map(int, sys.argv[3].split())
d = dict(r, ratio_means="API time (4 clients, batches of 1,000) / `loginrec ingest` time of the same events in files of 100,000",
         cli_ms=cli_ms, cli_events_per_s=round(r["events"] / (cli_ms / 1000)),
         events_stored_api=ev_api, events_stored_cli=ev_cli, punches_api=p_api, punches_cli=p_cli)
print(json.dumps({"value": r["events_per_s"], "unit": "events/s", "baseline": d["cli_events_per_s"],
                  "ratio": round(r["seconds"] * 1000 / cli_ms, 3), "detail": d}))
PY
part ingest_api "$(cat "$T/part.json")"
python3 - "$T/part.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); d = p["detail"]
print("API          %d events in %d batches of %d from %d clients: %.1f s, %d events/s; per batch p50 %s ms, p99 %s ms; %d errors" %
      (d["events"], d["batches"], d["batch"], d["clients"], d["seconds"], d["events_per_s"], d["p50_batch_ms"], d["p99_batch_ms"], d["errors"]))
print("CLI          the same events in files of 100,000: %.1f s, %d events/s" % (d["cli_ms"] / 1000, d["cli_events_per_s"]))
print("stored       API %d events, %d punches; CLI %d events, %d punches" % (d["events_stored_api"], d["punches_api"], d["events_stored_cli"], d["punches_cli"]))
print("ratio        %.2fx the CLI's time" % p["ratio"])
PY

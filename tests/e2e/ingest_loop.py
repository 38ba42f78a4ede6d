"""A client that ingests batch after batch until STOP_FILE appears (or
--max-seconds pass), for e2e_backup. Batch i holds N events of host
PC-<i>; after each 200 it appends "<time.time()> <i>" to ACKS (flushed),
so a test knows which batches were acknowledged before a moment.
    ingest_loop.py URL TOKEN ACKS STOP_FILE [--events N] [--max-seconds S]
"""
import argparse
import json
import os
import time
import urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("url")
ap.add_argument("token")
ap.add_argument("acks")
ap.add_argument("stop")
ap.add_argument("--events", type=int, default=50)
ap.add_argument("--max-seconds", type=float, default=120)
a = ap.parse_args()
start = time.time()
i = 0
with open(a.acks, "a", encoding="utf-8") as acks:
    while not os.path.exists(a.stop) and time.time() - start < a.max_seconds:
        i += 1
        batch = [{"source": "lanscope", "account": "user%d" % (k % 40), "host": "PC-%d" % i,
                  "op": "logon" if k % 2 == 0 else "logoff",
                  "time": "2026-10-%02dT%02d:%02d:%02d+09:00" % (1 + i % 28, 8 + k % 12, k % 60, i % 60)}
                 for k in range(a.events)]
        rq = urllib.request.Request(a.url + "/api/v1/ingest", data=json.dumps(batch).encode(),
                                    headers={"Authorization": "Bearer " + a.token,
                                             "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(rq, timeout=30) as r:
                if r.status == 200:
                    acks.write("%.6f %d\n" % (time.time(), i))
                    acks.flush()
        except Exception as e:  # a refused batch is not acknowledged: the test sees it missing
            print("batch %d: %s" % (i, e), flush=True)

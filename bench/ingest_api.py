#!/usr/bin/env python3
"""Ingest API under concurrent clients.

    ingest_api.py URL[,URL...] TOKEN[,TOKEN...] EVENTS BATCH CLIENTS EMPLOYEES OUT.json

Makes EVENTS logon/logoff events (fixed seed; EMPLOYEES users named
CORP\\userNNNNN logging on and off over consecutive days), cuts them into
batches of BATCH, and has CLIENTS threads post the batches over keep-alive
HTTP (client k to the k-th URL of the list and with the k-th token,
round-robin: several loginrecd instances behind no balancer, several
companies). Writes the same events to OUT.0.json, OUT.1.json, ... in files of
100,000 (the most one `loginrec ingest` takes: the baseline's input), and
prints one line of JSON: events/s, p50/p99 per batch.
"""
import datetime
import http.client
import json
import random
import sys
import threading
import time
from urllib.parse import urlparse

from clients import percentile, run_threads

url, token, n, batch, clients, emps, out = sys.argv[1:8]
n, batch, clients, emps = int(n), int(batch), int(clients), int(emps)
rnd = random.Random(20261124)
JST = datetime.timezone(datetime.timedelta(hours=9))
events = []
day = 0
while len(events) < n:
    base = datetime.datetime(2026, 6, 1, tzinfo=JST) + datetime.timedelta(days=day)
    for u in range(emps):
        for op, h, spread in (("logon", 8, 7200), ("logoff", 17, 14400)):
            if len(events) < n:
                t = base + datetime.timedelta(hours=h, seconds=rnd.randrange(spread))
                events.append({"source": "lanscope", "account": "CORP\\user%05d" % u,
                               "host": "PC-%05d" % u, "op": op, "time": t.isoformat()})
    day += 1
for k in range(0, n, 100000):
    json.dump(events[k:k + 100000], open("%s.%d.json" % (out, k // 100000), "w"))
# batches in time order, dealt round-robin to the clients
bodies = [json.dumps(events[i:i + batch]).encode() for i in range(0, n, batch)]
times, errors = [], []
lock = threading.Lock()


def client(k):
    urls, tokens = url.split(","), token.split(",")
    u = urlparse(urls[k % len(urls)])
    bearer = "Bearer " + tokens[k % len(tokens)]
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
    for b in bodies[k::clients]:
        t0 = time.perf_counter()
        c.request("POST", "/api/v1/ingest", b, {"Authorization": bearer,
                                                "Content-Type": "application/json"})
        r = c.getresponse()
        reply = r.read()
        dt = (time.perf_counter() - t0) * 1000
        with lock:
            times.append(dt)
            if r.status != 200 or json.loads(reply).get("accepted", 0) == 0:
                errors.append(r.status)


t0 = time.perf_counter()
run_threads(client, clients)
secs = time.perf_counter() - t0
pct = lambda q: percentile(times, q)
print(json.dumps({"events": n, "batch": batch, "clients": clients, "batches": len(bodies),
                  "seconds": round(secs, 3), "events_per_s": round(n / secs),
                  "p50_batch_ms": round(pct(50), 1), "p99_batch_ms": round(pct(99), 1),
                  "errors": len(errors)}))

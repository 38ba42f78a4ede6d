#!/usr/bin/env python3
"""From an event's HTTP 200 to its punch at KING OF TIME.

    latency.py URL SIM[,SIM...] EVENTS RATE TOKEN:PREFIX:EMPLOYEES ...

Posts EVENTS logon events, one per request, at RATE events/s in all (open
loop: each has its own send time), spread over the companies given as
TOKEN:PREFIX:EMPLOYEES (employee keys PREFIX00000.., user names
CORP\\userNNNNN as bench/lib.sh links them). Each logon is the first of its
employee's day, so it becomes a clock-in punch. The 200's time is noted per
event; the simulator notes when each punch arrived; they are matched by
employee key and punch time, over every simulator given and every tenant
(access token) of each. Baseline: the same client posting punches straight
to the first simulator (1,000 of them, with its default token "bench"), the
HTTP round trip alone. Prints one line of JSON.
"""
import datetime
import http.client
import json
import multiprocessing
import os
import statistics
import sys
import time
from urllib.parse import urlparse

from clients import percentile, run_threads

url, sims, n, rate = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), float(sys.argv[4])
companies = [(t, p, int(e)) for t, p, e in (c.split(":") for c in sys.argv[5:])]
JST = datetime.timezone(datetime.timedelta(hours=9))
CLIENTS = int(os.environ.get("LATENCY_CLIENTS", "16"))
PROCS = min(CLIENTS, int(os.environ.get("LATENCY_PROCS", "4")))


def conn(base):
    u = urlparse(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


# event i: company i % C, employee (i // C) % E, day (i // C) // E
plan = []
for i in range(n):
    token, prefix, emps = companies[i % len(companies)]
    j = i // len(companies)
    emp, day = j % emps, j // emps
    t = datetime.datetime(2026, 10, 1, 9, 0, 0, tzinfo=JST) + datetime.timedelta(days=day, seconds=emp % 600)
    body = json.dumps([{"source": "lanscope", "account": "CORP\\user%05d" % emp, "host": "PC",
                        "op": "logon", "time": t.isoformat()}]).encode()
    plan.append((token, body, (prefix + "%05d" % emp, t.isoformat())))
ok_at = {}
errors = []
start = time.time() + 0.5


def client(k):
    c = conn(url)
    for i in range(k, n, CLIENTS):
        token, body, key = plan[i]
        due = start + i / rate
        d = due - time.time()
        if d > 0:
            time.sleep(d)
        try:
            c.request("POST", "/api/v1/ingest", body, {"Authorization": "Bearer " + token,
                                                       "Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            if r.status != 200:
                errors.append(r.status)
                continue
            ok_at[key] = time.time()
        except (OSError, http.client.HTTPException) as e:
            errors.append(str(e))
            c = conn(url)


def process(p):
    """Process p of PROCS: clients p, p + PROCS, ... as threads; what they saw."""
    run_threads(lambda k: client(p + k * PROCS), len(range(p, CLIENTS, PROCS)))
    return ok_at, errors


# the clients in PROCS processes (forked: each has the plan), not as threads
# of one: one Python process offered no more than 790 requests/s here
with multiprocessing.get_context("fork").Pool(PROCS) as pool:
    for got, errs in pool.map(process, range(PROCS)):
        ok_at.update(got)
        errors.extend(errs)
sent_s = time.time() - start

# wait for every punch (at most 120 s after the last 200)
ss = [conn(sim) for sim in sims]


def get(c, path):
    c.request("GET", path)
    return json.loads(c.getresponse().read())


deadline = time.time() + 120
while time.time() < deadline:
    held = sum(t["punches_held"] for c in ss for t in get(c, "/_sim/stats")["tenants"].values())
    if held >= len(ok_at):
        break
    time.sleep(0.2)
arrived = {(p["employeeKey"], p["time"]): p["received"]
           for c in ss for p in get(c, "/_sim/punches?all=1")}
limited = sum(get(c, "/_sim/stats").get("rate_limited", 0) for c in ss)
lat = [(arrived[k] - t) * 1000 for k, t in ok_at.items() if k in arrived]
s = ss[0]

# baseline: the HTTP round trip of a punch straight to the simulator
rt = []
prefix0 = companies[0][1]
for i in range(1000):
    t = datetime.datetime(2030, 1, 1, 0, 0, 0, tzinfo=JST) + datetime.timedelta(minutes=i)
    # bytes: http.client then sends headers and body in one write
    b = json.dumps({"date": t.date().isoformat(), "time": t.isoformat(), "code": "1"}).encode()
    t0 = time.time()
    s.request("POST", "/api/daily-workings/timerecord/%s00000" % prefix0, b,
              {"Authorization": "Bearer bench", "Content-Type": "application/json"})
    s.getresponse().read()
    rt.append((time.time() - t0) * 1000)

print(json.dumps({
    "events": n, "rate_per_s": rate, "companies": len(companies), "sent_seconds": round(sent_s, 2),
    "acknowledged": len(ok_at), "errors": len(errors), "punches_matched": len(lat),
    "rate_limited": limited,
    "p50_ms": round(percentile(lat, 50), 2) if lat else None, "p99_ms": round(percentile(lat, 99), 2) if lat else None,
    "max_ms": round(max(lat), 2) if lat else None, "min_ms": round(min(lat), 2) if lat else None,
    "mean_ms": round(statistics.mean(lat), 2) if lat else None,
    "direct_p50_ms": round(percentile(rt, 50), 3), "direct_p99_ms": round(percentile(rt, 99), 3)}))

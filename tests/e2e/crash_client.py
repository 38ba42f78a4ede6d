#!/usr/bin/env python3
"""The crash test's client: sends batches of logon/logoff events to the
ingest API until STOP exists, as an agent would: a batch without a 200 is
sent again (the store makes a re-delivery a no-op). Every event of a batch
answered 200 is appended to ACKED as "account<TAB>epoch<TAB>op".

    crash_client.py URL TOKEN ACKED STOP EMPLOYEES
"""
import datetime
import json
import os
import sys
import time
import urllib.request

url, token, acked, stop, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
JST = datetime.timezone(datetime.timedelta(hours=9))
day0 = datetime.datetime(2026, 1, 5, tzinfo=JST)


def batch(k):
    """Batch k: every employee's logon and logoff on day k."""
    d = day0 + datetime.timedelta(days=k)
    ev = []
    for i in range(n):
        on = d + datetime.timedelta(hours=9, minutes=i)
        off = d + datetime.timedelta(hours=18, minutes=i)
        for t, op in ((on, "logon"), (off, "logoff")):
            ev.append({"source": "lanscope", "account": "acct%03d" % i, "host": "PC-%03d" % i,
                       "op": op, "time": t.isoformat()})
    return ev


sent = retries = 0
k = 0
with open(acked, "a") as out:
    while not os.path.exists(stop):
        ev = batch(k)
        req = urllib.request.Request(url + "/api/v1/ingest", data=json.dumps(ev).encode(),
                                     headers={"Authorization": "Bearer " + token,
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                ok = r.status == 200
        except Exception:
            ok = False
        if not ok:
            retries += 1
            time.sleep(0.05)
            continue  # the same batch again
        for e in ev:
            ts = int(datetime.datetime.fromisoformat(e["time"]).timestamp())
            out.write("%s\t%d\t%s\n" % (e["account"], ts, e["op"]))
        out.flush()
        sent += 1
        k += 1
        time.sleep(0.1)  # an agent's pace: the outbox must drain within the test
print("batches acknowledged %d, resent %d" % (sent, retries))

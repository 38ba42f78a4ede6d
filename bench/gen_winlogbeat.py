#!/usr/bin/env python3
"""Writes Winlogbeat's file output (one ECS JSON record per line) of ROWS
records with a fixed seed, the same people and days as gen_lanscope.py:

    gen_winlogbeat.py OUT.ndjson [ROWS] [USERS]

Each user signs in on their PC in the morning (4624, LogonType 2 from
User32) and signs out in the evening (4647), over consecutive days; about
one record in a hundred is SYSTEM's service logon, as in real logs.
"""
import datetime
import json
import random
import sys

out, rows = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rnd = random.Random(20261123)
nusers = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
n = 0
day = 0
record = {}
with open(out, "w", encoding="utf-8") as f:
    while n < rows:
        y, m, d = 2026, 1 + (day // 28) % 12, 1 + day % 28
        for i in range(nusers):
            if n >= rows:
                break
            on = 8 * 3600 + rnd.randrange(7200)
            off = 17 * 3600 + rnd.randrange(14400)
            system = rnd.random() < 0.01
            host = f"PC-{i:05d}"
            logon_id = f"0x{(day * nusers + i) * 4 + 0x10000:x}"
            for t, eid in ((on, 4624), (off, 4647)):
                if n >= rows:
                    break
                record[host] = record.get(host, 0) + 1
                when = datetime.datetime(y, m, d) + datetime.timedelta(seconds=t - 9 * 3600)
                stamp = when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rnd.randrange(10**6):06d}Z"
                data = {"TargetUserName": "SYSTEM" if system else f"user{i:05d}",
                        "TargetUserSid": "S-1-5-18" if system else f"S-1-5-21-1-{1000 + i}",
                        "TargetLogonId": logon_id}
                if eid == 4624:
                    data.update({"LogonType": "5" if system else "2",
                                 "LogonProcessName": "Advapi  " if system else "User32 "})
                f.write(json.dumps({"@timestamp": stamp, "event": {"code": eid, "kind": "event"},
                                    "host": {"name": host.lower() + ".example.local"},
                                    "winlog": {"api": "wineventlog", "channel": "Security",
                                               "computer_name": host, "event_id": eid,
                                               "provider_name": "Microsoft-Windows-Security-Auditing",
                                               "record_id": record[host], "event_data": data}},
                                   separators=(",", ":")) + "\n")
                n += 1
        day += 1

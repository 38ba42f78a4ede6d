#!/usr/bin/env python3
"""Writes a LanScope CSV (one row per event, CP932, CRLF, every field quoted,
as the manager writes it) of ROWS rows with a fixed seed:

    gen_lanscope.py OUT.csv [ROWS] [USERS]

Employees log on and off on their PCs over consecutive days; a few rows are
SYSTEM or other log kinds, as in real files.
"""
import random
import sys

out, rows = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rnd = random.Random(20261123)
nusers = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
users = [f"CORP\\user{i:05d}" for i in range(nusers)]
lines = ['"サブマネージャno","エージェントno","日時","イベント日時","ログオンユーザ名","ログ種類","コンピュータ名"']
n = 0
day = 0
while n < rows:
    y, m, d = 2026, 1 + (day // 28) % 12, 1 + day % 28
    date = f"{y}/{m:02d}/{d:02d}"
    for u in users:
        if n >= rows:
            break
        on = 8 * 3600 + rnd.randrange(7200)
        off = 17 * 3600 + rnd.randrange(14400)
        kind_extra = rnd.random()
        for t, kind in ((on, 1), (off, 2)):
            if n >= rows:
                break
            user = u if kind_extra > 0.01 else "SYSTEM"
            k = kind if kind_extra < 0.99 or kind == 2 else 7
            hh, mm, ss = t // 3600, t % 3600 // 60, t % 60
            lines.append(f'"1","{n % 997}","{date} 05:10:00.000","{date} {hh:02d}:{mm:02d}:{ss:02d}.000",'
                         f'"{user}","{k}","PC-{u[-5:]}"')
            n += 1
    day += 1
with open(out, "wb") as f:
    f.write(("\r\n".join(lines) + "\r\n").encode("cp932"))

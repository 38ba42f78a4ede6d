"""systemd's side of sd_notify, for e2e_systemd: binds the AF_UNIX datagram
socket named by NOTIFY_SOCKET and writes each message it receives to OUT as
"SECONDS<TAB>FIELD" lines (one per field, seconds since it started; flushed
at once). Stops by itself after --max-seconds.
    notify_listen.py SOCKET OUT [--max-seconds N]
"""
import argparse
import os
import socket
import time

ap = argparse.ArgumentParser()
ap.add_argument("socket")
ap.add_argument("out")
ap.add_argument("--max-seconds", type=float, default=120)
a = ap.parse_args()
if os.path.exists(a.socket):
    os.unlink(a.socket)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(a.socket)
start = time.monotonic()
with open(a.out, "a", encoding="utf-8") as out:
    out.write("0.000\tLISTENING=1\n")
    out.flush()
    while True:
        left = a.max_seconds - (time.monotonic() - start)
        if left <= 0:
            break
        s.settimeout(left)
        try:
            msg = s.recv(4096).decode("utf-8", "replace")
        except socket.timeout:
            break
        now = time.monotonic() - start
        for field in msg.split("\n"):
            if field:
                out.write("%.3f\t%s\n" % (now, field))
        out.flush()

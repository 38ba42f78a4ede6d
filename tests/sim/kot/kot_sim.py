#!/usr/bin/env python3
"""KING OF TIME WebAPI simulator (DESIGN.md §5.1), for tests and the demo.

Python standard library only. Serves on 127.0.0.1 (or ::1) and keeps
employees, divisions and received punches in memory. It checks the Bearer
token, validates bodies as the real API does (400 with an "errors" array),
and injects faults when asked:

  rate limit   a per-token budget of requests per second (sliding window);
               past it, answers alternate between HTTP 429 {"errors": [...]}
               and HTTP 400 {"code": "303", "message": "Too Many Requests"}
  500 / 503    an error answer; nothing recorded
  slow         the punch is recorded, then the answer waits past the client's
               timeout (the outcome is unknown to the client)
  drop_after   the punch is recorded, then the connection is closed with no
               answer (the classic duplicate trap)
  drop_before  the connection is closed before anything is recorded
  busy hours   non-punch endpoints answer 503 (08:30-10:00 and 17:30-18:30
               JST with --real-busy-hours, or whenever /_sim/busy says so)

Control endpoints (no token): PUT /_sim/employees, PUT /_sim/divisions,
GET /_sim/punches, GET /_sim/stats, POST /_sim/faults, POST /_sim/busy,
POST /_sim/budget, POST /_sim/reset.

It prints "listening on http://HOST:PORT" once ready and exits by itself
after --max-seconds (0: never).
"""
import argparse
import datetime
import json
import random
import re
import socket
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

JST = datetime.timezone(datetime.timedelta(hours=9))
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


class State:
    def __init__(self, token, budget):
        self.lock = threading.Lock()
        self.token = token
        self.budget = budget
        self.window = deque()
        self.limit_flip = 0
        self.employees = []
        self.divisions = []
        self.punches = []
        self.faults = {"rate": 0.0, "kinds": [], "slow_seconds": 2.0}
        self.rng = random.Random(1)
        self.busy = False
        self.real_busy_hours = False
        self.stats = {}

    def count(self, key):
        self.stats[key] = self.stats.get(key, 0) + 1


def is_busy_hour(now=None):
    t = (now or datetime.datetime.now(JST)).astimezone(JST)
    m = t.hour * 60 + t.minute
    return 8 * 60 + 30 <= m < 10 * 60 or 17 * 60 + 30 <= m < 18 * 60 + 30


def parse_time(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


class Handler(BaseHTTPRequestHandler):
    # the status line and headers go out in one write and the body in
    # another: with Nagle on, the body waited for the client's delayed ACK
    # (40 ms a punch on a kept-alive connection; bench/latency.sh)
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server_version = "kot-sim/1"

    def log_message(self, fmt, *args):  # quiet; stats tell the story
        pass

    # --- plumbing -----------------------------------------------------
    @property
    def st(self):
        return self.server.state

    def body_json(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw.decode("utf-8")) if raw else None, raw
        except (ValueError, UnicodeDecodeError):
            return ValueError, raw

    def reply(self, status, obj):
        data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with self.st.lock:
            self.st.count("status_%d" % status)

    def error(self, status, message, code=None):
        e = {"message": message}
        if code is not None:
            e["code"] = code
        self.reply(status, {"errors": [e]})

    def drop(self):
        with self.st.lock:
            self.st.count("dropped")
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # --- gates ----------------------------------------------------------
    def authorised(self):
        h = self.headers.get("Authorization", "")
        if h != "Bearer " + self.st.token:
            self.error(401, "invalid access token", 101)
            return False
        return True

    def within_budget(self):
        st = self.st
        with st.lock:
            st.count("requests")
            if st.budget <= 0:
                return True
            now = time.monotonic()
            while st.window and now - st.window[0] >= 1.0:
                st.window.popleft()
            if len(st.window) < st.budget:
                st.window.append(now)
                return True
            st.count("rate_limited")
            st.limit_flip ^= 1
            flip = st.limit_flip
        if flip:
            self.error(429, "Too Many Requests", 303)
        else:
            self.reply(400, {"code": "303", "message": "Too Many Requests"})
        return False

    def pick_fault(self):
        st = self.st
        with st.lock:
            f = st.faults
            if f["kinds"] and st.rng.random() < f["rate"]:
                k = st.rng.choice(f["kinds"])
                st.count("fault_" + k)
                return k
        return None

    def busy_now(self):
        return self.st.busy or (self.st.real_busy_hours and is_busy_hour())

    # --- routes -----------------------------------------------------------
    def do_GET(self):
        u = urlparse(self.path)
        if u.path.startswith("/_sim/"):
            return self.control("GET", u)
        if not self.authorised() or not self.within_budget():
            return
        fault = self.pick_fault()
        if fault in ("drop_before", "drop_after"):
            return self.drop()
        if fault in ("500", "503"):
            return self.error(int(fault), "injected server error")
        if fault in ("429", "303"):
            return self.error(429, "Too Many Requests", 303)
        if self.busy_now():
            return self.error(503, "This API is not available during busy hours "
                                   "(08:30-10:00, 17:30-18:30)", 503)
        if fault == "slow":
            time.sleep(self.st.faults["slow_seconds"])
        q = parse_qs(u.query)
        if u.path.endswith("/employees"):
            with self.st.lock:
                emps = [e for e in self.st.employees if not e.get("_deleted")]
                out = [{k: v for k, v in e.items() if not k.startswith("_")} for e in emps]
            return self.reply(200, out)
        if u.path.endswith("/divisions"):
            with self.st.lock:
                out = list(self.st.divisions)
            return self.reply(200, out)
        if u.path.endswith("/daily-workings/timerecord"):
            return self.timerecords(q)
        self.error(404, "no such endpoint", 404)

    def timerecords(self, q):
        start, end = q.get("start", [""])[0], q.get("end", [""])[0]
        if not DATE_RE.match(start) or not DATE_RE.match(end):
            return self.error(400, "start and end must be YYYY-MM-DD", 400)
        d0 = datetime.date.fromisoformat(start)
        d1 = datetime.date.fromisoformat(end)
        if d1 < d0 or (d1 - d0).days > 61:
            return self.error(400, "the period must be at most 62 days", 400)
        division = q.get("division", [None])[0]
        with self.st.lock:
            emp_div = {e["key"]: e.get("divisionCode") for e in self.st.employees}
            days = {}
            for p in self.st.punches:
                d = datetime.date.fromisoformat(p["date"])
                if not d0 <= d <= d1:
                    continue
                if division and emp_div.get(p["employeeKey"]) != division:
                    continue
                per = days.setdefault(p["date"], {})
                per.setdefault(p["employeeKey"], []).append(
                    {"time": p["time"], "code": p["code"], "divisionCode": p.get("divisionCode")})
        out = []
        d = d0
        while d <= d1:
            ds = d.isoformat()
            per = days.get(ds, {})
            out.append({"date": ds, "dailyWorkings": [
                {"date": ds, "employeeKey": k, "timeRecord": v} for k, v in sorted(per.items())]})
            d += datetime.timedelta(days=1)
        self.reply(200, out)

    def do_POST(self):
        u = urlparse(self.path)
        if u.path.startswith("/_sim/"):
            return self.control("POST", u)
        body, raw = self.body_json()
        if not self.authorised() or not self.within_budget():
            return
        m = re.match(r"^.*/daily-workings/timerecord/([^/]+)$", u.path)
        if not m:
            return self.error(404, "no such endpoint", 404)
        fault = self.pick_fault()
        if fault == "drop_before":
            return self.drop()
        if fault in ("500", "503"):
            return self.error(int(fault), "injected server error")
        if fault in ("429", "303"):
            return self.reply(400, {"code": "303", "message": "Too Many Requests"})
        key = m.group(1)
        errors = []
        if body is ValueError or not isinstance(body, dict):
            return self.error(400, "the body is not a JSON object", 400)
        with self.st.lock:
            known = any(e["key"] == key and not e.get("_deleted") for e in self.st.employees)
        if not known:
            errors.append({"message": "employee key %s is not found" % key, "code": 105})
        date, t, code = body.get("date"), body.get("time"), body.get("code")
        if not isinstance(date, str) or not DATE_RE.match(date):
            errors.append({"message": "date must be YYYY-MM-DD", "code": 400})
        else:
            try:
                datetime.date.fromisoformat(date)
            except ValueError:
                errors.append({"message": "date is not a calendar date", "code": 400})
        if not isinstance(t, str) or not TIME_RE.match(t):
            errors.append({"message": "time must be YYYY-MM-DDThh:mm:ss+09:00", "code": 400})
        if code not in ("1", "2", "3", "4"):
            errors.append({"message": "code must be \"1\", \"2\", \"3\" or \"4\"", "code": 400})
        if errors:
            return self.reply(400, {"errors": errors})
        rec = {"employeeKey": key, "date": date, "time": parse_time(t).astimezone(JST).isoformat(),
               "code": code, "divisionCode": body.get("divisionCode"), "received": time.time()}
        with self.st.lock:
            self.st.punches.append(rec)
            self.st.count("punches")
        if fault == "drop_after":
            return self.drop()
        if fault == "slow":
            time.sleep(self.st.faults["slow_seconds"])
        self.reply(201, {"date": date, "time": rec["time"], "code": code,
                         "divisionCode": body.get("divisionCode")})

    def do_PUT(self):
        u = urlparse(self.path)
        if u.path.startswith("/_sim/"):
            return self.control("PUT", u)
        self.error(405, "method not allowed", 405)

    # --- control ----------------------------------------------------------
    def control(self, method, u):
        st = self.st
        body = None
        if method in ("POST", "PUT"):
            body, _ = self.body_json()
            if body is ValueError:
                return self.error(400, "bad JSON")
        with st.lock:
            if method == "PUT" and u.path == "/_sim/employees":
                st.employees = body
                out = {"employees": len(body)}
            elif method == "PUT" and u.path == "/_sim/divisions":
                st.divisions = body
                out = {"divisions": len(body)}
            elif method == "GET" and u.path == "/_sim/punches":
                out = list(st.punches)
            elif method == "GET" and u.path == "/_sim/stats":
                out = dict(st.stats)
                out["punches_held"] = len(st.punches)
            elif method == "POST" and u.path == "/_sim/faults":
                st.faults.update(body)
                if "seed" in body:
                    st.rng = random.Random(body["seed"])
                out = st.faults
            elif method == "POST" and u.path == "/_sim/busy":
                st.busy = bool(body.get("busy"))
                out = {"busy": st.busy}
            elif method == "POST" and u.path == "/_sim/budget":
                st.budget = int(body.get("budget", 0))
                st.window.clear()
                out = {"budget": st.budget}
            elif method == "POST" and u.path == "/_sim/reset":
                st.punches = []
                st.stats = {}
                st.window.clear()
                out = {"reset": True}
            else:
                out = None
        if out is None:
            return self.error(404, "no such control endpoint")
        data = json.dumps(out, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "::1"])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--token", required=True)
    ap.add_argument("--budget", type=int, default=0, help="requests per second per token (0: none)")
    ap.add_argument("--employees", help="JSON file: initial employees")
    ap.add_argument("--divisions", help="JSON file: initial divisions")
    ap.add_argument("--real-busy-hours", action="store_true")
    ap.add_argument("--max-seconds", type=float, default=600)
    a = ap.parse_args()

    if a.host == "::1":
        Server.address_family = socket.AF_INET6
    srv = Server((a.host, a.port), Handler)
    srv.state = State(a.token, a.budget)
    srv.state.real_busy_hours = a.real_busy_hours
    if a.employees:
        with open(a.employees, encoding="utf-8") as f:
            srv.state.employees = json.load(f)
    if a.divisions:
        with open(a.divisions, encoding="utf-8") as f:
            srv.state.divisions = json.load(f)
    if a.max_seconds > 0:
        threading.Timer(a.max_seconds, srv.shutdown).start()
    host = "[::1]" if a.host == "::1" else a.host
    print("listening on http://%s:%d" % (host, srv.server_address[1]), flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""KING OF TIME WebAPI simulator (DESIGN.md §5.1), for tests and the demo.

This file is the contract loginrec is tested against: when a fact about the
real service is learnt, it goes here first. Python standard library only.
Serves on 127.0.0.1 (or ::1) and keeps, per access token (a "tenant": one
company's KING OF TIME), employees, divisions and received punches in memory.

The API, as the real one answers:
  POST /daily-workings/timerecord/{employeeKey}   a punch: 201; 400 with an
       "errors" array for a bad body or an unknown key. Not idempotent.
  GET  /daily-workings/timerecord?start=D&end=D[&division=C][&employeeKeys=K1,K2]
       at most 62 days; [{"date", "dailyWorkings": [{"date", "employeeKey",
       "timeRecord": [{"time", "code", "divisionCode"}]}]}]
  GET  /employees, GET /divisions             the lists
  GET  /tokens/{token}/available              a token endpoint: {"available": true}
  Path segments and query values are percent-decoded.

Gates, in this order:
  maintenance      every endpoint answers HTTP 503 with an HTML page
                   (POST /_sim/maintenance {"on": true})
  token            401 {"errors": [{"message", "code": 101}]} for a wrong Bearer
  restricted hours 08:30-10:00 and 17:30-18:30 JST by the simulator's clock:
                   every endpoint but punch registration and the token
                   endpoints answers HTTP 403
                   {"message": "次の時間帯(JST)はAPIへのアクセスが禁止されています
                   [08:30 ~ 10:00, 17:30 ~ 18:30]", "code": 104} -- reads included
  rate limit       a per-token budget of requests per second (sliding window);
                   past it, answers alternate between HTTP 429 {"errors": [...]}
                   and HTTP 400 {"code": "303", "message": "Too Many Requests"}

The clock is the real time plus LOGINREC_TIME_OFFSET_S (seconds, as loginrec
reads it), or the offset POST /_sim/clock {"offset_s": N} sets.

Faults, injected when asked (POST /_sim/faults {"rate", "kinds", "seed",
"slow_seconds", "next_posts"}): "next_posts" is a list of faults the next punch
POSTs take in order (null: none), before any random one.
  500 / 503    an error answer; nothing recorded
  429 / 303    a rate-limit answer; nothing recorded
  slow         the punch is recorded, then the answer waits past the client's
               timeout (the outcome is unknown to the client)
  drop_after   the punch is recorded, then the connection is closed with no
               answer (the classic duplicate trap)
  drop_before  the connection is closed before anything is recorded

Control endpoints (no token). ?tenant=NAME picks a tenant other than the one
of --token (named "default"):
  PUT /_sim/employees, PUT /_sim/divisions, GET /_sim/punches
  (?all=1: every tenant's, each with its "tenant"), GET /_sim/stats (the
  requests of all tenants; "tenants": per tenant), POST /_sim/faults,
  POST /_sim/budget {"budget"}, POST /_sim/reset, POST /_sim/clock,
  POST /_sim/maintenance, PUT /_sim/tenants [{"name", "token", "budget",
  "employees", "divisions"}] (adds or replaces those tenants).

It prints "listening on http://HOST:PORT" once ready and exits by itself
after --max-seconds (0: never).
"""
import argparse
import datetime
import json
import os
import random
import re
import socket
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

JST = datetime.timezone(datetime.timedelta(hours=9))
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
PUNCH_RE = re.compile(r"^.*/daily-workings/timerecord/([^/]+)$")
TOKEN_RE = re.compile(r"^.*/tokens/([^/]+)/available$")
RESTRICTED_MESSAGE = ("次の時間帯(JST)はAPIへのアクセスが禁止されています "
                      "[08:30 ~ 10:00, 17:30 ~ 18:30]")
MAINTENANCE_PAGE = ("<html><head><title>メンテナンス中</title></head><body>"
                    "<p>ただいまメンテナンス中です。</p></body></html>").encode("utf-8")


def env_offset():
    try:
        return int(os.environ.get("LOGINREC_TIME_OFFSET_S") or 0)
    except ValueError:
        return 0


class Tenant:
    def __init__(self, name, token, budget):
        self.name = name
        self.token = token
        self.budget = budget
        self.window = deque()
        self.limit_flip = 0
        self.employees = []
        self.divisions = []
        self.punches = []
        self.stats = {}

    def count(self, key):
        self.stats[key] = self.stats.get(key, 0) + 1


class State:
    def __init__(self, token, budget):
        self.lock = threading.Lock()
        self.default = Tenant("default", token, budget)
        self.by_token = {token: self.default}
        self.by_name = {"default": self.default}
        self.faults = {"rate": 0.0, "kinds": [], "slow_seconds": 2.0, "next_posts": []}
        self.rng = random.Random(1)
        self.maintenance = False
        self.offset_s = env_offset()
        self.stats = {}

    def count(self, key):
        self.stats[key] = self.stats.get(key, 0) + 1

    def now(self):
        return datetime.datetime.fromtimestamp(time.time() + self.offset_s, JST)

    def restricted(self):
        t = self.now()
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
    server_version = "kot-sim/2"

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

    def send(self, status, data, ctype="application/json; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with self.st.lock:
            self.st.count("status_%d" % status)

    def reply(self, status, obj):
        self.send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"))

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
    def gate(self, always_open):
        """The tenant of the request, or None once it has been answered."""
        st = self.st
        if st.maintenance:
            with st.lock:
                st.count("maintenance")
            self.send(503, MAINTENANCE_PAGE, "text/html; charset=utf-8")
            return None
        h = self.headers.get("Authorization", "")
        tenant = st.by_token.get(h[7:]) if h.startswith("Bearer ") else None
        if tenant is None:
            self.error(401, "invalid access token", 101)
            return None
        if not always_open and st.restricted():
            with st.lock:
                st.count("restricted")
                tenant.count("restricted")
            self.reply(403, {"message": RESTRICTED_MESSAGE, "code": 104})
            return None
        with st.lock:
            st.count("requests")
            tenant.count("requests")
            if tenant.budget <= 0:
                return tenant
            now = time.monotonic()
            while tenant.window and now - tenant.window[0] >= 1.0:
                tenant.window.popleft()
            if len(tenant.window) < tenant.budget:
                tenant.window.append(now)
                return tenant
            st.count("rate_limited")
            tenant.count("rate_limited")
            tenant.limit_flip ^= 1
            flip = tenant.limit_flip
        if flip:
            self.error(429, "Too Many Requests", 303)
        else:
            self.reply(400, {"code": "303", "message": "Too Many Requests"})
        return None

    def pick_fault(self, post):
        st = self.st
        with st.lock:
            f = st.faults
            if post and f["next_posts"]:
                k = f["next_posts"].pop(0)
                if k:
                    st.count("fault_" + k)
                return k
            if f["kinds"] and st.rng.random() < f["rate"]:
                k = st.rng.choice(f["kinds"])
                st.count("fault_" + k)
                return k
        return None

    # --- routes -----------------------------------------------------------
    def do_GET(self):
        u = urlparse(self.path)
        if u.path.startswith("/_sim/"):
            return self.control("GET", u)
        token_call = TOKEN_RE.match(u.path)
        tenant = self.gate(always_open=bool(token_call))
        if tenant is None:
            return
        if token_call:
            return self.reply(200, {"available": unquote(token_call.group(1)) == tenant.token})
        fault = self.pick_fault(post=False)
        if fault in ("drop_before", "drop_after"):
            return self.drop()
        if fault in ("500", "503"):
            return self.error(int(fault), "injected server error")
        if fault in ("429", "303"):
            return self.error(429, "Too Many Requests", 303)
        if fault == "slow":
            time.sleep(self.st.faults["slow_seconds"])
        q = parse_qs(u.query)
        if u.path.endswith("/employees"):
            with self.st.lock:
                emps = [e for e in tenant.employees if not e.get("_deleted")]
                out = [{k: v for k, v in e.items() if not k.startswith("_")} for e in emps]
            return self.reply(200, out)
        if u.path.endswith("/divisions"):
            with self.st.lock:
                out = list(tenant.divisions)
            return self.reply(200, out)
        if u.path.endswith("/daily-workings/timerecord"):
            return self.timerecords(tenant, q)
        self.error(404, "no such endpoint", 404)

    def timerecords(self, tenant, q):
        start, end = q.get("start", [""])[0], q.get("end", [""])[0]
        if not DATE_RE.match(start) or not DATE_RE.match(end):
            return self.error(400, "start and end must be YYYY-MM-DD", 400)
        d0 = datetime.date.fromisoformat(start)
        d1 = datetime.date.fromisoformat(end)
        if d1 < d0 or (d1 - d0).days > 61:
            return self.error(400, "the period must be at most 62 days", 400)
        division = q.get("division", [None])[0]
        keys = q.get("employeeKeys", [None])[0]
        keys = set(keys.split(",")) if keys is not None else None
        with self.st.lock:
            emp_div = {e["key"]: e.get("divisionCode") for e in tenant.employees}
            days = {}
            for p in tenant.punches:
                d = datetime.date.fromisoformat(p["date"])
                if not d0 <= d <= d1:
                    continue
                if division and emp_div.get(p["employeeKey"]) != division:
                    continue
                if keys is not None and p["employeeKey"] not in keys:
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
        m = PUNCH_RE.match(u.path)
        # punch registration is open in the restricted hours
        tenant = self.gate(always_open=bool(m))
        if tenant is None:
            return
        if not m:
            return self.error(404, "no such endpoint", 404)
        fault = self.pick_fault(post=True)
        if fault == "drop_before":
            return self.drop()
        if fault in ("500", "503"):
            return self.error(int(fault), "injected server error")
        if fault in ("429", "303"):
            return self.reply(400, {"code": "303", "message": "Too Many Requests"})
        key = unquote(m.group(1))
        errors = []
        if body is ValueError or not isinstance(body, dict):
            return self.error(400, "the body is not a JSON object", 400)
        with self.st.lock:
            known = any(e["key"] == key and not e.get("_deleted") for e in tenant.employees)
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
        # "received" is the real time (latency is measured against it)
        rec = {"employeeKey": key, "date": date, "time": parse_time(t).astimezone(JST).isoformat(),
               "code": code, "divisionCode": body.get("divisionCode"), "received": time.time()}
        with self.st.lock:
            tenant.punches.append(rec)
            tenant.count("punches")
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
        q = parse_qs(u.query)
        if method in ("POST", "PUT"):
            body, _ = self.body_json()
            if body is ValueError:
                return self.error(400, "bad JSON")
        with st.lock:
            t = st.by_name.get(q.get("tenant", ["default"])[0])
            out = None
            if t is None:
                pass
            elif method == "PUT" and u.path == "/_sim/employees":
                t.employees = body
                out = {"employees": len(body)}
            elif method == "PUT" and u.path == "/_sim/divisions":
                t.divisions = body
                out = {"divisions": len(body)}
            elif method == "PUT" and u.path == "/_sim/tenants":
                for spec in body:
                    old = st.by_name.get(spec["name"])
                    if old is not None:
                        st.by_token.pop(old.token, None)
                    n = Tenant(spec["name"], spec["token"], int(spec.get("budget", 0)))
                    n.employees = spec.get("employees", [])
                    n.divisions = spec.get("divisions", [])
                    st.by_name[n.name] = n
                    st.by_token[n.token] = n
                out = {"tenants": len(st.by_name)}
            elif method == "GET" and u.path == "/_sim/punches":
                if q.get("all"):
                    out = [dict(p, tenant=n.name) for n in st.by_name.values() for p in n.punches]
                else:
                    out = list(t.punches)
            elif method == "GET" and u.path == "/_sim/stats":
                out = dict(st.stats)
                out["punches_held"] = len(t.punches)
                out["tenants"] = {n.name: dict(n.stats, punches_held=len(n.punches))
                                  for n in st.by_name.values()}
            elif method == "POST" and u.path == "/_sim/faults":
                st.faults.update(body)
                st.faults["next_posts"] = list(st.faults.get("next_posts") or [])
                if "seed" in body:
                    st.rng = random.Random(body["seed"])
                out = st.faults
            elif method == "POST" and u.path == "/_sim/maintenance":
                st.maintenance = bool(body.get("on"))
                out = {"maintenance": st.maintenance}
            elif method == "POST" and u.path == "/_sim/clock":
                st.offset_s = int(body.get("offset_s", 0))
                out = {"offset_s": st.offset_s, "now": st.now().isoformat(),
                       "restricted": st.restricted()}
            elif method == "GET" and u.path == "/_sim/clock":
                out = {"offset_s": st.offset_s, "now": st.now().isoformat(),
                       "restricted": st.restricted()}
            elif method == "POST" and u.path == "/_sim/budget":
                t.budget = int(body.get("budget", 0))
                t.window.clear()
                out = {"budget": t.budget}
            elif method == "POST" and u.path == "/_sim/reset":
                for n in st.by_name.values():
                    n.punches = []
                    n.stats = {}
                    n.window.clear()
                st.stats = {}
                out = {"reset": True}
        if out is None:
            return self.error(404, "no such control endpoint or tenant")
        data = json.dumps(out, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "::1"])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--token", required=True)
    ap.add_argument("--budget", type=int, default=0, help="requests per second per token (0: none)")
    ap.add_argument("--employees", help="JSON file: initial employees")
    ap.add_argument("--divisions", help="JSON file: initial divisions")
    ap.add_argument("--max-seconds", type=float, default=600)
    a = ap.parse_args()

    if a.host == "::1":
        Server.address_family = socket.AF_INET6
    srv = Server((a.host, a.port), Handler)
    srv.state = State(a.token, a.budget)
    if a.employees:
        with open(a.employees, encoding="utf-8") as f:
            srv.state.default.employees = json.load(f)
    if a.divisions:
        with open(a.divisions, encoding="utf-8") as f:
            srv.state.default.divisions = json.load(f)
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

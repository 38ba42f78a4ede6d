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
       "timeRecord": [{"time", "code", "divisionCode"[, "credentialCode",
       "credentialName"]}]}]}]. Every punch of the day, however it was made
       (DESIGN.md: credentialCode / credentialName say how, undocumented;
       given here only where the test said it, never invented for ours),
       after any hand edit.
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
  POST /_sim/timerecords [{"employeeKey", "date", "time", "code",
  "credentialCode", "credentialName"}]: punches made another way (an IC
  card, a smartphone), as KING OF TIME would hold them (issue 23).
  POST /_sim/timerecords/edit {"employeeKey", "date", "code", "time",
  "newTime"}: an administrator's hand edit in KING OF TIME of that punch
  (404 when there is none): 22:10 -> 18:00.

It prints "listening on http://HOST:PORT" once ready and exits by itself
after --max-seconds (0: never). One thread, asyncio: a connection costs no
thread, so a few hundred companies' punches a second fit in one process.
"""
import argparse
import datetime
import asyncio
import gc
import json
import os
import random
import re
import socket
import sys
import time
from collections import deque
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


REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
           404: "Not Found", 405: "Method Not Allowed", 429: "Too Many Requests",
           500: "Internal Server Error", 503: "Service Unavailable"}


class Drop(Exception):
    """The connection is closed with no answer."""


class Answer:
    """One request's answer: status, body, content type; `delay` seconds
    before it is written (the slow fault); `drop` closes instead."""

    def __init__(self, status=200, obj=None, data=None, ctype="application/json; charset=utf-8"):
        self.status = status
        self.data = data if data is not None else json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self.ctype = ctype
        self.delay = 0.0
        self.drop = False


def error(status, message, code=None):
    e = {"message": message}
    if code is not None:
        e["code"] = code
    return Answer(status, {"errors": [e]})


def dropped(st):
    st.count("dropped")
    a = Answer(0, data=b"")
    a.drop = True
    return a


class Api:
    """The routes and gates, as KING OF TIME answers (see the docstring)."""

    def __init__(self, state):
        self.st = state

    def gate(self, headers, always_open):
        """(tenant, None), or (None, the answer that refuses)."""
        st = self.st
        if st.maintenance:
            st.count("maintenance")
            return None, Answer(503, data=MAINTENANCE_PAGE, ctype="text/html; charset=utf-8")
        h = headers.get("authorization", "")
        tenant = st.by_token.get(h[7:]) if h.startswith("Bearer ") else None
        if tenant is None:
            return None, error(401, "invalid access token", 101)
        if not always_open and st.restricted():
            st.count("restricted")
            tenant.count("restricted")
            return None, Answer(403, {"message": RESTRICTED_MESSAGE, "code": 104})
        st.count("requests")
        tenant.count("requests")
        if tenant.budget <= 0:
            return tenant, None
        now = time.monotonic()
        while tenant.window and now - tenant.window[0] >= 1.0:
            tenant.window.popleft()
        if len(tenant.window) < tenant.budget:
            tenant.window.append(now)
            return tenant, None
        st.count("rate_limited")
        tenant.count("rate_limited")
        tenant.limit_flip ^= 1
        if tenant.limit_flip:
            return None, error(429, "Too Many Requests", 303)
        return None, Answer(400, {"code": "303", "message": "Too Many Requests"})

    def pick_fault(self, post):
        st = self.st
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

    def get(self, u, headers):
        token_call = TOKEN_RE.match(u.path)
        tenant, refused = self.gate(headers, always_open=bool(token_call))
        if refused:
            return refused
        if token_call:
            return Answer(200, {"available": unquote(token_call.group(1)) == tenant.token})
        fault = self.pick_fault(post=False)
        if fault in ("drop_before", "drop_after"):
            return dropped(self.st)
        if fault in ("500", "503"):
            return error(int(fault), "injected server error")
        if fault in ("429", "303"):
            return error(429, "Too Many Requests", 303)
        q = parse_qs(u.query)
        if u.path.endswith("/employees"):
            emps = [e for e in tenant.employees if not e.get("_deleted")]
            a = Answer(200, [{k: v for k, v in e.items() if not k.startswith("_")} for e in emps])
        elif u.path.endswith("/divisions"):
            a = Answer(200, list(tenant.divisions))
        elif u.path.endswith("/daily-workings/timerecord"):
            a = self.timerecords(tenant, q)
        else:
            a = error(404, "no such endpoint", 404)
        if fault == "slow":
            a.delay = self.st.faults["slow_seconds"]
        return a

    def timerecords(self, tenant, q):
        start, end = q.get("start", [""])[0], q.get("end", [""])[0]
        if not DATE_RE.match(start) or not DATE_RE.match(end):
            return error(400, "start and end must be YYYY-MM-DD", 400)
        d0 = datetime.date.fromisoformat(start)
        d1 = datetime.date.fromisoformat(end)
        if d1 < d0 or (d1 - d0).days > 61:
            return error(400, "the period must be at most 62 days", 400)
        division = q.get("division", [None])[0]
        keys = q.get("employeeKeys", [None])[0]
        keys = set(keys.split(",")) if keys is not None else None
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
            tr = {"time": p["time"], "code": p["code"], "divisionCode": p.get("divisionCode")}
            for k in ("credentialCode", "credentialName"):
                if k in p:
                    tr[k] = p[k]
            per.setdefault(p["employeeKey"], []).append(tr)
        out = []
        d = d0
        while d <= d1:
            ds = d.isoformat()
            per = days.get(ds, {})
            out.append({"date": ds, "dailyWorkings": [
                {"date": ds, "employeeKey": k, "timeRecord": v} for k, v in sorted(per.items())]})
            d += datetime.timedelta(days=1)
        return Answer(200, out)

    def post(self, u, headers, raw):
        m = PUNCH_RE.match(u.path)
        # punch registration is open in the restricted hours
        tenant, refused = self.gate(headers, always_open=bool(m))
        if refused:
            return refused
        if not m:
            return error(404, "no such endpoint", 404)
        fault = self.pick_fault(post=True)
        if fault == "drop_before":
            return dropped(self.st)
        if fault in ("500", "503"):
            return error(int(fault), "injected server error")
        if fault in ("429", "303"):
            return Answer(400, {"code": "303", "message": "Too Many Requests"})
        key = unquote(m.group(1))
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            return error(400, "the body is not a JSON object", 400)
        errors = []
        if not any(e["key"] == key and not e.get("_deleted") for e in tenant.employees):
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
            return Answer(400, {"errors": errors})
        # "received" is the real time (latency is measured against it)
        rec = {"employeeKey": key, "date": date, "time": parse_time(t).astimezone(JST).isoformat(),
               "code": code, "divisionCode": body.get("divisionCode"), "received": time.time()}
        tenant.punches.append(rec)
        tenant.count("punches")
        self.st.count("punches")
        if fault == "drop_after":
            return dropped(self.st)
        a = Answer(201, {"date": date, "time": rec["time"], "code": code,
                         "divisionCode": body.get("divisionCode")})
        if fault == "slow":
            a.delay = self.st.faults["slow_seconds"]
        return a

    def control(self, method, u, raw):
        st = self.st
        body = None
        q = parse_qs(u.query)
        if method in ("POST", "PUT"):
            try:
                body = json.loads(raw.decode("utf-8")) if raw else None
            except (ValueError, UnicodeDecodeError):
                return error(400, "bad JSON")
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
        elif method == "POST" and u.path == "/_sim/timerecords":
            for b in body:
                t.punches.append({"employeeKey": b["employeeKey"], "date": b["date"],
                                  "time": parse_time(b["time"]).astimezone(JST).isoformat(),
                                  "code": str(b["code"]), "divisionCode": b.get("divisionCode"),
                                  "credentialCode": b.get("credentialCode"),
                                  "credentialName": b.get("credentialName"),
                                  "received": time.time()})
            out = {"added": len(body)}
        elif method == "POST" and u.path == "/_sim/timerecords/edit":
            old = parse_time(body["time"])
            hit = [p for p in t.punches if p["employeeKey"] == body["employeeKey"]
                   and p["date"] == body["date"] and p["code"] == str(body["code"])
                   and parse_time(p["time"]) == old]
            if not hit:
                return error(404, "no such punch")
            hit[0]["time"] = parse_time(body["newTime"]).astimezone(JST).isoformat()
            out = {"edited": 1}
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
            out = {"offset_s": st.offset_s, "now": st.now().isoformat(), "restricted": st.restricted()}
        elif method == "GET" and u.path == "/_sim/clock":
            out = {"offset_s": st.offset_s, "now": st.now().isoformat(), "restricted": st.restricted()}
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
            return error(404, "no such control endpoint or tenant")
        return Answer(200, out)

    def handle(self, method, target, headers, raw):
        u = urlparse(target)
        if u.path.startswith("/_sim/"):
            if method not in ("GET", "POST", "PUT"):
                return error(405, "method not allowed", 405)
            return self.control(method, u, raw)
        if method == "GET":
            return self.get(u, headers)
        if method == "POST":
            return self.post(u, headers, raw)
        return error(405, "method not allowed", 405)


async def serve_connection(api, reader, writer):
    """HTTP/1.1 on one connection: requests in turn, kept alive unless the
    client says close."""
    sock = writer.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        # the answer goes out in one write; no Nagle wait for a delayed ACK
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            try:
                method, target, version = line.decode("latin-1").split()
            except ValueError:
                break
            headers = {}
            while True:
                h = await reader.readline()
                if h in (b"\r\n", b"\n", b""):
                    break
                k, _, v = h.decode("latin-1").partition(":")
                headers[k.strip().lower()] = v.strip()
            n = int(headers.get("content-length") or 0)
            raw = await reader.readexactly(n) if n else b""
            a = api.handle(method, target, headers, raw)
            if a.drop:
                sock = writer.get_extra_info("socket")
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                break
            if a.delay:
                await asyncio.sleep(a.delay)
            close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
            api.st.count("status_%d" % a.status)
            writer.write(("HTTP/1.1 %d %s\r\nServer: kot-sim/3\r\nContent-Type: %s\r\n"
                          "Content-Length: %d\r\n%s\r\n" % (
                              a.status, REASONS.get(a.status, "Status"), a.ctype, len(a.data),
                              "Connection: close\r\n" if close else "")).encode("latin-1") + a.data)
            await writer.drain()
            if close:
                break
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            writer.close()
        except (ConnectionError, OSError):
            pass


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

    # no cyclic garbage is made; a full collection over thousands of held
    # punches pauses every answer for tens of milliseconds, and the budget
    # window would see the calls queued behind it arrive together
    gc.disable()
    state = State(a.token, a.budget)
    if a.employees:
        with open(a.employees, encoding="utf-8") as f:
            state.default.employees = json.load(f)
    if a.divisions:
        with open(a.divisions, encoding="utf-8") as f:
            state.default.divisions = json.load(f)
    api = Api(state)

    async def run():
        srv = await asyncio.start_server(lambda r, w: serve_connection(api, r, w), a.host, a.port,
                                         backlog=1024)
        port = srv.sockets[0].getsockname()[1]
        host = "[::1]" if a.host == "::1" else a.host
        print("listening on http://%s:%d" % (host, port), flush=True)
        async with srv:
            if a.max_seconds > 0:
                await asyncio.sleep(a.max_seconds)
            else:
                await asyncio.Event().wait()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

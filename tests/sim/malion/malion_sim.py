#!/usr/bin/env python3
"""MaLionCloud WebAPI simulator (DESIGN.md §5.2), for tests and the demo.

The real WebAPI is not public; this simulator *is* the contract loginrec is
written against (src/sources/malion.c keeps every path and name of it in
one place). One process is one MaLionCloud tenant (one host): an account
with an admin code and a secret code, terminal agents (with or without an
出退勤システム連携コード), and their operation logs.

  POST /api/v1/auth            {"admin_code","secret_code"}
                               200 {"access_token","token_type":"Bearer","expires_in"}
                               401 {"error":"invalid_credentials","message"}
  GET  /api/v1/operation-logs?cursor=C&limit=N   (Authorization: Bearer T)
                               200 {"logs":[LOG...],"next_cursor":"C2","has_more":bool}
                               401 {"error":"token_expired"|"invalid_token","message"}
       LOG = {"id","time" (ISO 8601 +09:00),"operation" (ログオン, ログオフ,
              ファイル操作, ...),"user","terminal_agent":{"id","name","version",
              "attendance_code" (null when not set)}}
       The cursor is opaque to clients ("" for the beginning); logs come
       in id order.

Faults (POST /_sim/faults, all optional):
  {"error_rate": 0.3, "error_kinds": ["500", "503"]}   random server errors
  {"fail_auth": true}                 every auth answers 401 (wrong secret)
  {"expire_after_pages": 1}           the token expires after N pages
  {"slow_page": 2, "slow_seconds": 5} the Nth page served waits first
  {"repeat": true}                    each page repeats the previous page's
                                      last record first
  {"bad_json_page": 3}                the Nth page is not JSON

Control (no token): POST /_sim/logs [LOG without id...] appends,
POST /_sim/agents [{"id","name","version","attendance_code"}] replaces,
POST /_sim/expire (every token expires now), GET /_sim/stats,
POST /_sim/reset. Prints "listening on http://HOST:PORT" once ready and
exits by itself after --max-seconds.
"""
import argparse
import json
import random
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class State:
    def __init__(self, admin_code, secret_code, ttl):
        self.lock = threading.RLock()  # reply() counts under it too
        self.admin_code = admin_code
        self.secret_code = secret_code
        self.ttl = ttl
        self.reset()

    def reset(self):
        self.tokens = {}  # token -> (expires_at, pages served)
        self.agents = {}
        self.logs = []
        self.faults = {}
        self.pages = 0
        self.rng = random.Random(7)
        self.stats = {}

    def count(self, key, n=1):
        self.stats[key] = self.stats.get(key, 0) + n


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "malion-sim/1"

    def log_message(self, fmt, *args):
        pass

    @property
    def st(self):
        return self.server.state

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw.decode("utf-8")) if raw else None
        except (ValueError, UnicodeDecodeError):
            return ValueError

    def send(self, status, data, ctype="application/json; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def reply(self, status, obj):
        self.send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"))
        with self.st.lock:
            self.st.count("status_%d" % status)

    # --- the WebAPI --------------------------------------------------------
    def do_POST(self):
        u = urlparse(self.path)
        if u.path.startswith("/_sim/"):
            return self.control("POST", u)
        if u.path != "/api/v1/auth":
            return self.reply(404, {"error": "not_found", "message": "no such endpoint"})
        b = self.body()
        st = self.st
        if not isinstance(b, dict) or not isinstance(b.get("admin_code"), str) or \
                not isinstance(b.get("secret_code"), str):
            return self.reply(400, {"error": "bad_request",
                                    "message": "admin_code and secret_code are required"})
        with st.lock:
            ok = (not st.faults.get("fail_auth") and b["admin_code"] == st.admin_code
                  and secrets.compare_digest(b["secret_code"], st.secret_code))
            st.count("auth_ok" if ok else "auth_failed")
            if ok:
                token = secrets.token_hex(16)
                st.tokens[token] = [time.monotonic() + st.ttl, 0]
        if not ok:
            return self.reply(401, {"error": "invalid_credentials",
                                    "message": "admin code or secret code is wrong"})
        self.reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": st.ttl})

    def do_GET(self):
        u = urlparse(self.path)
        if u.path.startswith("/_sim/"):
            return self.control("GET", u)
        if u.path != "/api/v1/operation-logs":
            return self.reply(404, {"error": "not_found", "message": "no such endpoint"})
        st = self.st
        h = self.headers.get("Authorization", "")
        token = h[7:] if h.startswith("Bearer ") else ""
        q = parse_qs(u.query)
        cursor = q.get("cursor", [""])[0]
        try:
            limit = max(1, min(1000, int(q.get("limit", ["100"])[0])))
            after = int(cursor) if cursor else 0
        except ValueError:
            return self.reply(400, {"error": "bad_request", "message": "bad cursor or limit"})
        with st.lock:
            t = st.tokens.get(token)
            f = st.faults
            if t is None:
                st.count("invalid_token")
                err = ("invalid_token", "unknown access token")
            elif time.monotonic() >= t[0] or (
                    "expire_after_pages" in f and t[1] >= f["expire_after_pages"]):
                st.count("token_expired")
                err = ("token_expired", "the access token has expired")
            else:
                err = None
            if err is None and f.get("error_kinds") and st.rng.random() < f.get("error_rate", 0):
                kind = st.rng.choice(f["error_kinds"])
                st.count("fault_" + kind)
                err = int(kind)
            if err is None:
                t[1] += 1
                st.pages += 1
                page_no = st.pages
                start = next((i for i, l in enumerate(st.logs) if int(l["id"]) > after),
                             len(st.logs))
                logs = st.logs[start:start + limit]
                if f.get("repeat") and start > 0:
                    logs = [st.logs[start - 1]] + logs[:limit - 1]
                    st.count("repeated")
                more = start + len(logs) - (1 if f.get("repeat") and start > 0 else 0) < len(st.logs)
                nxt = logs[-1]["id"] if logs else cursor
                st.count("pages")
                st.count("logs_served", len(logs))
                slow = f.get("slow_seconds", 0) if f.get("slow_page") == page_no else 0
                bad = f.get("bad_json_page") == page_no
        if isinstance(err, int):
            return self.reply(err, {"error": "server_error", "message": "injected"})
        if err:
            return self.reply(401, {"error": err[0], "message": err[1]})
        if slow:
            time.sleep(slow)
        if bad:
            return self.send(200, b'{"logs": [ {"id": "1", "ti')
        self.reply(200, {"logs": logs, "next_cursor": str(nxt), "has_more": more})

    # --- control -----------------------------------------------------------
    def control(self, method, u):
        st = self.st
        if method == "GET" and u.path == "/_sim/stats":
            with st.lock:
                return self.reply(200, dict(st.stats, logs=len(st.logs), tokens=len(st.tokens)))
        b = self.body()
        with st.lock:
            if u.path == "/_sim/reset":
                st.reset()
            elif u.path == "/_sim/faults" and isinstance(b, dict):
                st.faults = b
            elif u.path == "/_sim/expire":
                for t in st.tokens.values():
                    t[0] = 0
            elif u.path == "/_sim/agents" and isinstance(b, list):
                st.agents = {a["id"]: a for a in b}
            elif u.path == "/_sim/logs" and isinstance(b, list):
                for log in b:
                    log = dict(log)
                    log["id"] = str(len(st.logs) + 1)
                    a = log.get("terminal_agent")
                    if isinstance(a, str):  # an agent id: filled from /_sim/agents
                        log["terminal_agent"] = dict(st.agents[a])
                    st.logs.append(log)
            else:
                return self.reply(400, {"error": "bad control call"})
        self.reply(200, {"ok": True})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "::1"])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--admin-code", required=True)
    ap.add_argument("--secret-code", required=True)
    ap.add_argument("--token-ttl", type=float, default=300)
    ap.add_argument("--max-seconds", type=float, default=600)
    a = ap.parse_args()

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        address_family = __import__("socket").AF_INET6 if a.host == "::1" else \
            __import__("socket").AF_INET

    srv = Server((a.host, a.port), Handler)
    srv.state = State(a.admin_code, a.secret_code, a.token_ttl)
    host = "[::1]" if a.host == "::1" else a.host
    print("listening on http://%s:%d" % (host, srv.server_address[1]), flush=True)
    if a.max_seconds > 0:
        threading.Timer(a.max_seconds, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())

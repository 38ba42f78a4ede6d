#!/usr/bin/python3
"""An SMTP server for the tests (Debian's python3-aiosmtpd): it keeps each
message it receives, whole, as DIR/NNN.eml, with the envelope beside it in
DIR/NNN.json ({"from", "to", "auth_user"}). Loopback only.

    smtp_sink.py DIR [--user U --password P] [--tls-cert PEM --tls-key PEM]
                 [--max-seconds N]

With --user, the client must authenticate (AUTH PLAIN or LOGIN) with that
user and password; a wrong one is refused (535). With --tls-cert, the
server offers STARTTLS and requires it (before AUTH too); without, it
offers none and takes AUTH in clear, so a test can see a client refuse to
send a password that way. The envelope says whether the session was TLS. Prints "listening on smtp://127.0.0.1:PORT" once ready and exits by
itself after --max-seconds.
"""
import argparse
import asyncio
import json
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Keep:
    def __init__(self, out):
        self.out = out
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.out, "%03d" % self.n)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        user = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "auth_user": user,
                       "tls": session.ssl is not None}, f)
        return "250 OK kept"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--max-seconds", type=int, default=300)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()

    def check(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and data.login.decode() == a.user \
            and data.password.decode() == a.password
        return AuthResult(success=ok, handled=False, auth_data=data)

    kw = {}
    if a.user:
        kw = {"authenticator": check, "auth_required": True, "auth_require_tls": bool(a.tls_cert)}
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        kw.update(tls_context=ctx, require_starttls=True)
    c = Controller(Keep(a.dir), hostname="127.0.0.1", port=port, **kw)
    c.start()
    print("listening on smtp://127.0.0.1:%d" % port, flush=True)
    try:
        asyncio.run(asyncio.sleep(a.max_seconds))
    finally:
        c.stop()


if __name__ == "__main__":
    sys.exit(main())

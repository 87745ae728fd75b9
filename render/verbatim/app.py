#!/usr/bin/env python3
# webstack's sample application, installed as /opt/webstack/app/app.py by each app server's
# bundle (components/appserver/renderApp.ts reads this file). Tested by tests/components/app.test.ts.
import html
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pymysql

SERVER_NAME = os.environ["WEBSTACK_SERVER_NAME"]


def read_password():
    with open(os.environ["WEBSTACK_DB_PASSWORD_FILE"], encoding="utf-8") as f:
        return f.read().strip()


def probe(host):
    """Connects over verified TLS and reads who answered and whether it takes writes.

    Read-only on purpose: the page is reachable from the load balancer, and a write per
    request would let anyone who reaches it grow a table without bound. The error's detail
    goes to the journal, never into the response."""
    try:
        conn = pymysql.connect(
            host=host,
            port=int(os.environ["WEBSTACK_DB_PORT"]),
            user=os.environ["WEBSTACK_DB_USER"],
            password=read_password(),
            database=os.environ["WEBSTACK_DB_NAME"],
            # ssl_ca, not ssl={"ca": ...}: with ssl_verify_* set, PyMySQL 1.0 rebuilds its TLS
            # settings from ssl_ca and drops the dict, so the internal CA was never trusted.
            ssl_ca=os.environ["WEBSTACK_DB_CA"],
            ssl_verify_cert=True,
            ssl_verify_identity=True,
            connect_timeout=2,
            read_timeout=2,
            write_timeout=2,
        )
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT @@hostname, @@read_only")
                hostname, read_only = cur.fetchone()
            return {"ok": True, "host": hostname, "read_only": bool(read_only)}
        finally:
            conn.close()
    except Exception as error:  # the page reports any failure instead of failing itself
        print("webstack-app: database %s: %s" % (host, error), file=sys.stderr, flush=True)
        return {"ok": False, "error": "unavailable"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; with Nagle on, each response waits ~40 ms
    # for the delayed ACK of the first write.
    disable_nagle_algorithm = True

    def _send(self, status, content_type, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Served-By", SERVER_NAME)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/healthz":
            self._send(200, "text/plain", "ok\n")
        elif self.path == "/db.json":
            report = {
                "server": SERVER_NAME,
                "writer": probe(os.environ["WEBSTACK_DB_WRITER"]),
                "reader": probe(os.environ["WEBSTACK_DB_READER"]),
            }
            self._send(200, "application/json", json.dumps(report))
        elif self.path == "/":
            self._send(200, "text/html", "<!doctype html><title>webstack</title><p>Served by <b>%s</b></p>\n" % html.escape(SERVER_NAME))
        else:
            self._send(404, "text/plain", "not found\n")

    def log_message(self, fmt, *args):
        pass  # nginx logs every request already


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(os.environ["WEBSTACK_APP_PORT"])), Handler).serve_forever()

#!/usr/bin/env python3
"""A small app a user would containerise: serves a JSON page on 127.0.0.1, fetches it with urllib,
stores it in sqlite3, and prints what it got with a time zone-aware timestamp."""
import json
import sqlite3
import ssl
import threading
import urllib.request
import zoneinfo
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"path": self.path, "ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/hello") as r:
    data = json.load(r)
server.shutdown()
db = sqlite3.connect(":memory:")
db.execute("create table t (path text)")
db.execute("insert into t values (?)", (data["path"],))
(path,) = db.execute("select path from t").fetchone()
ctx = ssl.create_default_context()
when = datetime(2024, 1, 1, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
print(f"fetched {path} ok={data['ok']} tls_verify={ctx.verify_mode == ssl.CERT_REQUIRED} at {when.isoformat()}")

# Fixture: ssl (OpenSSL, the CA bundle of ca-certificates) and urllib.request against a local HTTP
# server on 127.0.0.1 (no network), plus a data: URL.
import ssl
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

ctx = ssl.create_default_context()
stats = ctx.cert_store_stats()
print("verify:", ctx.verify_mode == ssl.CERT_REQUIRED, "check_hostname:", ctx.check_hostname)
print("CA certificates loaded:", stats["x509_ca"] > 100)
print("openssl:", ssl.OPENSSL_VERSION.split()[0])


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("hello " + self.path).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Hello)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d/path?q=1" % server.server_address[1]
with urllib.request.urlopen(urllib.request.Request(url, headers={"X-Test": "1"}), timeout=10) as r:
    print(r.status, r.headers["Content-Type"], r.read().decode())
server.shutdown()
with urllib.request.urlopen("data:text/plain;base64,cmFpc29u") as r:
    print(r.read().decode())

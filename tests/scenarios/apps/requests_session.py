# requests without the network: a prepared request (URL, query, headers, JSON body), then a Session
# talking to an http.server thread on 127.0.0.1 (a redirect, a JSON answer, cookies); the CA bundle
# requests would verify HTTPS against must be readable.
import http.server
import json
import threading

import requests

req = requests.Request("POST", "http://example.invalid/api/items", params={"q": "a b", "n": 3},
                       json={"name": "x\u00e9"}, headers={"X-Demo": "1"})
p = req.prepare()
print(p.method, p.url)
print(sorted((k, v) for k, v in p.headers.items()))
print(p.body)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/old":
            self.send_response(302)
            self.send_header("Location", "/new")
            self.send_header("Set-Cookie", "session=abc; Path=/")
            self.end_headers()
            return
        body = json.dumps({"path": self.path, "cookie": self.headers.get("Cookie")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % server.server_address[1]
with requests.Session() as s:
    r = s.get(base + "/old", timeout=10)
    print(r.status_code, [h.status_code for h in r.history], r.json(), r.encoding)
    print("cookies", s.cookies.get_dict())
server.shutdown()

bundle = requests.certs.where()
with open(bundle) as f:
    print("CA bundle", bundle, "certificates:", f.read().count("BEGIN CERTIFICATE") > 100)

#!/usr/bin/env bash
# `raison report MANIFEST -o report.html` writes one self-contained page (no external script, style or
# font) that headless Chromium opens from a file:// URL without a console error: its treemap has one
# rectangle per top-level child of the dominator tree that holds bytes, a search (preset by the URL's
# #q= fragment) shows each matching file with its chain of reasons back to the seed, the dropped bytes
# of the root are listed, and a screenshot can be taken.
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
need_tool chromium
py_overlay
app=/opt/report/app.py
mkdir -p "$ROOT/opt/report"
printf 'import sqlite3\nimport ssl\nprint(ssl.OPENSSL_VERSION, sqlite3.sqlite_version)\n' >"$ROOT$app"
rz closure "$ROOT" --seed "$app" --seed /usr/bin/perl --manifest "$T/m.json"
expect_rc 0 "closure"
rz report "$T/m.json" -o "$T/report.html"
expect_rc 0 "report"
rz report "$T/m.json" -o "$T/report.html"
expect_rc 3 "an existing report without --force"
grep -qiE '<(script|link|img)[^>]+(src|href)=' "$T/report.html" && fail "the page loads something from outside"

chrome() {
  local home; home=$(mktemp -d "$T/chrome.XXXXXX")
  timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$home" --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 --window-size=1280,1000 "$@"
}
url="file://$T/report.html#q=libssl.so.3"
chrome --dump-dom "$url" >"$T/dom.html" 2>"$T/chrome.err" || { cat "$T/chrome.err"; fail "chromium --dump-dom"; }
if grep -E 'CONSOLE\(' "$T/chrome.err"; then fail "console messages from the page"; fi

python3 - "$T/report.html" "$T/dom.html" "$app" <<'PY' || fail "the page as Chromium rendered it"
import html.parser, json, re, sys
page, dom, app = (open(sys.argv[1]).read(), open(sys.argv[2]).read(), sys.argv[3])
data = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S).group(1))
nodes = data["nodes"]
top = [n for n in nodes if n[3] == 0 and n[2] > 0]

class Dom(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.rects, self.files, self.errors, self.text = [], [], [], "", []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        self.stack.append((tag, cls, a))
        if "rect" in cls and "top" in cls: self.rects.append(a["data-path"])
        if "file" in cls: self.files.append([a["data-path"], []])
        if "hop" in cls: self.files[-1][1].append("")
    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag: pass
    def handle_data(self, d):
        if any(a.get("id") == "errors" for _, _, a in self.stack): self.errors += d
        if any("hop" in c for _, c, _ in self.stack): self.files[-1][1][-1] += d
        self.text.append(d)
p = Dom(); p.feed(dom)
assert not p.errors.strip(), "errors on the page: " + p.errors
assert len(p.rects) == len(top), f"{len(p.rects)} rectangles for {len(top)} top-level dominator children"
assert sorted(p.rects) == sorted(n[0] for n in top), (p.rects, [n[0] for n in top])
assert any(r == app for r in p.rects) and any(r.endswith("/perl") for r in p.rects), p.rects
hits = [f for f in p.files if f[0].endswith("/libssl.so.3")]
assert hits, "the search for libssl.so.3 shows no file: " + repr(p.files)
chain = hits[0][1]
assert len(chain) >= 3, chain
assert chain[0].startswith("seed") and app in chain[0], chain
assert chain[-1].startswith("needed") and "libssl.so.3" in chain[-1], chain
assert any("/_ssl." in h for h in chain), chain
text = "".join(p.text)
assert "Dropped bytes" in text and "/usr/share" in text, "no dropped directories"
assert "coreutils" in text, "no dropped packages"
print("rects", len(p.rects), "chain", " | ".join(chain), file=sys.stderr)
PY

# Dropped bytes by package: coreutils (nothing of it is kept for a Python script and perl) is charged
# the bytes of the regular files dpkg lists for it in the root.
want=$(dpkg --admindir="$ROOT/var/lib/dpkg" -L coreutils | while read -r f; do
  if [ -f "$ROOT$f" ] && [ ! -L "$ROOT$f" ]; then stat -c %s "$ROOT$f"; fi; done | awk '{ s += $1 } END { print s }')
got=$(python3 -c 'import json, re, sys
d = json.loads(re.search(r"<script type=\"application/json\" id=\"data\">(.*?)</script>", open(sys.argv[1]).read(), re.S).group(1))
print(dict(d["dropped"]["by_package"]).get("coreutils"))' "$T/report.html")
assert_eq "$want" "$got" "dropped bytes of coreutils in the report"

# Zoomed in on the script (as a click on its rectangle does): its own dominator children.
chrome --dump-dom "file://$T/report.html#zoom=$app" >"$T/zoom.html" 2>"$T/chrome.err" || { cat "$T/chrome.err"; fail "chromium --dump-dom (zoom)"; }
python3 - "$T/report.html" "$T/zoom.html" "$app" <<'PY' || fail "the treemap zoomed on $app"
import json, re, sys
page, dom, app = (open(sys.argv[1]).read(), open(sys.argv[2]).read(), sys.argv[3])
nodes = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S).group(1))["nodes"]
me = next(i for i, n in enumerate(nodes) if n[0] == app)
want = sorted(n[0] for n in nodes if n[3] == me and n[2] > 0)
got = sorted(re.findall(r'class="rect top[^"]*" [^>]*data-path="([^"]*)"', dom))
assert want and got == want, (got, want)
crumbs = re.search(r'<div id="crumbs">(.*?)</div>', dom, re.S).group(1)
assert "all seeds" in crumbs and app in crumbs, crumbs
PY

chrome --screenshot="$T/report.png" "$url" 2>"$T/chrome.err" >/dev/null || { cat "$T/chrome.err"; fail "chromium --screenshot"; }
[ "$(head -c 8 "$T/report.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "the screenshot is not a PNG"
[ "$(stat -c %s "$T/report.png")" -gt 20000 ] || fail "the screenshot is nearly empty"
if [ -n "${RAISON_REPORT_SAVE:-}" ]; then cp "$T/report.html" "$T/report.png" "$RAISON_REPORT_SAVE/"; fi
echo PASS

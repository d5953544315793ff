#!/usr/bin/env bash
# Each kind of Python evidence beyond import statements, on fixtures of its own in the Debian root,
# checked by what the interpreter does with the shrunk root and by the reason raison gives:
# - strings of a compiled extension module that name a module (relative to its package, or absolute)
#   are imports; a string that names no module is passed over silently;
# - distribution metadata of a kept module: a .dist-info found through its RECORD, an .egg-info through
#   its top_level.txt; importlib.metadata reads them in the shrunk root;
# - a console script's entry point (load_entry_point) brings the entry point's module;
# - package data is kept (not the package's tests), and --python-package-data drop leaves it out;
# - a file a module names beside itself is kept.
source "$(dirname "$0")/lib.sh"
py_private_mounts "$0" "$@"
py_overlay

site=/usr/lib/python3/dist-packages
P=$ROOT$site
# The extension module: only its strings matter to raison, so no Python headers are needed; importing
# it for real is not part of this test (the interpreter would find no PyInit_fastpkg).
mkdir -p "$P/fastpkg"
echo 'from . import core' >"$P/fastpkg/__init__.py"
echo 'VALUE = "helper"' >"$P/fastpkg/_helper.py"
echo 'VALUE = "absolute"' >"$P/absmod.py"
cc_so "$P/fastpkg/core.cpython-311-x86_64-linux-gnu.so" core.so \
  'const char* names[] = {"_helper", "absmod", "no_such_module_anywhere", "fastpkg.nothing_here"};
   const char* pick(int i) { return names[i]; }'
# Distributions: metadata found through RECORD (no top_level.txt) and through top_level.txt.
mkdir -p "$P/recpkg" "$P/RecPkg-1.2.dist-info" "$P/toppkg" "$P/TopPkg-3.4.egg-info" "$P/recpkg/templates" "$P/recpkg/tests"
echo 'NAME = "recpkg"' >"$P/recpkg/__init__.py"
echo '<p>{{ x }}</p>' >"$P/recpkg/templates/page.html"
echo '{"k": 1}' >"$P/recpkg/defaults.json"
echo 'def test(): pass' >"$P/recpkg/tests/test_x.py"
echo 'fixture' >"$P/recpkg/tests/data.txt"
printf 'Metadata-Version: 2.1\nName: RecPkg\nVersion: 1.2\n' >"$P/RecPkg-1.2.dist-info/METADATA"
printf 'recpkg/__init__.py,,\nRecPkg-1.2.dist-info/METADATA,,\n' >"$P/RecPkg-1.2.dist-info/RECORD"
printf 'def main():\n    print("toppkg main")\n' >"$P/toppkg/cli.py"
echo '' >"$P/toppkg/__init__.py"
printf 'Metadata-Version: 1.2\nName: TopPkg\nVersion: 3.4\n' >"$P/TopPkg-3.4.egg-info/PKG-INFO"
echo toppkg >"$P/TopPkg-3.4.egg-info/top_level.txt"
printf '[console_scripts]\ntoppkg = toppkg.cli:main\n' >"$P/TopPkg-3.4.egg-info/entry_points.txt"
# A console script as setuptools writes them (Debian's /usr/bin/flask is one).
cat >"$ROOT/usr/bin/toppkg" <<'PY'
#!/usr/bin/python3
# EASY-INSTALL-ENTRY-SCRIPT: 'TopPkg==3.4','console_scripts','toppkg'
import re
import sys
from importlib.metadata import distribution
def load_entry_point(spec, group, name):
    dist_name, _, _ = spec.partition('==')
    return next(ep for ep in distribution(dist_name).entry_points if ep.group == group and ep.name == name).load()
if __name__ == '__main__':
    sys.exit(load_entry_point('TopPkg==3.4', 'console_scripts', 'toppkg')())
PY
chmod +x "$ROOT/usr/bin/toppkg"
# A program using them all, and a file it names beside itself.
mkdir -p "$ROOT/opt/ev"
echo 'helper data' >"$ROOT/opt/ev/helper.dat"
cat >"$ROOT/opt/ev/main.py" <<'PY'
import importlib.metadata as md
import importlib.resources
import os
import recpkg
print(recpkg.NAME, md.version("RecPkg"), [str(f) for f in md.files("RecPkg")])
print(importlib.resources.files("recpkg").joinpath("templates/page.html").read_text().strip())
print(open(os.path.join(os.path.dirname(__file__), "helper.dat")).read().strip())
PY

py_run "$ROOT" /usr/bin/python3 /opt/ev/main.py
[ "$RUN_RC" = 0 ] || { cat "$T/run" "$T/run.err"; fail "main.py in the full root"; }
want=$(cat "$T/run")
rz closure "$ROOT" --seed /opt/ev/main.py --seed /usr/bin/toppkg -o "$T/s"
expect_rc 0 "closure"
py_run "$T/s" /usr/bin/python3 /opt/ev/main.py
[ "$RUN_RC" = 0 ] || { cat "$T/run" "$T/run.err"; fail "main.py in its shrunk root"; }
assert_eq "$want" "$(cat "$T/run")" "main.py in its shrunk root"
py_run "$T/s" /usr/bin/toppkg
assert_eq "toppkg main" "$(cat "$T/run")" "the console script in the shrunk root"
[ -f "$T/s$site/recpkg/defaults.json" ] || fail "package data defaults.json not kept"
[ ! -e "$T/s$site/recpkg/tests" ] || fail "the package's tests are kept"

# The reasons say which evidence.
why() { "$RAISON" why "$T/s.manifest.json" "$1" >"$T/why" || { cat "$T/why"; fail "why $1"; }; }
why "$site/RecPkg-1.2.dist-info/METADATA"; assert_grep "$T/why" 'distribution metadata of RecPkg'
why "$site/toppkg/cli.py"; assert_grep "$T/why" 'entry point console_scripts toppkg = toppkg.cli:main of TopPkg'
why "$site/recpkg/templates/page.html"; assert_grep "$T/why" 'package data of recpkg \(rule python-package-data'
why /opt/ev/helper.dat; assert_grep "$T/why" 'named by the string "helper.dat"'

# Compiled code: the extension's strings, relative and absolute; the others pass silently.
rz closure "$ROOT" --seed /opt/ev/main.py --python-import fastpkg --list -v
expect_rc 0 "closure with the extension module"
assert_has "$T/out" "$site/fastpkg/_helper.py"
assert_has "$T/out" "$site/absmod.py"
! grep -q 'no_such_module_anywhere\|nothing_here' "$T/err" || { cat "$T/err"; fail "a string that names no module was reported"; }
"$RAISON" why "$ROOT" "$site/fastpkg/_helper.py" --seed /opt/ev/main.py --python-import fastpkg >"$T/why"
assert_grep "$T/why" 'imported by compiled code: string "_helper" in core.cpython-311-x86_64-linux-gnu.so'

# --python-package-data drop: no package data, the rest the same.
rz closure "$ROOT" --seed /opt/ev/main.py --python-package-data drop --list
expect_rc 0 "closure without package data"
assert_lacks "$T/out" "$site/recpkg/defaults.json"
assert_has "$T/out" "$site/recpkg/__init__.py"
echo PASS

// The Python import scanner: each rule on tricky sources written here, and CPython's own ast module
// as the oracle over every .py file of this machine's Debian python3.11 stdlib (its test suite
// included): the same import statements found, in the same contexts.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "analyzers/python/scanner.hpp"
#include "raison/error.hpp"

namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& v) {
    std::string s = "{";
    for (const auto& x : v) s += "\n  \"" + x + "\"";
    return (s + "}").c_str();
  }
};
}  // namespace doctest

using namespace std::literals;
using raison::python::Import;
using raison::python::scan;

namespace {

// One import as a line of text: "<ctx><T?><M?> <line> <how> <dots><module> [names]"; ctx is T(op),
// D(elayed), O(ptional); T marks TYPE_CHECKING, M the `if __name__ == "__main__":` guard. The ast
// oracle below prints the same.
std::string describe(const Import& i) {
  std::string s = i.context == Import::Context::TopLevel ? "T" : i.context == Import::Context::Delayed ? "D" : "O";
  if (i.type_checking) s += "T";
  if (i.main_guard) s += "M";
  s += " " + std::to_string(i.line) + " " + i.how + " " + std::string(static_cast<size_t>(i.level), '.') + i.module;
  for (size_t k = 0; k < i.names.size(); ++k) s += (k ? "," : " ") + i.names[k];
  return s;
}

std::vector<std::string> scanned(std::string_view src) {
  auto r = scan(src);
  std::vector<std::string> out;
  for (const auto& i : r.imports) out.push_back(describe(i));
  for (const auto& d : r.diagnostics) out.push_back("! " + d);
  return out;
}

using V = std::vector<std::string>;

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 65536> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  REQUIRE_MESSAGE(::pclose(p) == 0, cmd);
  return out;
}

const char* const kStdlib = "/usr/lib/python3.11";
const char* const kPython = "/usr/bin/python3.11";

void require_debian_python() {
  REQUIRE_MESSAGE(std::filesystem::exists(kPython), kPython << " is missing: install the Debian package python3.11");
  REQUIRE_MESSAGE(std::filesystem::exists(std::string(kStdlib) + "/test/regrtest.py"),
                  kStdlib << "/test is missing: install the Debian package libpython3.11-testsuite");
}

// The oracle: for every .py under argv[1], what CPython's ast finds, as JSON: {"unparsable": {path:
// error}, "files": {path: {"statements": [...]}}}, each import statement a line in describe()'s
// format. The contexts are raison's documented ones, computed on the tree.
const char* const kOracle = R"PY(
import ast, json, os, sys

ROOT = sys.argv[1]
CATCH = {'ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException'}
BLOCKS = {'body', 'orelse', 'finalbody', 'handlers', 'cases'}

def names(e):
    return {n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(e) if isinstance(n, (ast.Name, ast.Attribute))}

def is_str(e):
    return isinstance(e, ast.Constant) and type(e.value) is str

# `TYPE_CHECKING` or `a.b.TYPE_CHECKING`, names only.
def type_checking(test):
    if isinstance(test, ast.Attribute) and test.attr == 'TYPE_CHECKING':
        test = test.value
        while isinstance(test, ast.Attribute):
            test = test.value
        return isinstance(test, ast.Name)
    return isinstance(test, ast.Name) and test.id == 'TYPE_CHECKING'

def main_guard(test):
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    a, b = test.left, test.comparators[0]
    main = lambda e: is_str(e) and e.value == '__main__'
    name = lambda e: isinstance(e, ast.Name) and e.id == '__name__'
    return (name(a) and main(b)) or (main(a) and name(b))

# Where the `body` of `node` runs: D(elayed) in a def or lambda, O(ptional) in a try tolerating
# ImportError or `with suppress(ImportError)`, then T(YPE_CHECKING) and M(ain guard) marks.
def body_where(node, kind, where):
    if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda):
        return 'D' + where[1:]
    if kind in (ast.Try, ast.TryStar) and any(h.type is None or names(h.type) & CATCH for h in node.handlers):
        return 'O' + where[1:]
    if kind in (ast.With, ast.AsyncWith):
        inside = set().union(*(names(i.context_expr) for i in node.items))
        if 'suppress' in inside and inside & CATCH:
            return 'O' + where[1:]
    if kind is ast.If:
        if type_checking(node.test) and 'T' not in where[1:]:
            where = where[0] + 'T' + where[1:]
        if main_guard(node.test) and 'M' not in where:
            where = where + 'M'
    return where

# Import statements are statements: only the blocks of compound statements are walked.
def scan(tree):
    out = {'statements': []}
    stack = [(tree, 'T')]
    while stack:
        node, where = stack.pop()
        kind = type(node)
        if kind is ast.Import:
            out['statements'] += [f'{where} {node.lineno} import {a.name}' for a in node.names]
        elif kind is ast.ImportFrom:
            out['statements'].append(f'{where} {node.lineno} from {"." * node.level}{node.module or ""} ' +
                                     ','.join(a.name for a in node.names))
        inner = body_where(node, kind, where)
        for field in BLOCKS.intersection(node._fields):
            w = inner if field == 'body' else where
            for child in getattr(node, field):
                stack.append((child, w))
    return out

result = {'unparsable': {}, 'files': {}}
for directory, dirs, files in os.walk(ROOT):
    dirs.sort()
    for f in sorted(files):
        if not f.endswith('.py'):
            continue
        path = os.path.join(directory, f)
        with open(path, 'rb') as src:
            data = src.read()
        try:
            tree = ast.parse(data, path)
        except (SyntaxError, ValueError) as e:
            result['unparsable'][path] = f'{type(e).__name__}: {e}'
            continue
        result['files'][path] = scan(tree)
json.dump(result, sys.stdout)
)PY";

}  // namespace

TEST_CASE("python scanner: every form of import statement") {
  CHECK(scanned("import a.b\nimport a.b as c, d\n") == V{"T 1 import a.b", "T 2 import a.b", "T 2 import d"});
  CHECK(scanned("from x import y\nfrom x.y import z as w, v\n") == V{"T 1 from x y", "T 2 from x.y z,v"});
  CHECK(scanned("from . import y\nfrom .. import z\nfrom ...a.b import c\n") ==
        V{"T 1 from . y", "T 2 from .. z", "T 3 from ...a.b c"});
  CHECK(scanned("from ..pkg import (a, b,\n c)\nimport e\n") == V{"T 1 from ..pkg a,b,c", "T 3 import e"});
  CHECK(scanned("from x import *\n") == V{"T 1 from x *"});
  CHECK(scanned("from x import (a as b,\n   # comment\n   c,)\n") == V{"T 1 from x a,c"});
}

TEST_CASE("python scanner: __import__ and importlib.import_module with literal names") {
  CHECK(scanned("m = __import__('lit')\nx = __import__(name)\n") == V{"T 1 __import__ lit"});
  CHECK(scanned("import importlib\nimportlib.import_module('a.b')\n") ==
        V{"T 1 import importlib", "T 2 import_module a.b"});
  // A bare import_module() only counts after `from importlib import import_module`.
  CHECK(scanned("import_module('no')\nfrom importlib import import_module as im\nim('yes')\n") ==
        V{"T 2 from importlib import_module", "T 3 import_module yes"});
  CHECK(scanned("import importlib as il\nil.import_module('x' 'y')\n") == V{"T 1 import importlib", "T 2 import_module xy"});
  // A literal package resolves the relative name; without one it stays relative.
  CHECK(scanned("import importlib\nimportlib.import_module('..c', 'a.b')\nimportlib.import_module('.d', p)\n") ==
        V{"T 1 import importlib", "T 2 import_module a.c", "T 3 import_module .d"});
  CHECK(scanned("def __import__(x): pass\nf = lambda: __import__('lazy')\n") == V{"D 2 __import__ lazy"});
  CHECK(scanned("g(lambda: 1, __import__('now'))\n") == V{"T 1 __import__ now"});
  CHECK(scanned("__import__(f'x{y}')\n__import__(b'x')\n").empty());
}

TEST_CASE("python scanner: strings and comments hide imports") {
  const char* src =
      "# import commented\n"
      "s = 'import a'; t = \"from b import c\"\n"
      "u = '''\nimport d\n'''\n"
      "v = r\"\"\"\\\"\"\" import e \"\"\"\n"
      "w = rb'import f' + Br\"\\\"import g\"\n"
      "x = f\"{ {'k': 'import h'}['k'] } {y:'>10} {z!r:{w}}\"\n"
      "doc = f'''\nimport i {\n  j\n}\n'''\n"
      "my_import = import_x = 1  # import_ in names\n"
      "import real\n";
  CHECK(scanned(src) == V{"T 15 import real"});
}

TEST_CASE("python scanner: continuation lines, brackets and semicolons make logical lines") {
  CHECK(scanned("import a, \\\n    b\nx = (1,\n import_ )\nimport c; import d;from e import f\n") ==
        V{"T 1 import a", "T 1 import b", "T 5 import c", "T 5 import d", "T 5 from e f"});
  CHECK(scanned("if x: import a\nelse: import b\nclass K: import c\n") ==
        V{"T 1 import a", "T 2 import b", "T 3 import c"});
  // A bracket of a previous line does not end at the newline: `import` here is not a statement start.
  CHECK(scanned("f(\nimport_thing)\nimport ok\n") == V{"T 3 import ok"});
}

TEST_CASE("python scanner: def delays, try/except ImportError makes optional") {
  const char* src =
      "try:\n"
      "    import fast\n"
      "except ImportError:\n"
      "    import slow\n"
      "try:\n"
      "    import strict\n"
      "except KeyError:\n"
      "    pass\n"
      "try: import bare\n"
      "except: pass\n"
      "try:\n"
      "    import tup\n"
      "except (OSError, ModuleNotFoundError) as e:\n"
      "    pass\n"
      "finally:\n"
      "    import fin\n"
      "def f(x=__import__('default')):\n"
      "    import inner\n"
      "    try:\n"
      "        import opt_in_def\n"
      "    except Exception:\n"
      "        pass\n"
      "    class C:\n"
      "        import in_class_in_def\n"
      "try:\n"
      "    def g():\n"
      "        import not_protected\n"
      "except ImportError:\n"
      "    pass\n"
      "class Top:\n"
      "    import in_class\n"
      "    async def m(self): import in_method\n"
      "with contextlib.suppress(ImportError):\n"
      "    import suppressed\n"
      "import after\n";
  CHECK(scanned(src) == V{"O 2 import fast",       "T 4 import slow",
                          "T 6 import strict",     "O 9 import bare",
                          "O 12 import tup",       "T 16 import fin",
                          "T 17 __import__ default", "D 18 import inner",
                          "O 20 import opt_in_def", "D 24 import in_class_in_def",
                          "D 27 import not_protected", "T 31 import in_class",
                          "D 32 import in_method", "O 34 import suppressed",
                          "T 35 import after"});
}

TEST_CASE("python scanner: TYPE_CHECKING blocks are marked, their else branch is not") {
  const char* src =
      "from typing import TYPE_CHECKING\n"
      "if TYPE_CHECKING:\n"
      "    from a import B\n"
      "else:\n"
      "    B = None\n"
      "    import rt\n"
      "if typing.TYPE_CHECKING:\n"
      "    import c\n"
      "if not TYPE_CHECKING:\n"
      "    import d\n";
  CHECK(scanned(src) == V{"T 1 from typing TYPE_CHECKING", "TT 3 from a B", "T 6 import rt", "TT 8 import c",
                          "T 10 import d"});
}

TEST_CASE("python scanner: relative names resolve as importlib does") {
  using raison::python::resolve_relative;
  CHECK(resolve_relative("pkg.sub.mod", false, 1, "x") == "pkg.sub.x");
  CHECK(resolve_relative("pkg.sub.mod", false, 2, "") == "pkg");
  CHECK(resolve_relative("pkg.sub", true, 1, "x.y") == "pkg.sub.x.y");
  CHECK(resolve_relative("pkg.sub", true, 2, "x") == "pkg.x");
  CHECK(resolve_relative("a", false, 0, "abs") == "abs");
  CHECK_THROWS_WITH_AS(resolve_relative("pkg.mod", false, 2, "x"), "attempted relative import beyond top-level package",
                       raison::Error);
  CHECK_THROWS_WITH_AS(resolve_relative("pkg", true, 2, "x"), "attempted relative import beyond top-level package",
                       raison::Error);
  CHECK_THROWS_WITH_AS(resolve_relative("script", false, 1, "x"), "attempted relative import with no known parent package",
                       raison::Error);
  CHECK(scanned("import importlib\nimportlib.import_module('...x', 'a.b')\n").back().find("beyond top-level") !=
        std::string::npos);
}

TEST_CASE("python scanner: encodings, BOM, NUL") {
  // Latin-1 with a cookie on line 2: the é (0xE9) must not break the string, the import is found.
  CHECK(scanned("#!/usr/bin/python\n# -*- coding: latin-1 -*-\ns = '\xe9'\nimport a\n") == V{"T 4 import a"});
  // Shift_JIS: 0x5C ('\\') is the trail byte of 0x95 0x5C; read as ASCII it would escape the quote.
  CHECK(scanned("# coding: shift_jis\ns = '\x95\x5c'\nimport b\n") == V{"T 3 import b"});
  CHECK(scanned("\xEF\xBB\xBFimport c\n") == V{"T 1 import c"});
  // A cookie on line 2 counts only after a blank or comment line.
  auto r = scan("x = 1\n# coding: latin-1\ns = '\xe9'\n");
  CHECK(r.diagnostics.size() == 1);
  r = scan("import a\nx = '\0'\nimport b\n"sv);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].find("NUL") != std::string::npos);
  CHECK(r.imports.size() == 2);
  CHECK(scan("# coding: no-such-codec\nimport a\n").diagnostics.size() == 1);
  CHECK(scan("s = 'unterminated\nimport a\n").diagnostics.size() == 1);
}

TEST_CASE("python scanner: the whole python3.11 stdlib scans without diagnostics") {
  require_debian_python();
  // Test data that CPython itself cannot compile, or in an undeclared encoding on purpose.
  const std::set<std::string> known_bad = {"lib2to3/tests/data/different_encoding.py",
                                           "lib2to3/tests/data/false_encoding.py", "lib2to3/tests/data/py2_test_grammar.py",
                                           "test/bad_coding.py", "test/badsyntax_pep3120.py"};
  size_t files = 0, imports = 0;
  std::vector<std::string> problems;
  for (const auto& e : std::filesystem::recursive_directory_iterator(kStdlib)) {
    if (!e.is_regular_file() || e.path().extension() != ".py") continue;
    ++files;
    auto r = scan(slurp(e.path()));
    imports += r.imports.size();
    std::string rel = std::filesystem::relative(e.path(), kStdlib);
    if (!r.diagnostics.empty() && !known_bad.count(rel)) problems.push_back(rel + ": " + r.diagnostics[0]);
  }
  MESSAGE(files << " files, " << imports << " imports");
  CHECK(files > 1500);
  CHECK(imports > 10000);
  CHECK(problems == std::vector<std::string>{});
}

TEST_CASE("python scanner: agrees with CPython's ast on every file of the python3.11 stdlib") {
  require_debian_python();
  char script[] = "/tmp/raison-pyoracle-XXXXXX";
  int fd = ::mkstemp(script);
  REQUIRE(fd >= 0);
  ::close(fd);
  { std::ofstream(script) << kOracle; }
  std::string out = run("env -i "s + kPython + " -I " + script + " " + kStdlib);
  std::remove(script);
  const nlohmann::json oracle = nlohmann::json::parse(out);

  // Per file, the lines only one side has.
  std::vector<std::string> ast_only, raison_only;
  size_t compared = 0;
  for (const auto& [path, kinds] : oracle["files"].items()) {
    std::set<std::string> ours;
    for (const Import& i : scan(slurp(path)).imports)
      if (i.how == "import" || i.how == "from") ours.insert(describe(i));
    const std::string file = std::filesystem::relative(path, kStdlib).string() + ": ";
    std::set<std::string> theirs(kinds["statements"].begin(), kinds["statements"].end());
    compared += theirs.size();
    for (const auto& l : theirs)
      if (!ours.count(l)) ast_only.push_back(file + l);
    for (const auto& l : ours)
      if (!theirs.count(l)) raison_only.push_back(file + l);
  }
  MESSAGE(oracle["files"].size() << " files compared (" << oracle["unparsable"].size()
                                 << " more the ast cannot parse, excluded): " << compared << " import statements");
  CHECK(oracle["files"].size() > 1500);
  CHECK(oracle["unparsable"].size() < 20);
  CHECK(ast_only == std::vector<std::string>{});
  CHECK(raison_only == std::vector<std::string>{});
}

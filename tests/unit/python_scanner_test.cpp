// The Python import scanner on tricky sources written here, on every .py of this machine's Debian
// python3.11 stdlib, and against CPython's own ast module as the oracle for real stdlib files.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
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

// One import as a line of text: "<ctx><T?> <line> <how> <dots><module> [names]"; ctx is T(op),
// D(elayed), O(ptional); a second T marks TYPE_CHECKING.
std::string describe(const Import& i) {
  std::string s = i.context == Import::Context::TopLevel ? "T" : i.context == Import::Context::Delayed ? "D" : "O";
  if (i.type_checking) s += "T";
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
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  REQUIRE(::pclose(p) == 0);
  return out;
}

const char* const kStdlib = "/usr/lib/python3.11";
const char* const kPython = "/usr/bin/python3.11";

// The oracle: the same description computed from CPython's ast for each file given on stdin.
const char* const kOracle = R"PY(
import ast, sys
CATCH = {'ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException'}
def names(e):
    return [n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(e) if isinstance(n, (ast.Name, ast.Attribute))]
def catches(h):
    return h.type is None or any(n in CATCH for n in names(h.type))
def tc(test):
    return (isinstance(test, ast.Name) and test.id == 'TYPE_CHECKING') or (isinstance(test, ast.Attribute) and test.attr == 'TYPE_CHECKING')
def lit(a):
    return isinstance(a, ast.Constant) and isinstance(a.value, str)
def visit(node, ctx, t, out):
    for field, value in ast.iter_fields(node):
        for child in (value if isinstance(value, list) else [value]):
            if not isinstance(child, ast.AST): continue
            c, ct = ctx, t
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and field == 'body': c = 'D'
            if isinstance(node, (ast.Try, ast.TryStar)) and field == 'body' and any(catches(h) for h in node.handlers): c = 'O'
            if isinstance(node, ast.With) and field == 'body' and 'suppress' in names(node) and CATCH & set(names(node)): c = 'O'
            if isinstance(node, ast.If) and field == 'body' and tc(node.test): ct = 'T'
            p = c + ct + ' ' + str(getattr(child, 'lineno', 0)) + ' '
            if isinstance(child, ast.Import):
                out += [p + 'import ' + a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                out.append(p + 'from ' + '.' * child.level + (child.module or '') + ' ' + ','.join(a.name for a in child.names))
            elif isinstance(child, ast.Call) and child.args and lit(child.args[0]):
                f = child.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ''
                v = getattr(f, 'value', None)
                attr_of = v.id if isinstance(v, ast.Name) else v.attr if isinstance(v, ast.Attribute) else None
                if name == '__import__' and child.args[0].value:
                    out.append(p + '__import__ ' + child.args[0].value)
                elif name == 'import_module' and (attr_of == 'importlib' or (attr_of is None and FROM_IMPORTLIB)) and len(child.args) == 1:
                    out.append(p + 'import_module ' + child.args[0].value)
            visit(child, c, ct, out)
for path in sys.stdin.read().split():
    out = []
    tree = ast.parse(open(path, 'rb').read())
    FROM_IMPORTLIB = any(isinstance(n, ast.ImportFrom) and n.module == 'importlib' and any(a.name == 'import_module' for a in n.names) for n in ast.walk(tree))
    visit(tree, 'T', '', out)
    print('=' + path)
    for line in sorted(out): print(line)
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
  if (!std::filesystem::exists(kStdlib)) return;
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
  CHECK(files > 1000);
  CHECK(imports > 10000);
  CHECK(problems == std::vector<std::string>{});
}

TEST_CASE("python scanner: agrees with CPython's ast on stdlib modules") {
  if (!std::filesystem::exists(kPython)) return;
  std::vector<std::string> files = {"json/__init__.py", "ssl.py", "email/parser.py", "asyncio/__init__.py",
                                    "importlib/util.py", "typing.py", "subprocess.py", "pickle.py"};
  std::string list;
  if (std::getenv("RAISON_PY_ORACLE_ALL")) {  // the whole stdlib, for measuring (slow)
    files.clear();
    for (const auto& e : std::filesystem::recursive_directory_iterator(kStdlib))
      if (e.is_regular_file() && e.path().extension() == ".py" &&
          e.path().string().find("lib2to3/tests/data") == std::string::npos &&
          e.path().filename().string().find("bad") == std::string::npos)
        files.push_back(std::filesystem::relative(e.path(), kStdlib));
  }
  for (const auto& f : files) list += std::string(kStdlib) + "/" + f + "\n";
  char tmpl[] = "/tmp/raison-pyoracle-XXXXXX";
  int fd = ::mkstemp(tmpl);
  REQUIRE(fd >= 0);
  ::close(fd);
  { std::ofstream(tmpl) << kOracle; }
  std::string list_file = std::string(tmpl) + ".list";
  { std::ofstream(list_file) << list; }
  std::string oracle = run(std::string(kPython) + " " + tmpl + " < " + list_file);
  std::remove(tmpl);
  std::remove(list_file.c_str());

  std::string ours;
  for (const auto& f : files) {
    ours += "=" + std::string(kStdlib) + "/" + f + "\n";
    std::vector<std::string> lines;
    for (const auto& i : scan(slurp(std::string(kStdlib) + "/" + f)).imports) lines.push_back(describe(i));
    std::sort(lines.begin(), lines.end());
    for (const auto& l : lines) ours += l + "\n";
  }
  // Report only the lines that differ, each side marked.
  auto split = [](const std::string& text) {
    std::vector<std::string> v;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) v.push_back(l);
    return v;
  };
  std::vector<std::string> a = split(ours), b = split(oracle), diff;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(diff));
  for (auto& l : diff) l = "ours only: " + l;
  size_t n = diff.size();
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(diff));
  for (size_t k = n; k < diff.size(); ++k) diff[k] = "ast only:  " + diff[k];
  MESSAGE(a.size() << " import lines compared over " << files.size() << " files");
  CHECK(diff == std::vector<std::string>{});
}

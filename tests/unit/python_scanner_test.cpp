// The Python import scanner: each rule on tricky sources written here, and CPython's own ast module
// as the oracle over every .py file of this machine's Debian python3.11 stdlib (its test suite
// included): the same import statements, import calls and `-m NAME` found, in the same contexts.
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

// Each import's evidence, "name: " first when the literal reached its use through a name.
std::vector<std::string> evidence(std::string_view src) {
  std::vector<std::string> out;
  for (const auto& i : scan(src).imports) out.push_back((i.through_name ? "name: " : "") + i.evidence);
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
// error}, "files": {path: {"statements", "calls", "rejected", "dash_m"}}}, each a list of lines in
// describe()'s format. "calls" are calls of the import functions (by name, on any object, or by an
// alias) whose first argument is a str constant naming a module (relative names resolved with a
// constant package, by importlib itself), plus import_fresh_module's fresh=[...] names; "rejected"
// the str constants that name no module; "dash_m" the `-m NAME` items of lists, tuples and call
// arguments. The contexts are raison's documented ones, computed on the tree.
const char* const kOracle = R"PY(
import ast, importlib.util, json, os, re, sys

ROOT = sys.argv[1]
FUNCTIONS = {'__import__', 'import_module', 'import_fresh_module', 'find_spec', 'run_module'}
CATCH = {'ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException'}
FLAGS = set('bBdEiIOPqRsStuvx')
# Files without these bytes hold no call or -m to find: only their statements are walked.
DATA = re.compile(rb'import_module|import_fresh_module|find_spec|run_module|__import__|[\'"]-[bBdEiIOPqRsStuvx]*m')
BLOCKS = {'body', 'orelse', 'finalbody', 'handlers', 'cases'}

def names(e):
    return {n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(e) if isinstance(n, (ast.Name, ast.Attribute))}

def is_str(e):
    return isinstance(e, ast.Constant) and type(e.value) is str

def is_int(e):
    return isinstance(e, ast.Constant) and type(e.value) is int

def func_name(f):
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None

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

def module_name(s):
    return all(p.isidentifier() for p in s.split('.'))

def python_named(node, elts):
    if isinstance(node, ast.Call) and 'python' in (func_name(node.func) or ''):
        return True
    for e in elts:
        if func_name(e) == 'executable' and isinstance(e, (ast.Name, ast.Attribute)):
            return True
        if is_str(e) and e.value.rsplit('/', 1)[-1].startswith('python'):
            return True
    return False

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

LEAVES = {ast.Name, ast.Constant, ast.alias, ast.arg}

def scan(tree, expressions):
    aliases = {}  # `from m import import_module as im`, anywhere in the file
    calls = []
    out = {'statements': [], 'calls': [], 'rejected': [], 'dash_m': []}
    stack = [(tree, 'T')]
    while stack:
        node, where = stack.pop()
        kind = type(node)
        if kind is ast.Import:
            out['statements'] += [f'{where} {node.lineno} import {a.name}' for a in node.names]
        elif kind is ast.ImportFrom:
            out['statements'].append(f'{where} {node.lineno} from {"." * node.level}{node.module or ""} ' +
                                     ','.join(a.name for a in node.names))
            aliases.update((a.asname, a.name) for a in node.names if a.name in FUNCTIONS and a.asname)
        elif kind is ast.Call:
            calls.append((node, where))
        if kind in (ast.List, ast.Tuple, ast.Call):
            dash_m(node, where, out)
        inner = body_where(node, kind, where)
        for field in node._fields if expressions else BLOCKS.intersection(node._fields):
            if field == 'ctx':
                continue
            w = inner if field == 'body' else where
            value = getattr(node, field)
            for child in value if type(value) is list else (value,):
                if type(child) not in LEAVES and isinstance(child, ast.AST):
                    stack.append((child, w))
    for node, where in calls:
        call(node, where, aliases, out)
    return out

def call(node, where, aliases, out):
    name = func_name(node.func)
    how = aliases.get(name, name if name in FUNCTIONS else None)
    if how is None:
        return
    line = node.func.end_lineno
    def argument(position, keyword):
        for k in node.keywords:
            if k.arg == keyword:
                return k.value
        return node.args[position] if position < len(node.args) else None
    if how == 'import_fresh_module':
        fresh = argument(99, 'fresh')
        if isinstance(fresh, (ast.List, ast.Tuple)) and fresh.elts and all(is_str(e) for e in fresh.elts):
            for e in fresh.elts:
                (out['calls'] if module_name(e.value) else out['rejected']).append(f'{where} {line} {how} {e.value}')
    if not node.args or not is_str(node.args[0]):
        return
    value = node.args[0].value
    rest = value.lstrip('.')
    level = len(value) - len(rest)
    valid = module_name(rest) if rest else level > 0
    if how in ('import_module', 'find_spec'):
        package = argument(1, 'package')
        if valid and level and is_str(package) and module_name(package.value):
            try:
                rest, level = importlib.util.resolve_name(value, package.value), 0
            except ImportError:
                valid = False
    elif how == '__import__':
        lv = argument(4, 'level')
        valid = level == 0 and (module_name(rest) if rest else is_int(lv) and lv.value > 0)
        level = lv.value if is_int(lv) and 0 <= lv.value < 100 else 0
    else:
        valid = valid and level == 0
    (out['calls'] if valid else out['rejected']).append(f'{where} {line} {how} {"." * level}{rest}')

def dash_m(node, where, out):
    elts = node.args if isinstance(node, ast.Call) else node.elts
    python = python_named(node, elts)
    for i, e in enumerate(elts):
        if not is_str(e) or len(e.value) < 2 or e.value[0] != '-':
            continue
        v = e.value
        m = 1
        while m < len(v) and v[m] in FLAGS:
            m += 1
        if m == len(v) or v[m] != 'm':
            continue
        if m + 1 < len(v):
            module = v[m + 1:] if python else None
        else:
            module = elts[i + 1].value if i + 1 < len(elts) and is_str(elts[i + 1]) else None
        if module is not None and module_name(module):
            out['dash_m'].append(f'{where} {e.lineno} -m {module}')

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
        result['files'][path] = scan(tree, DATA.search(data) is not None)
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
  CHECK(evidence("import a.b as c\nfrom ..x import (y,\n z)\n") == V{"import a.b at line 1", "from ..x import y, z at line 2"});
}

TEST_CASE("python scanner: __import__ and importlib.import_module with literal names") {
  CHECK(scanned("m = __import__('lit')\nx = __import__(name)\n") == V{"T 1 __import__ lit"});
  CHECK(scanned("import importlib\nimportlib.import_module('a.b')\n") ==
        V{"T 1 import importlib", "T 2 import_module a.b"});
  CHECK(scanned("from importlib import import_module as im\nim('yes')\n") ==
        V{"T 1 from importlib import_module", "T 2 import_module yes"});
  CHECK(scanned("import importlib as il\nil.import_module('x' 'y')\n") == V{"T 1 import importlib", "T 2 import_module xy"});
  // A literal package resolves the relative name; without one it stays relative.
  CHECK(scanned("import importlib\nimportlib.import_module('..c', 'a.b')\nimportlib.import_module('.d', p)\n") ==
        V{"T 1 import importlib", "T 2 import_module a.c", "T 3 import_module .d"});
  CHECK(scanned("def __import__(x): pass\nf = lambda: __import__('lazy')\n") == V{"D 2 __import__ lazy"});
  CHECK(scanned("g(lambda: 1, __import__('now'))\n") == V{"T 1 __import__ now"});
  CHECK(scanned("__import__(f'x{y}')\n__import__(b'x')\n").empty());
}

TEST_CASE("python scanner: any function named like an import function, on any object, with a literal first argument") {
  const char* src =
      "import_helper.import_module('asyncore')\n"
      "support.import_fresh_module('test.datetimetester', fresh=['_datetime', '_strptime'], blocked=['_pydatetime'])\n"
      "importlib.util.find_spec('json' '.tool')\n"
      "runpy.run_module('http.server', run_name='__main__')\n"
      "builtins.__import__('a.b')\n"
      "importlib.util.find_spec('.x', 'pkg')\n"
      "importlib.util.find_spec('..y', package='pkg.sub')\n"
      "__import__('mod', globals(), {}, [], 1)\n"
      "__import__('', globals(), fromlist=['m'], level=2)\n"
      "import_module(\n    'on.next.line')\n";
  CHECK(scanned(src) == V{"T 1 import_module asyncore", "T 2 import_fresh_module test.datetimetester",
                          "T 2 import_fresh_module _datetime", "T 2 import_fresh_module _strptime",
                          "T 3 find_spec json.tool", "T 4 run_module http.server", "T 5 __import__ a.b",
                          "T 6 find_spec pkg.x", "T 7 find_spec pkg.y", "T 8 __import__ .mod", "T 9 __import__ ..",
                          "T 10 import_module on.next.line"});
  auto ev = evidence(src);
  REQUIRE(ev.size() == 12);
  CHECK(ev[0] == "import_helper.import_module(\"asyncore\") at line 1");
  CHECK(ev[2] == "support.import_fresh_module(..., fresh=(\"_datetime\", \"_strptime\")) at line 2");
  CHECK(ev[8] == "importlib.util.find_spec(\"..y\", \"pkg.sub\") at line 7");

  // Not module names, not literals, not calls.
  const char* not_followed =
      "import_module(name_from_elsewhere)\n"
      "import_module(f'x{y}'); import_module(b'x'); import_module(prefix + 'x'); import_module('x' + suffix)\n"
      "import_module('a b'); import_module(''); import_module('a..b'); import_module('1a'); run_module('.x')\n"
      "import_module(name='keyword.first')\n"
      "def import_module(name): pass\n"
      "x = obj.import_module\n"
      "s = \"importlib.import_module('in.a.string')\"\n";
  CHECK(scanned(not_followed).empty());
  // Context as for statements.
  CHECK(scanned("def f():\n    run_module('a')\n    try:\n        find_spec('b')\n    except ImportError:\n        pass\n") ==
        V{"D 2 run_module a", "O 4 find_spec b"});
}

TEST_CASE("python scanner: -m NAME as items of a list, a tuple or an argument list") {
  const char* src =
      "subprocess.run([sys.executable, '-m', 'json.tool'])\n"
      "assert_python_ok('-m',\n"
      "                 'timeit', '-n', '1')\n"
      "cmd = ('-Im', 'test.regrtest')\n"
      "spawn_python('-sm', 'pkg.__main__')\n"
      "p = Popen([sys.executable, '-mquopri', '-d'])\n"
      "assert_python_failure('-Imscript_pkg')\n"
      "args = sys.executable, '-m', 'bare.tuple'\n"
      "def worker():\n"
      "    return python, '-E', '-m', 'test.libregrtest.worker'\n";
  CHECK(scanned(src) == V{"T 1 -m json.tool", "T 2 -m timeit", "T 4 -m test.regrtest", "T 5 -m pkg.__main__",
                          "T 6 -m quopri", "T 7 -m script_pkg", "T 8 -m bare.tuple", "D 10 -m test.libregrtest.worker"});
  auto ev = evidence(src);
  REQUIRE(ev.size() == 8);
  CHECK(ev[0] == "\"-m json.tool\" at line 1");
  CHECK(ev[2] == "\"-Im test.regrtest\" at line 4");
  CHECK(ev[4] == "\"-mquopri\" at line 6");

  const char* not_followed =
      // A "-m" inside a longer string is not an argument list, shell command lines included.
      "print('use -m json.tool')\n"
      "subprocess.run('python3 -m json.tool', shell=True)\n"
      "subprocess.run(['sh', '-c', 'python3 -m json.tool'])\n"
      // "-m" last, or followed by no module name.
      "run(['-m'])\nrun('-m')\nrun([sys.executable, '-m', '--help'])\nparser.add_argument('-m', '--months')\n"
      // Followed by an expression that is neither a literal nor a bound name.
      "run([sys.executable, '-m', self.module]); run([sys.executable, '-m', name + '.sub'])\n"
      "run([sys.executable, '-m', unbound_name])\n"
      // Glued names without a Python interpreter in sight: other programs' options.
      "spawn(['mt.exe', '-nologo', '-manifest', f]); run(['gcc', '-dumpmachine']); t = ('-maskdata', '')\n"
      // A set has no order, a dict pairs keys with values.
      "s = {'-m', 'x'}; d = {'-m': 'y'}\n"
      // Options that take an argument, or stop CPython before it runs anything, do not combine with m.
      "run([sys.executable, '-Xm', 'z']); run([sys.executable, '-hm', 'z']); run([sys.executable, '-cm', 'z'])\n";
  CHECK(scanned(not_followed).empty());
}

TEST_CASE("python scanner: a name bound to literals in the same scope reaches the import call") {
  const char* src =
      "name = 'json.tool'\n"
      "runpy.run_module(name)\n"
      "for mod in ('sre_compile', 'sre_constants',\n"
      "            'sre_parse'):\n"
      "    importlib.import_module(mod)\n"
      "for m in ['a', 'b']: import_module(m)\n"
      "mods = [import_module(c) for c in ('c1', 'c2') if c]\n"
      "target: str = 'annotated'\n"
      "find_spec(target)\n"
      "tool = 'pkg.tool'\n"
      "subprocess.run([sys.executable, '-m', tool])\n"
      "def f():\n"
      "    if cond:\n"
      "        inner = 'branch.a'\n"
      "    else:\n"
      "        inner = 'branch.b'\n"
      "    import_module(inner)\n"
      "    untested = ('encodings',)\n"
      "    for name in untested:\n"
      "        importlib.import_module(name)\n";
  CHECK(scanned(src) == V{"T 2 run_module json.tool", "T 5 import_module sre_compile", "T 5 import_module sre_constants",
                          "T 5 import_module sre_parse", "T 6 import_module a", "T 6 import_module b",
                          "T 7 import_module c1", "T 7 import_module c2", "T 9 find_spec annotated", "T 11 -m pkg.tool",
                          "D 17 import_module branch.a", "D 17 import_module branch.b", "D 20 import_module encodings"});
  auto ev = evidence(src);
  REQUIRE(ev.size() == 13);
  CHECK(ev[0] == "name: name = \"json.tool\" at line 1, into runpy.run_module(name) at line 2");
  CHECK(ev[1] ==
        "name: for mod in (\"sre_compile\", \"sre_constants\", \"sre_parse\") at line 3, into "
        "importlib.import_module(mod) at line 5");
  CHECK(ev[6] == "name: comprehension for c in (\"c1\", \"c2\"), into import_module(c) at line 7");
  CHECK(ev[9] == "name: tool = \"pkg.tool\" at line 10, into \"-m\" tool at line 11");
  CHECK(ev[12] ==
        "name: untested = (\"encodings\",) at line 18, for name in untested at line 19, into "
        "importlib.import_module(name) at line 20");
}

TEST_CASE("python scanner: a name is not followed when its scope binds it otherwise, nor from another scope") {
  // Rebound to a non-literal, before or after the use: any such binding in the scope.
  CHECK(scanned("name = 'a'\nname = compute()\nimport_module(name)\n").empty());
  CHECK(scanned("name = 'a'\nimport_module(name)\nname = compute()\n").empty());
  CHECK(scanned("name = 'a'\nname += '.b'\nimport_module(name)\n").empty());
  CHECK(scanned("name = 'a'\nfor name in names: pass\nimport_module(name)\n").empty());
  CHECK(scanned("name = 'a'\nwith open(p) as name: import_module(name)\n").empty());
  CHECK(scanned("name = 'a'\nif (name := other()): import_module(name)\n").empty());
  CHECK(scanned("name = 'a'\nimport name\nimport_module(name)\n") == V{"T 2 import name"});
  CHECK(scanned("name = 'a'\ndel name\nimport_module(name)\n").empty());
  CHECK(scanned("name = 'a'\ndel x, (name, y)\nimport_module(name)\n").empty());
  // A subscript or an attribute binds no name: the names inside are only read.
  CHECK(scanned("name = 'a'\ndel sys.modules[name]\nimport_module(name)\n") == V{"T 3 import_module a"});
  CHECK(scanned("name = 'a'\nsys.modules[name] = None\ncache[name] += 1\nimport_module(name)\n") == V{"T 4 import_module a"});
  CHECK(scanned("name = 'a'\nname, other = pair\nimport_module(name)\n").empty());
  CHECK(scanned("name = 'a'\nname, other = pair\nimport_module(name)\n").empty());
  CHECK(scanned("name = 'a' if c else 'b'\nimport_module(name)\n").empty());
  // Iterating a dict display gives its keys, a set display its elements (test_re loops over a dict
  // of deprecated module names into __import__).
  CHECK(scanned("deprecated = {\n  'sre_compile': ['compile'],\n  'sre_parse': [],\n}\nfor name in deprecated:\n"
                "    __import__(name)\n") == V{"T 6 __import__ sre_compile", "T 6 __import__ sre_parse"});
  CHECK(scanned("for m in {'x.y', 'z'}: import_module(m)\n") == V{"T 1 import_module x.y", "T 1 import_module z"});
  CHECK(scanned("for m in {'x': 1, y: 2}: import_module(m)\n").empty());  // a key that is no literal
  CHECK(scanned("for m in {}: import_module(m)\n").empty());
  // A loop over something that is not a display of literals.
  CHECK(scanned("for mod in modules: import_module(mod)\n").empty());
  CHECK(scanned("for mod in 'abc': import_module(mod)\n").empty());
  CHECK(scanned("for mod in ('a', x): import_module(mod)\n").empty());
  CHECK(scanned("for mod, alias in (('a', 'b'),): import_module(mod)\n").empty());
  CHECK(scanned("[import_module(m) for m in names]\n").empty());
  CHECK(scanned("m = 'a'\n[import_module(m) for m in names]\n").empty());
  // A loop over a name: the name must hold displays of literals only, bound before the loop.
  CHECK(scanned("mods = 'abc'\nfor m in mods: import_module(m)\n").empty());
  CHECK(scanned("mods = ('a',)\nmods = load()\nfor m in mods: import_module(m)\n").empty());
  CHECK(scanned("mods = ('a',)\nmods = mods + more\nfor m in mods: import_module(m)\n").empty());
  CHECK(scanned("for m in mods: import_module(m)\nmods = ('late',)\n").empty());
  // A display is not a module name.
  CHECK(scanned("mods = ('a', 'b')\nimport_module(mods)\n").empty());
  // Bound only after the use.
  CHECK(scanned("import_module(late)\nlate = 'a'\n").empty());
  // Another scope: module level seen from a def, a def's parameter, a lambda, a class body from its methods.
  CHECK(scanned("mod = 'a'\ndef f():\n    import_module(mod)\n").empty());
  CHECK(scanned("def f(mod='a'):\n    import_module(mod)\n").empty());
  CHECK(scanned("mod = 'a'\nf = lambda: import_module(mod)\ng = lambda mod: import_module(mod)\n").empty());
  CHECK(scanned("class C:\n    mod = 'a'\n    def m(self):\n        import_module(mod)\n").empty());
  // A function that declares the name global may rebind it at any time.
  CHECK(scanned("mod = 'a'\ndef f():\n    global mod\n    mod = input()\nimport_module(mod)\n").empty());
  // Each scope has its own names: the def's binding is followed in the def only.
  CHECK(scanned("mod = other()\ndef f():\n    mod = 'in.f'\n    import_module(mod)\nimport_module(mod)\n") ==
        V{"D 4 import_module in.f"});
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
      "    import d\n"
      "if __name__ == '__main__':\n"
      "    subprocess.run([sys.executable, '-m', 'tool'])\n";
  CHECK(scanned(src) == V{"T 1 from typing TYPE_CHECKING", "TT 3 from a B", "T 6 import rt", "TT 8 import c",
                          "T 10 import d", "TM 12 -m tool"});
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

TEST_CASE("python scanner: every prefix of a source scans without throwing") {
  // Cut anywhere, something is left open: a bracket, a string, a header, a -m pair, a binding.
  const std::string src =
      "import a, b as c\nfrom ..d import (e,\n f)\n"
      "for m in ('x', 'y'):\n    importlib.import_module(m, package='p')\n"
      "run([sys.executable, '-Im', 'mod'], [python, '-mglued'])\n"
      "n: str = 'k'; find_spec(n); __import__('q', g, l, [], 1)\n"
      "[import_fresh_module(c, fresh=['u']) for c in ['v'] if (w := c)]\n"
      "for x in ('y',):\n    [find_spec(z) for z, x in ((x, 1),) for y in x]\n"
      "def f(a=lambda m: import_module(m), *, b=run_module('r')):\n"
      "    try: import_module('.s', 'pkg')\n"
      "    except ImportError: pass\n";
  for (size_t n = 0; n <= src.size(); ++n) CHECK_NOTHROW(scan(src.substr(0, n)));
  CHECK(scan(src).diagnostics.empty());
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

  // Per file and kind, the lines only one side has. Imports that reached their use through a name
  // are raison's own (the ast has no data flow): counted, not compared.
  std::vector<std::string> ast_only, raison_only;
  std::map<std::string, size_t> compared;
  size_t through_name = 0;
  for (const auto& [path, kinds] : oracle["files"].items()) {
    std::map<std::string, std::set<std::string>> ours;
    for (const Import& i : scan(slurp(path)).imports) {
      if (i.through_name) ++through_name;
      else if (i.how == "import" || i.how == "from") ours["statements"].insert(describe(i));
      else if (i.how == "-m") ours["dash_m"].insert(describe(i));
      else ours["calls"].insert(describe(i));
    }
    const std::string file = std::filesystem::relative(path, kStdlib).string() + ": ";
    for (const char* kind : {"statements", "calls", "dash_m"}) {
      std::set<std::string> theirs(kinds[kind].begin(), kinds[kind].end());
      compared[kind] += theirs.size();
      for (const auto& l : theirs)
        if (!ours[kind].count(l)) ast_only.push_back(file + l);
      for (const auto& l : ours[kind])
        if (!theirs.count(l)) raison_only.push_back(file + l);
    }
    compared["rejected"] += kinds["rejected"].size();
  }
  MESSAGE(oracle["files"].size() << " files compared (" << oracle["unparsable"].size()
                                 << " more the ast cannot parse, excluded): " << compared["statements"]
                                 << " import statements, " << compared["calls"] << " calls naming a module (and "
                                 << compared["rejected"] << " literals naming none), " << compared["dash_m"]
                                 << " -m NAME; and " << through_name << " imports through names, not compared");
  CHECK(oracle["files"].size() > 1500);
  CHECK(oracle["unparsable"].size() < 20);
  CHECK(ast_only == std::vector<std::string>{});
  CHECK(raison_only == std::vector<std::string>{});
}

TEST_CASE("python scanner: str literals that read as file names, for files a module names beside it") {
  auto names = [](std::string_view src) {
    std::vector<std::string> out;
    for (const auto& f : raison::python::scan(src).file_names) out.push_back(f.name + "@" + std::to_string(f.line));
    return out;
  };
  CHECK(names("tester = os.path.join(os.path.dirname(__file__),\n    'tf_inherit_check.py')\nfindfile(\"cfgparser.1\")\n"
              "x = 'tf_inherit_check.py'\n") == std::vector<std::string>{"tf_inherit_check.py@2", "cfgparser.1@3"});
  // Not file names: paths, words, dotted module names are names too (they are files only if one exists
  // beside the module, which the analyzer checks), f-strings and bytes, leading or trailing dots.
  CHECK(names("a = 'dir/x.txt'\nb = 'word'\nc = f'x.txt'\nd = b'x.txt'\ne = '.hidden'\nf = 'x.'\ng = 'a b.txt'\n").empty());
}

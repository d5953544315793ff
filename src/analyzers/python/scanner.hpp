// Finds, statically, every import a Python source file can execute: import and from-import
// statements, and module names given as data where the evidence is literal (calls of the import
// functions, `-m NAME` command lines, names bound to literals). Each import says where it sits
// (module level, inside a function, under a try that tolerates its failure, under
// `if TYPE_CHECKING:`), because whether a missing module breaks the program depends on it, and the
// evidence that names it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace raison::python {

struct Import {
  // When the import runs, as far as the source shows.
  enum class Context {
    TopLevel,  // when the module is imported (class bodies at module level included)
    Delayed,   // in a def or lambda body: only if that function is called
    Optional,  // in a try: body with a handler for ImportError, ModuleNotFoundError, Exception,
               // BaseException or a bare except (or `with suppress(ImportError)`), within the same
               // function: a missing module is tolerated. A try around a def does not protect the
               // imports in the def's body; a try inside a def does (Optional then wins over Delayed).
  };

  std::string module;              // dotted name as written, without the leading dots; may be empty
                                   // for `from . import x`
  int level = 0;                   // leading dots of a relative import
  std::vector<std::string> names;  // from-import names as written (each may be a submodule), or "*"
  int line = 0;                    // physical line of the `import`/`from` keyword, of the called
                                   // function's name, or of the "-m" literal
  Context context = Context::TopLevel;
  // Inside `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` (any `X.TYPE_CHECKING`): never executed at
  // run time, so the analyzer does not follow these imports (its `else:` branch is followed).
  bool type_checking = false;
  // What makes the import: a statement, "import" or "from"; a call of a function by that name,
  // "__import__", "import_module", "import_fresh_module", "find_spec", "run_module"; or "-m", a Python
  // command line naming a module to run (it runs in another process, from the same root).
  std::string how;
  // Inside `if __name__ == "__main__":`: runs only when the file is the program itself, not when it
  // is imported.
  bool main_guard = false;
  // The source text that names the module, and where: `import a.b at line 3`,
  // `import_helper.import_module("asyncore") at line 12`, `"-m json.tool" at line 45`,
  // `for mod in ("sre_compile", "sre_parse") at line 29, into importlib.import_module(mod) at line 30`.
  std::string evidence;
  // The name reached the call or the -m through a variable (an assignment, a for loop or a
  // comprehension over literals) rather than being written in it.
  bool through_name = false;
};

// A str literal that reads as the name of a file (no '/', a base and an extension:
// "tf_inherit_check.py", "cfgparser.1", "cacert.pem"): a module that names a file beside it opens or
// runs it by that name (os.path.join(os.path.dirname(__file__), NAME), support.findfile(NAME)).
struct FileName {
  std::string name;
  int line = 0;
};

struct ScanResult {
  std::vector<Import> imports;  // in line order
  std::vector<FileName> file_names;  // in line order, each name once
  // Problems that make CPython refuse the file (NUL byte, unknown encoding, undecodable bytes,
  // unterminated string). The imports are still scanned as a best effort.
  std::vector<std::string> diagnostics;
};

// Scans the raw bytes of a .py file. The encoding is CPython's: UTF-8 BOM, else a PEP 263 coding
// cookie on line 1 or 2, else UTF-8; Latin-1 and UTF-8 are decoded here, other encodings through
// iconv(3). Never throws for bad input: problems go to diagnostics.
//
// Module names given as data count only where the evidence is literal; there is no data flow beyond
// what follows.
// - Calls of a function named __import__, import_module, import_fresh_module, find_spec or
//   run_module, by a bare name or as an attribute of any object (`import_helper.import_module`,
//   `importlib.util.find_spec`), or by an alias from `from M import import_module as f`, whose first
//   argument is a str literal (adjacent literals concatenated; not f-strings, not bytes) that is a
//   module name. import_module('.x', 'pkg') and find_spec('.x', 'pkg') with a literal package are
//   resolved here (level 0); without one they stay relative. __import__('x', g, l, f, 1) and
//   level=1 give a relative import. The literal elements of import_fresh_module's `fresh=[...]` are
//   imported too (its `blocked=` ones are not).
// - `-m NAME` as two items of a list or tuple display (bracketed or not: `args = sys.executable,
//   "-m", "json.tool"`), a subscript or a call's argument list: "-m", "json.tool" (options without
//   an argument may share the "-m" word, as CPython's getopt allows: "-Im", "-sm"). One literal
//   "-mjson.tool" counts only when the same items name a Python interpreter (sys.executable,
//   "python3...", or the call of a function whose name holds "python", like assert_python_ok),
//   since other programs' options look alike ("-manifest", gcc's "-dumpmachine"). A "-m" inside a
//   longer string is not an argument list and never counts: print("use -m json.tool") and
//   subprocess.run("python3 -m json.tool", shell=True) give nothing (a shell would have to split
//   them). A "-m" among another program's arguments (regrtest's `-m PATTERN`) counts all the
//   same: a false import, of a module that is usually nowhere in the root.
// - The argument of those calls or the item after "-m" being a plain name: a name bound to a str
//   literal (`name = "x"`) or the variable of a for loop over a tuple or list display of str
//   literals (written there, or bound to a name before the loop), in the same scope (the same function body, class body, or module level), before the
//   use; or the variable of a comprehension around the use, over such a display. Every literal that
//   may reach the use is an import. A name bound anywhere in the scope to something else
//   (assignment, parameter, import, with/except target, global, :=, ...) is not followed, nor a name
//   in a lambda's body, nor a name of another scope (a module-level name used in a function).
// Expressions inside f-string replacement fields are not scanned.
ScanResult scan(std::string_view source);

// The absolute name of a relative import, as importlib._bootstrap._resolve_name computes it:
// `importer` is the importing module's __name__ and `importer_is_package` whether it is a package
// (an __init__.py). Throws raison::Error for "attempted relative import beyond top-level package"
// and "attempted relative import with no known parent package".
std::string resolve_relative(std::string_view importer, bool importer_is_package, int level,
                             std::string_view module);

}  // namespace raison::python

// Finds, statically, every import a Python source file can execute: import and from-import
// statements, and calls of __import__ / importlib.import_module with literal names. Each import says
// where it sits (module level, inside a function, under a try that tolerates its failure, under
// `if TYPE_CHECKING:`), because whether a missing module breaks the program depends on it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace raison::python {

struct Import {
  // When the import statement runs, as far as the source shows.
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
  int line = 0;                    // physical line of the `import`/`from` keyword or of the call
  Context context = Context::TopLevel;
  // Inside `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` (any `X.TYPE_CHECKING`): never executed at
  // run time, so the analyzer does not follow these imports (its `else:` branch is followed).
  bool type_checking = false;
  std::string how;  // "import", "from", "__import__", "import_module"
  // Inside `if __name__ == "__main__":`: runs only when the file is the program itself, not when it
  // is imported.
  bool main_guard = false;
};

struct ScanResult {
  std::vector<Import> imports;
  // Problems that make CPython refuse the file (NUL byte, unknown encoding, undecodable bytes,
  // unterminated string). The imports are still scanned as a best effort.
  std::vector<std::string> diagnostics;
};

// Scans the raw bytes of a .py file. The encoding is CPython's: UTF-8 BOM, else a PEP 263 coding
// cookie on line 1 or 2, else UTF-8; Latin-1 and UTF-8 are decoded here, other encodings through
// iconv(3). Never throws for bad input: problems go to diagnostics.
//
// Calls are recognised with a literal name only: __import__('x'), importlib.import_module('x') (also
// through `import importlib as il`, and `from importlib import import_module [as f]` seen earlier in
// the file), and import_module('.x', 'pkg') with a literal package, which is resolved here (how is
// then "import_module" with level 0). Expressions inside f-string replacement fields are not scanned.
ScanResult scan(std::string_view source);

// The absolute name of a relative import, as importlib._bootstrap._resolve_name computes it:
// `importer` is the importing module's __name__ and `importer_is_package` whether it is a package
// (an __init__.py). Throws raison::Error for "attempted relative import beyond top-level package"
// and "attempted relative import with no known parent package".
std::string resolve_relative(std::string_view importer, bool importer_is_package, int level,
                             std::string_view module);

}  // namespace raison::python

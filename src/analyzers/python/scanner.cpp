// Import statements and module names given as data, found in the logical lines of a Python file.
// Blocks are followed by indentation, as the grammar does: a compound statement's header (a line
// starting with a keyword and ending with a ':' outside brackets and lambdas) opens a block holding
// the lines indented deeper than it. Only the kinds that change when an import runs, or where a name
// lives, matter: def, class, try (with its handlers looked up ahead), `if TYPE_CHECKING:`,
// `if __name__ == "__main__":`, `with suppress(ImportError)`.
#include "analyzers/python/scanner.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "analyzers/python/bindings.hpp"
#include "analyzers/python/source.hpp"
#include "raison/error.hpp"

namespace raison::python {
namespace {

// Exceptions whose handler swallows a failed import.
bool catches_import_error(std::string_view name) {
  return name == "ImportError" || name == "ModuleNotFoundError" || name == "Exception" || name == "BaseException";
}

// NAME ('.' NAME)*, each NAME an identifier (bytes from 0x80 count as letters: UTF-8 identifiers).
bool dotted_name(std::string_view s) {
  bool start = true;
  for (unsigned char c : s) {
    if (c == '.') {
      if (start) return false;
      start = true;
      continue;
    }
    bool letter = c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
    if (!letter && !(!start && c >= '0' && c <= '9')) return false;
    start = false;
  }
  return !start;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// The functions whose first argument is a module name, recognised by the name they are called by.
const std::set<std::string, std::less<>> kImportFunctions = {"__import__", "import_module", "import_fresh_module",
                                                             "find_spec", "run_module"};
constexpr size_t kShortestImportFunction = 9;  // find_spec: shorter names are looked up no further

// CPython's short options that take no argument and still run the module (Python/getopt.c, less
// 'c', 'h', 'V', '?', 'W', 'X'): they may share the word before an 'm', as in `-Im json.tool`.
constexpr std::string_view kFlagsBeforeM = "bBdEiIOPqRsStuvx";

// `name=value` in an argument list (not `name == value`).
bool is_keyword(Toks arg) {
  return arg.size() >= 2 && arg[0].kind == Token::Kind::Name && is_op(arg[1], "=") && !(arg.size() > 2 && is_op(arg[2], "="));
}

// The argument at `position`, or the keyword argument `keyword`.
std::optional<Toks> argument(const std::vector<Toks>& args, size_t position, std::string_view keyword) {
  for (size_t k = 0; k < args.size(); ++k) {
    if (is_keyword(args[k]) && args[k][0].text == keyword) return args[k].subspan(2);
    if (k == position && !is_keyword(args[k])) return args[k];
  }
  return std::nullopt;
}

// A small non-negative int literal (a level), else 0.
int small_int(std::optional<Toks> arg) {
  if (!arg || arg->size() != 1 || arg->front().kind != Token::Kind::Number) return 0;
  std::string_view digits = arg->front().text;
  if (digits.size() > 2 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return 0;
  return std::stoi(std::string(digits));
}

// An element that names a Python interpreter: sys.executable (any X.executable) or a literal whose
// last path component starts with "python".
bool names_python(Toks e) {
  if (is_name(e.back(), "executable") && (e.size() == 1 || is_op(e[e.size() - 2], "."))) return true;
  auto v = str_value(e);
  return v && v->substr(v->rfind('/') + 1).starts_with("python");
}

enum class BlockKind { Def, Class, OptionalTry, TypeChecking, MainGuard, Other };
struct Block {
  int indent;
  BlockKind kind;
  int scope;  // where the names bound by the block's lines live: its own for def and class
};

// A place where a module name given as data is used: the import it makes, once the name is known.
struct Use {
  Import site;                         // context, flags, line and how, computed where the use is
  std::string text;                    // `importlib.import_module(mod)`, `"-m" mod`
  std::optional<std::string> package;  // import_module(name, package) and find_spec's, as a literal
  int level = 0;                       // __import__(name, globals, locals, fromlist, level)
};

// A use whose name is a variable of the scope: looked up once the whole file has been seen, because
// a later binding that is not a literal makes it unfollowable.
struct Pending {
  int scope;
  Pos at;
  std::string name;
  Use use;
};

// A statement or a compound header whose bindings Bindings records, kept as found: most files make
// no use that needs them, so they are recorded only when one does (and then in the same order).
struct BindingSite {
  int scope;
  int inner;   // header: the scope of its body
  Toks tokens;
  size_t kw;   // header: the keyword's index; npos for a simple statement
  size_t colon;
  Pos at;
};

class Scanner {
 public:
  Scanner(const std::vector<LogicalLine>& lines, ScanResult& out) : lines_(lines), out_(out) {}

  void run() {
    find_aliases();
    for (line_ = 0; line_ < lines_.size(); ++line_) logical_line();
    if (!pending_.empty()) record_bindings();
    for (const Pending& p : pending_)
      for (const Binding& b : bindings_.reaching(p.scope, p.name, p.at))
        for (const std::string& v : b.values)
          literal_import(p.use, v, b.evidence + ", into " + p.use.text + " at line " + std::to_string(p.use.site.line),
                         true);
    std::stable_sort(out_.imports.begin(), out_.imports.end(),
                     [](const Import& a, const Import& b) { return a.line < b.line; });
  }

 private:
  void record_bindings() {
    for (const BindingSite& b : binding_sites_) {
      if (b.kw == npos) bindings_.statement(b.scope, b.tokens, b.at);
      else bindings_.header(b.scope, b.inner, b.tokens, b.kw, b.colon, b.at);
    }
  }

  // ---- blocks -------------------------------------------------------------------------------------

  void logical_line() {
    const LogicalLine& line = lines_[line_];
    while (!stack_.empty() && stack_.back().indent >= line.indent) stack_.pop_back();
    Toks t(line.tokens);
    size_t kw = header_keyword(t);
    size_t colon = kw == npos ? npos : header_colon(t);
    if (colon == npos) {
      statements(t);
      return;
    }
    // The header itself (conditions, decorators' targets, default values) runs in the outer block.
    expression(t.subspan(kw + 1, colon - kw - 1));
    BlockKind kind = classify(t, kw, colon);
    int outer = scope();
    int inner = kind == BlockKind::Def || kind == BlockKind::Class ? next_scope_++ : outer;
    binding_sites_.push_back({outer, inner, t, kw, colon, pos(t[0])});
    stack_.push_back({line.indent, kind, inner});
    if (colon + 1 < t.size()) {
      statements(t.subspan(colon + 1));
      stack_.pop_back();
    }
  }

  static size_t header_keyword(Toks t) {
    if (t.empty() || t[0].kind != Token::Kind::Name) return npos;
    if (t[0].text == "async") return t.size() > 1 && t[1].kind == Token::Kind::Name ? 1 : npos;
    return is_compound_keyword(t[0].text) ? 0 : npos;
  }

  // if elif else while for try except finally with def class match case: asked of every logical
  // line, so by length first.
  static bool is_compound_keyword(std::string_view w) {
    switch (w.size()) {
      case 2: return w == "if";
      case 3: return w == "for" || w == "try" || w == "def";
      case 4: return w == "elif" || w == "else" || w == "with" || w == "case";
      case 5: return w == "while" || w == "class" || w == "match";
      case 6: return w == "except";
      case 7: return w == "finally";
      default: return false;
    }
  }

  // The ':' that ends a header: outside brackets, and not the one of a lambda.
  static size_t header_colon(Toks t) {
    int depth = 0, lambdas = 0;
    for (size_t k = 0; k < t.size(); ++k) {
      if (opens(t[k])) ++depth;
      else if (closes(t[k])) --depth;
      else if (depth == 0 && is_name(t[k], "lambda")) ++lambdas;
      else if (depth == 0 && is_op(t[k], ":") && lambdas-- == 0) return k;
    }
    return npos;
  }

  BlockKind classify(Toks t, size_t kw, size_t colon) const {
    std::string_view k = t[kw].text;
    if (k == "def") return BlockKind::Def;
    if (k == "class") return BlockKind::Class;
    if (k == "try") return try_tolerates_import_error() ? BlockKind::OptionalTry : BlockKind::Other;
    if (k == "if" || k == "elif") {
      // `if TYPE_CHECKING:` or `if <name>.<...>.TYPE_CHECKING:`
      Toks cond = t.subspan(kw + 1, colon - kw - 1);
      bool dotted = !cond.empty() && cond.size() % 2 == 1;
      for (size_t j = 0; dotted && j < cond.size(); ++j)
        dotted = j % 2 == 0 ? cond[j].kind == Token::Kind::Name : is_op(cond[j], ".");
      if (dotted && cond.back().text == "TYPE_CHECKING") return BlockKind::TypeChecking;
      // `if __name__ == "__main__":`, either way round, any quotes.
      auto is_main = [](const Token& tok) {
        return tok.kind == Token::Kind::String && (tok.text == "\"__main__\"" || tok.text == "'__main__'");
      };
      // (The tokenizer gives one-character operators: "==" is two "=".)
      if (k == "if" && cond.size() == 4 && is_op(cond[1], "=") && is_op(cond[2], "=") &&
          ((is_name(cond[0], "__name__") && is_main(cond[3])) || (is_main(cond[0]) && is_name(cond[3], "__name__"))))
        return BlockKind::MainGuard;
    }
    if (k == "with") {
      bool suppress = false, import_error = false;
      for (size_t j = kw + 1; j < colon; ++j) {
        suppress |= is_name(t[j], "suppress");
        import_error |= t[j].kind == Token::Kind::Name && catches_import_error(t[j].text);
      }
      if (suppress && import_error) return BlockKind::OptionalTry;
    }
    return BlockKind::Other;
  }

  // The handlers of a try are the `except` lines at its indentation that follow its body.
  bool try_tolerates_import_error() const {
    const int indent = lines_[line_].indent;
    for (size_t j = line_ + 1; j < lines_.size(); ++j) {
      const LogicalLine& l = lines_[j];
      if (l.indent > indent) continue;
      if (l.indent < indent) break;
      Toks t(l.tokens);
      if (is_name(t[0], "else") || is_name(t[0], "finally")) continue;
      if (!is_name(t[0], "except")) break;
      size_t colon = header_colon(t);
      size_t k = t.size() > 1 && is_op(t[1], "*") ? 2 : 1;
      if (colon == k) return true;  // bare except
      for (; k < colon && k < t.size() && !is_name(t[k], "as"); ++k)
        if (t[k].kind == Token::Kind::Name && catches_import_error(t[k].text)) return true;
    }
    return false;
  }

  int scope() const { return stack_.empty() ? 0 : stack_.back().scope; }
  Pos pos(const Token& tok) const { return {line_, static_cast<size_t>(&tok - lines_[line_].tokens.data())}; }

  // An import made here, with its context and flags; the caller fills in what and how.
  Import situated(int line, bool in_lambda) const {
    Import imp;
    imp.line = line;
    imp.context = Import::Context::TopLevel;
    if (in_lambda) imp.context = Import::Context::Delayed;
    for (auto it = stack_.rbegin(); !in_lambda && it != stack_.rend(); ++it) {
      if (it->kind == BlockKind::Def || it->kind == BlockKind::OptionalTry) {
        imp.context = it->kind == BlockKind::Def ? Import::Context::Delayed : Import::Context::Optional;
        break;
      }
    }
    for (const auto& b : stack_) {
      imp.type_checking |= b.kind == BlockKind::TypeChecking;
      imp.main_guard |= b.kind == BlockKind::MainGuard;
    }
    return imp;
  }

  // ---- statements ---------------------------------------------------------------------------------

  void statements(Toks t) {
    size_t start = 0;
    for (size_t k = 0; k <= t.size(); ++k) {
      if (k < t.size() && !is_op(t[k], ";")) continue;
      Toks s = t.subspan(start, k - start);
      start = k + 1;
      if (s.empty()) continue;
      binding_sites_.push_back({scope(), 0, s, npos, npos, pos(s[0])});
      if (is_name(s[0], "import")) import_statement(s);
      else if (is_name(s[0], "from")) from_statement(s);
      else expression(s);
    }
  }

  // Reads NAME ('.' NAME)* at t[k]; returns "" when there is none.
  static std::string dotted(Toks t, size_t& k) {
    std::string name;
    while (k < t.size() && t[k].kind == Token::Kind::Name) {
      name += t[k++].text;
      if (k + 1 < t.size() && is_op(t[k], ".") && t[k + 1].kind == Token::Kind::Name) name += t[k++].text;
      else break;
    }
    return name;
  }

  void import_statement(Toks t) {
    size_t k = 1;
    for (;;) {
      std::string module = dotted(t, k);
      if (module.empty()) return;
      if (k + 1 < t.size() && is_name(t[k], "as")) k += 2;
      Import imp = situated(t[0].line, false);
      imp.module = module;
      imp.how = "import";
      imp.evidence = "import " + module + " at line " + std::to_string(imp.line);
      out_.imports.push_back(std::move(imp));
      if (k < t.size() && is_op(t[k], ",")) ++k;
      else return;
    }
  }

  void from_statement(Toks t) {
    size_t k = 1;
    int level = 0;
    for (; k < t.size() && (is_op(t[k], ".") || is_op(t[k], "...")); ++k) level += static_cast<int>(t[k].text.size());
    std::string module = k < t.size() && is_name(t[k], "import") ? "" : dotted(t, k);
    if (k >= t.size() || !is_name(t[k], "import") || (module.empty() && level == 0)) return;
    ++k;
    std::vector<std::string> names;
    const bool star = k < t.size() && is_op(t[k], "*");
    if (star) names.emplace_back("*");
    if (k < t.size() && is_op(t[k], "(")) ++k;
    while (!star && k < t.size() && t[k].kind == Token::Kind::Name) {
      names.emplace_back(t[k++].text);
      if (k + 1 < t.size() && is_name(t[k], "as")) k += 2;
      if (k < t.size() && is_op(t[k], ",")) ++k;
      else break;
    }
    if (names.empty()) return;
    Import imp = situated(t[0].line, false);
    imp.module = module;
    imp.level = level;
    imp.how = "from";
    imp.evidence = "from " + std::string(static_cast<size_t>(level), '.') + module + " import ";
    for (size_t n = 0; n < names.size(); ++n) imp.evidence += (n ? ", " : "") + names[n];
    imp.evidence += " at line " + std::to_string(imp.line);
    imp.names = std::move(names);
    out_.imports.push_back(std::move(imp));
  }

  // `from m import import_module as im`, anywhere in the file: im(...) is import_module(...).
  void find_aliases() {
    for (const LogicalLine& l : lines_) {
      Toks t(l.tokens);
      for (size_t k = 1; is_name(t[0], "from") && k + 2 < t.size(); ++k)
        if (kImportFunctions.count(t[k].text) && is_name(t[k + 1], "as") && t[k + 2].kind == Token::Kind::Name)
          aliases_[std::string(t[k + 2].text)] = std::string(t[k].text);
    }
  }

  // ---- module names given as data -----------------------------------------------------------------

  // Import calls and `-m NAME` anywhere in an expression (or in a header's expressions).
  void expression(Toks t) {
    if (t.empty() || !may_name_module(t)) return;
    const std::vector<size_t> match = matching_brackets(t);
    const std::vector<bool> in_lambda = lambda_bodies(t);
    // A tuple without brackets: `args = sys.executable, "-m", "json.tool"`, `return "-m", name`.
    for (Toks part : assignment_parts(t).parts) {
      if (!part.empty() && (is_name(part[0], "return") || is_name(part[0], "yield"))) part = part.subspan(1);
      std::vector<Toks> items = split_commas(part);
      if (items.size() > 1) dash_m(t, items, false, match, in_lambda);
    }
    for (size_t k = 0; k < t.size(); ++k) {
      if (is_op(t[k], "(") || is_op(t[k], "[")) {
        // Within a call's arguments, a function named *python* (test.support's assert_python_ok)
        // says that they are a Python command line.
        bool python = is_op(t[k], "(") && k > 0 && t[k - 1].kind == Token::Kind::Name &&
                      t[k - 1].text.find("python") != std::string_view::npos;
        dash_m(t, split_commas(t.subspan(k + 1, match[k] - k - 1)), python, match, in_lambda);
      }
      const bool called = k + 1 < t.size() && is_op(t[k + 1], "(") && !(k > 0 && is_name(t[k - 1], "def"));
      if (t[k].kind == Token::Kind::Name && called) call(t, k, match, in_lambda);
    }
  }

  // Whether `t` may hold what expression() looks for: a call of an import function (a name of
  // kImportFunctions or an alias) or a "-m" item (a str literal whose value starts with '-', so one
  // of its literals does). Most statements hold neither, and are passed over without the work below.
  bool may_name_module(Toks t) const {
    for (const Token& tok : t) {
      if (tok.kind == Token::Kind::String && string_body(tok.text).starts_with('-')) return true;
      if (tok.kind != Token::Kind::Name) continue;
      if (tok.text.size() >= kShortestImportFunction && kImportFunctions.count(tok.text)) return true;
      if (!aliases_.empty() && aliases_.count(tok.text)) return true;
    }
    return false;
  }

  // For each token, whether it sits in the body of a lambda (a scope of its own, run when called).
  static std::vector<bool> lambda_bodies(Toks t) {
    struct Lambda {
      int depth;
      bool body;
    };
    std::vector<Lambda> lambdas;
    std::vector<bool> in_body(t.size(), false);
    int depth = 0;
    for (size_t k = 0; k < t.size(); ++k) {
      const Token& tok = t[k];
      if (opens(tok)) {
        ++depth;
      } else if (closes(tok)) {
        --depth;
        while (!lambdas.empty() && lambdas.back().depth > depth) lambdas.pop_back();
      } else if (is_name(tok, "lambda")) {
        lambdas.push_back({depth, false});
      } else if (is_op(tok, ":") && !lambdas.empty() && lambdas.back().depth == depth && !lambdas.back().body) {
        lambdas.back().body = true;
      } else if (is_op(tok, ",")) {
        while (!lambdas.empty() && lambdas.back().depth == depth && lambdas.back().body) lambdas.pop_back();
      }
      for (const auto& l : lambdas) in_body[k] = in_body[k] || l.body;
    }
    return in_body;
  }

  // `-m NAME` among the items (subspans of t) of a list, a tuple, a subscript or an argument list:
  // "-m" (or "-Im", no-argument options before the m) then a literal, or a name bound to one;
  // "-mNAME" in one literal only beside something naming Python (sys.executable, "python3", or
  // `python` already true), because other programs' options look the same ("-manifest", gcc's
  // "-dumpmachine").
  void dash_m(Toks t, const std::vector<Toks>& items, bool python, const std::vector<size_t>& match,
              const std::vector<bool>& in_lambda) {
    for (Toks item : items) python = python || names_python(item);
    for (size_t i = 0; i < items.size(); ++i) {
      auto v = str_value(items[i]);
      if (!v || v->size() < 2 || (*v)[0] != '-') continue;
      size_t m = 1;
      while (m < v->size() && kFlagsBeforeM.find((*v)[m]) != std::string_view::npos) ++m;
      if (m == v->size() || (*v)[m] != 'm') continue;
      const size_t first = static_cast<size_t>(&items[i][0] - t.data());
      Use use{situated(items[i][0].line, in_lambda[first]), quoted(*v), std::nullopt, 0};
      use.site.how = "-m";
      if (m + 1 < v->size()) {
        if (python) literal_import(use, v->substr(m + 1), quoted(*v) + " at line " + std::to_string(use.site.line), false);
      } else if (i + 1 < items.size()) {
        Toks next = items[i + 1];
        if (auto name = str_value(next)) {
          literal_import(use, *name, quoted(*v + " " + *name) + " at line " + std::to_string(use.site.line), false);
        } else if (next.size() == 1 && next[0].kind == Token::Kind::Name) {
          use.text += " " + std::string(next[0].text);
          follow(t, static_cast<size_t>(&next[0] - t.data()), match, in_lambda, use);
        }
      }
    }
  }

  // A call of one of kImportFunctions, or of an alias of one, at t[k].
  void call(Toks t, size_t k, const std::vector<size_t>& match, const std::vector<bool>& in_lambda) {
    std::string how;
    if (auto alias = aliases_.find(t[k].text); alias != aliases_.end()) how = alias->second;
    else if (kImportFunctions.count(t[k].text)) how = t[k].text;
    else return;
    const size_t open = k + 1;
    std::vector<Toks> args = split_commas(t.subspan(open + 1, match[open] - open - 1));
    std::string callee(t[k].text);
    for (size_t j = k; j >= 2 && is_op(t[j - 1], ".") && t[j - 2].kind == Token::Kind::Name; j -= 2)
      callee = std::string(t[j - 2].text) + "." + callee;
    Use use{situated(t[k].line, in_lambda[k]), callee, std::nullopt, 0};
    use.site.how = how;
    if (how == "import_module" || how == "find_spec") {
      if (auto package = argument(args, 1, "package")) use.package = str_value(*package);
    } else if (how == "__import__") {
      use.level = small_int(argument(args, 4, "level"));
    }
    const std::string extra =
        (use.package ? ", " + quoted(*use.package) : "") + (use.level ? ", level=" + std::to_string(use.level) : "");
    const std::string at = " at line " + std::to_string(use.site.line);
    if (!args.empty() && !is_keyword(args[0])) {
      if (auto name = str_value(args[0])) {
        literal_import(use, *name, callee + "(" + quoted(*name) + extra + ")" + at, false);
      } else if (args[0].size() == 1 && args[0][0].kind == Token::Kind::Name) {
        Use named = use;
        named.text = callee + "(" + std::string(args[0][0].text) + extra + ")";
        follow(t, static_cast<size_t>(&args[0][0] - t.data()), match, in_lambda, named);
      }
    }
    // import_fresh_module(name, fresh=[...]): the fresh modules are imported anew with it.
    if (how == "import_fresh_module") {
      auto fresh = argument(args, npos, "fresh");
      auto values = fresh ? str_display(*fresh) : std::nullopt;
      for (const std::string& v : values.value_or(std::vector<std::string>{}))
        literal_import(use, v, callee + "(..., fresh=" + display_text(*values) + ")" + at, false);
    }
  }

  // The name at t[k] is used as a module name by `use`: a comprehension around it may bind it (its
  // own scope); otherwise it is the scope's variable, followed once the file is read. In a lambda's
  // body it is the lambda's, or the enclosing scope's at call time: not followed.
  void follow(Toks t, size_t k, const std::vector<size_t>& match, const std::vector<bool>& in_lambda, Use use) {
    const std::string_view name = t[k].text;
    for (size_t open = k; open-- > 0;) {
      if (!opens(t[open]) || match[open] <= k) continue;
      // The clauses `for TARGET in ITER` directly inside this bracket.
      int depth = 0;
      for (size_t j = open + 1; j < match[open]; ++j) {
        if (opens(t[j])) ++depth;
        else if (closes(t[j])) --depth;
        if (depth != 0 || !is_name(t[j], "for")) continue;
        size_t in = j + 1;
        bool binds = false;
        for (int d = 0; in < match[open] && !(d == 0 && is_name(t[in], "in")); ++in) {
          if (opens(t[in])) ++d;
          else if (closes(t[in])) --d;
          binds |= is_name(t[in], name);
        }
        if (!binds) continue;
        if (in >= match[open]) return;  // `for name` unfinished: bound to nothing known
        size_t end = in + 1;
        for (int d = 0; end < match[open]; ++end) {
          if (opens(t[end])) ++d;
          else if (closes(t[end])) --d;
          if (d == 0 && (is_name(t[end], "for") || is_name(t[end], "if") || is_name(t[end], "async"))) break;
        }
        // Only `for name in <display>` gives values; a tuple target holding the name gives none.
        auto values = in == j + 2 ? str_display(t.subspan(in + 1, end - in - 1)) : std::nullopt;
        for (const std::string& v : values.value_or(std::vector<std::string>{}))
          literal_import(use, v,
                         "comprehension for " + std::string(name) + " in " + display_text(*values) + ", into " + use.text +
                             " at line " + std::to_string(use.site.line),
                         true);
        return;
      }
    }
    if (in_lambda[k]) return;
    pending_.push_back({scope(), pos(t[k]), std::string(name), std::move(use)});
  }

  // The import a literal name makes at `use`, if it is a module name there.
  void literal_import(const Use& use, const std::string& value, std::string evidence, bool through_name) {
    const std::string& how = use.site.how;
    size_t dots = value.find_first_not_of('.');
    if (dots == std::string::npos) dots = value.size();
    std::string module = value.substr(dots);
    int level = static_cast<int>(dots);
    if (how == "import_module" || how == "find_spec") {
      if (!(module.empty() ? level > 0 : dotted_name(module))) return;
      // A literal package resolves a relative name here, as importlib does.
      if (level > 0 && use.package && dotted_name(*use.package)) {
        try {
          module = resolve_relative(*use.package, true, level, module);
          level = 0;
        } catch (const Error& e) {
          out_.diagnostics.push_back("line " + std::to_string(use.site.line) + ": " + how + "('" + value + "', '" +
                                     *use.package + "'): " + e.what());
          return;
        }
      }
    } else if (how == "__import__") {
      if (level > 0 || (module.empty() ? use.level == 0 : !dotted_name(module))) return;
      level = use.level;
    } else if (level > 0 || !dotted_name(module)) {
      return;
    }
    Import imp = use.site;
    imp.module = std::move(module);
    imp.level = level;
    imp.evidence = std::move(evidence);
    imp.through_name = through_name;
    out_.imports.push_back(std::move(imp));
  }

  const std::vector<LogicalLine>& lines_;
  ScanResult& out_;
  size_t line_ = 0;  // the logical line being read
  std::vector<Block> stack_;
  int next_scope_ = 1;  // 0 is the module's
  std::vector<BindingSite> binding_sites_;
  Bindings bindings_;  // filled from binding_sites_ once the file is read, if a Pending needs it
  std::vector<Pending> pending_;
  std::map<std::string, std::string, std::less<>> aliases_;  // local name -> one of kImportFunctions
};

}  // namespace

namespace {

// "name.ext": letters, digits, '_', '-', '.', at most 128 bytes, a '.' that is neither first nor last.
bool looks_like_file_name(std::string_view s) {
  if (s.size() < 3 || s.size() > 128 || s.front() == '.' || s.back() == '.') return false;
  if (s.find('.') == std::string_view::npos) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

void collect_file_names(const std::vector<LogicalLine>& lines, ScanResult& result) {
  std::set<std::string, std::less<>> seen;
  for (const auto& line : lines)
    for (const Token& t : line.tokens) {
      if (t.kind != Token::Kind::String || string_prefix(t.text).find_first_of("fFbB") != std::string::npos) continue;
      std::string_view body = string_body(t.text);
      if (looks_like_file_name(body) && seen.emplace(body).second) result.file_names.push_back({std::string(body), t.line});
    }
}

}  // namespace

ScanResult scan(std::string_view source) {
  ScanResult result;
  std::string decoded;
  const std::string_view text = decode_source(source, decoded, result.diagnostics);
  // One token array per thread, reused file after file (its views into `text` are not used past here).
  thread_local Tokenized tokens;
  tokenize(text, result.diagnostics, tokens);
  Scanner(tokens.lines, result).run();
  collect_file_names(tokens.lines, result);
  return result;
}

std::string resolve_relative(std::string_view importer, bool importer_is_package, int level,
                             std::string_view module) {
  if (level <= 0) return std::string(module);
  std::string base(importer_is_package ? importer : importer.substr(0, std::min(importer.size(), importer.rfind('.'))));
  if (!importer_is_package && importer.rfind('.') == std::string_view::npos) base.clear();
  if (base.empty()) throw Error("attempted relative import with no known parent package");
  for (int k = 1; k < level; ++k) {
    size_t dot = base.rfind('.');
    if (dot == std::string::npos) throw Error("attempted relative import beyond top-level package");
    base.resize(dot);
  }
  return module.empty() ? base : base + "." + std::string(module);
}

}  // namespace raison::python

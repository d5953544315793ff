// Import statements and literal import calls found in the logical lines of a Python file. Blocks are
// followed by indentation, as the grammar does: a compound statement's header (a line starting with a
// keyword and ending with a ':' outside brackets and lambdas) opens a block holding the lines indented
// deeper than it. Only the kinds that change when an import runs matter: def, try (with its handlers
// looked up ahead), `if TYPE_CHECKING:`, `with suppress(ImportError)`.
#include "analyzers/python/scanner.hpp"

#include <set>

#include "analyzers/python/source.hpp"
#include "raison/error.hpp"

namespace raison::python {
namespace {

// Exceptions whose handler swallows a failed import.
bool catches_import_error(std::string_view name) {
  return name == "ImportError" || name == "ModuleNotFoundError" || name == "Exception" || name == "BaseException";
}

bool valid_module_name(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    bool alnum = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9');
    if (!(alnum || c == '_' || c == '.' || c >= 0x80)) return false;
  }
  return true;
}

enum class BlockKind { Def, OptionalTry, TypeChecking, MainGuard, Other };
struct Block {
  int indent;
  BlockKind kind;
};

class Scanner {
 public:
  Scanner(const std::vector<LogicalLine>& lines, ScanResult& out) : lines_(lines), out_(out) {}

  void run() {
    for (size_t i = 0; i < lines_.size(); ++i) logical_line(i);
  }

 private:
  void logical_line(size_t i) {
    const LogicalLine& line = lines_[i];
    while (!stack_.empty() && stack_.back().indent >= line.indent) stack_.pop_back();
    Toks t(line.tokens);
    size_t kw = header_keyword(t);
    size_t colon = kw == npos ? npos : header_colon(t);
    if (colon == npos) {
      statements(t);
      return;
    }
    // The header itself (conditions, decorators' targets, default values) runs in the outer block.
    calls(t.subspan(kw + 1, colon - kw - 1));
    stack_.push_back({line.indent, classify(t, kw, colon, i)});
    if (colon + 1 < t.size()) {
      statements(t.subspan(colon + 1));
      stack_.pop_back();
    }
  }

  static size_t header_keyword(Toks t) {
    static const std::set<std::string_view> kCompound = {"if",   "elif", "else", "while", "for",   "try",  "except",
                                                         "finally", "with", "def", "class", "match", "case"};
    if (t.empty() || t[0].kind != Token::Kind::Name) return npos;
    if (t[0].text == "async") return t.size() > 1 && t[1].kind == Token::Kind::Name ? 1 : npos;
    return kCompound.count(t[0].text) ? 0 : npos;
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

  BlockKind classify(Toks t, size_t kw, size_t colon, size_t line_index) const {
    std::string_view k = t[kw].text;
    if (k == "def") return BlockKind::Def;
    if (k == "try") return try_tolerates_import_error(line_index) ? BlockKind::OptionalTry : BlockKind::Other;
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
  bool try_tolerates_import_error(size_t i) const {
    const int indent = lines_[i].indent;
    for (size_t j = i + 1; j < lines_.size(); ++j) {
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

  Import::Context context(bool in_lambda) const {
    if (in_lambda) return Import::Context::Delayed;
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (it->kind == BlockKind::Def) return Import::Context::Delayed;
      if (it->kind == BlockKind::OptionalTry) return Import::Context::Optional;
    }
    return Import::Context::TopLevel;
  }

  void add(Import imp, bool in_lambda) {
    imp.context = context(in_lambda);
    for (const auto& b : stack_) {
      imp.type_checking |= b.kind == BlockKind::TypeChecking;
      imp.main_guard |= b.kind == BlockKind::MainGuard;
    }
    out_.imports.push_back(std::move(imp));
  }

  void statements(Toks t) {
    size_t start = 0;
    for (size_t k = 0; k <= t.size(); ++k) {
      if (k < t.size() && !is_op(t[k], ";")) continue;
      Toks s = t.subspan(start, k - start);
      start = k + 1;
      if (s.empty()) continue;
      if (is_name(s[0], "import")) import_statement(s);
      else if (is_name(s[0], "from")) from_statement(s);
      else calls(s);
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
      std::string bound = module.substr(0, module.find('.'));
      if (k + 1 < t.size() && is_name(t[k], "as")) {
        bound = std::string(t[k + 1].text);
        k += 2;
      }
      if (module == "importlib" || (module.starts_with("importlib.") && bound == "importlib"))
        importlib_names_.insert(bound);
      add({module, 0, {}, t[0].line, {}, false, "import"}, false);
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
      std::string name(t[k++].text);
      std::string bound = name;
      if (k + 1 < t.size() && is_name(t[k], "as")) {
        bound = std::string(t[k + 1].text);
        k += 2;
      }
      if (level == 0 && module == "importlib" && name == "import_module") import_module_names_.insert(bound);
      names.push_back(std::move(name));
      if (k < t.size() && is_op(t[k], ",")) ++k;
      else break;
    }
    if (names.empty()) return;
    add({module, level, std::move(names), t[0].line, {}, false, "from"}, false);
  }

  // Literal string arguments at t[k]: adjacent literals concatenate; f-strings and bytes do not count.
  static bool literal(Toks t, size_t& k, std::string& value) {
    size_t start = k;
    value.clear();
    for (; k < t.size() && t[k].kind == Token::Kind::String; ++k) {
      std::string prefix = string_prefix(t[k].text);
      if (prefix.find_first_of("fb") != std::string::npos) return false;
      value += string_body(t[k].text);
    }
    return k > start && k < t.size() && (is_op(t[k], ")") || is_op(t[k], ","));
  }

  // __import__('x') and import_module('x'[, 'pkg']) anywhere in an expression.
  void calls(Toks t) {
    struct Lambda {
      int depth;
      bool body;
    };
    std::vector<Lambda> lambdas;
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
      if (tok.kind != Token::Kind::Name || k + 1 >= t.size() || !is_op(t[k + 1], "(")) continue;
      bool attribute = k > 0 && is_op(t[k - 1], ".");
      if (k > 0 && is_name(t[k - 1], "def")) continue;
      bool in_lambda = false;
      for (const auto& l : lambdas) in_lambda |= l.body;
      size_t arg = k + 2;
      std::string name;
      if (tok.text == "__import__") {
        if (literal(t, arg, name) && valid_module_name(name) && name[0] != '.')
          add({name, 0, {}, tok.line, {}, false, "__import__"}, in_lambda);
        continue;
      }
      bool via_module = attribute && tok.text == "import_module" && k >= 2 &&
                        t[k - 2].kind == Token::Kind::Name && importlib_names_.count(std::string(t[k - 2].text));
      bool via_alias = !attribute && import_module_names_.count(std::string(tok.text));
      if ((!via_module && !via_alias) || !literal(t, arg, name) || !valid_module_name(name)) continue;
      import_module_call(t, arg, name, tok.line, in_lambda);
    }
  }

  void import_module_call(Toks t, size_t arg, const std::string& name, int line, bool in_lambda) {
    int level = 0;
    while (static_cast<size_t>(level) < name.size() && name[level] == '.') ++level;
    std::string rest = name.substr(static_cast<size_t>(level));
    std::string package;
    if (level > 0 && is_op(t[arg], ",")) {
      ++arg;
      if (literal(t, arg, package) && valid_module_name(package)) {
        try {
          rest = resolve_relative(package, true, level, rest);
          level = 0;
        } catch (const Error& e) {
          out_.diagnostics.push_back("line " + std::to_string(line) + ": import_module('" + name + "', '" +
                                     package + "'): " + e.what());
          return;
        }
      }
    }
    add({rest, level, {}, line, {}, false, "import_module"}, in_lambda);
  }

  const std::vector<LogicalLine>& lines_;
  ScanResult& out_;
  std::vector<Block> stack_;
  std::set<std::string> importlib_names_{"importlib"};  // names bound to the importlib module
  std::set<std::string> import_module_names_;           // names bound to importlib.import_module
};

}  // namespace

ScanResult scan(std::string_view source) {
  ScanResult result;
  std::string text = decode_source(source, result.diagnostics);
  std::vector<LogicalLine> lines = tokenize(text, result.diagnostics);
  Scanner(lines, result).run();
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

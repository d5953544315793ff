// Which str literals a name holds in a scope, recorded from the statements and compound headers that
// bind it: `name = "x"`, `for name in ("a", "b"):`, and every other way of binding a name, which marks
// it as holding something else.
#include "analyzers/python/bindings.hpp"

namespace raison::python {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

bool preceded_by_dot(Toks t, size_t k) { return k > 0 && is_op(t[k - 1], "."); }

}  // namespace

void Bindings::literal(int scope, std::string_view name, Binding b) {
  names_[{scope, std::string(name)}].literals.push_back(std::move(b));
}

void Bindings::other(int scope, std::string_view name) { names_[{scope, std::string(name)}].other = true; }

void Bindings::other_names(int scope, Toks targets) {
  for (size_t k = 0; k < targets.size(); ++k)
    if (targets[k].kind == Token::Kind::Name && !preceded_by_dot(targets, k)) other(scope, targets[k].text);
}

// The names a target list binds: `a`, `a, b`, `(a, [b, *c])`; an attribute or a subscript (`x.y`,
// `sys.modules[name]`) binds no name, and the names inside it are only read.
void Bindings::target_names(int scope, Toks t) {
  for (Toks e : split_commas(t)) {
    if (!e.empty() && is_op(e.front(), "*")) e = e.subspan(1);
    if (e.empty()) continue;
    if (e.size() >= 2 && (is_op(e.front(), "(") || is_op(e.front(), "[")) && matching_brackets(e)[0] == e.size() - 1)
      target_names(scope, e.subspan(1, e.size() - 2));
    else if (e.size() == 1 && e[0].kind == Token::Kind::Name)
      other(scope, e[0].text);
  }
}

// `name := ...` anywhere, and the names after `as` (import, with, except, case), up to the next ','
// or ':' outside the target's own brackets.
void Bindings::walrus_and_as(int scope, Toks t) {
  for (size_t k = 0; k < t.size(); ++k) {
    if (is_op(t[k], ":=") && k > 0 && t[k - 1].kind == Token::Kind::Name) other(scope, t[k - 1].text);
    if (!is_name(t[k], "as")) continue;
    int depth = 0;
    for (size_t j = k + 1; j < t.size(); ++j) {
      if (opens(t[j])) ++depth;
      else if (closes(t[j]) && --depth < 0) break;
      else if (depth == 0 && (is_op(t[j], ",") || is_op(t[j], ":"))) break;
      else if (t[j].kind == Token::Kind::Name && !preceded_by_dot(t, j)) other(scope, t[j].text);
    }
  }
}

void Bindings::statement(int scope, Toks s, Pos at) {
  walrus_and_as(scope, s);
  if (s.empty()) return;
  // import a.b binds a; from m import a binds a (the `as` names are done above).
  if (is_name(s[0], "import") || is_name(s[0], "from")) {
    size_t k = 0;
    if (is_name(s[0], "from"))
      while (k < s.size() && !is_name(s[k], "import")) ++k;
    Toks names = s.subspan(std::min(k + 1, s.size()));
    if (!names.empty() && is_op(names.front(), "(")) names = names.subspan(1, names.size() - 1 - is_op(names.back(), ")"));
    for (Toks item : split_commas(names)) {
      bool renamed = false;
      for (const Token& t : item) renamed |= is_name(t, "as");
      if (!renamed && item[0].kind == Token::Kind::Name) other(scope, item[0].text);
    }
    return;
  }
  if (is_name(s[0], "del")) {
    target_names(scope, s.subspan(1));
    return;
  }
  if (is_name(s[0], "global") || is_name(s[0], "nonlocal")) {
    other_names(scope, s.subspan(1));
    // A function's `global m` lets it rebind the module's m at any time.
    if (is_name(s[0], "global")) other_names(0, s.subspan(1));
    return;
  }
  const Assignment a = assignment_parts(s);
  if (a.augmented) {
    target_names(scope, a.parts[0]);
    return;
  }
  if (a.parts.size() < 2) return;
  const std::optional<std::string> value = str_value(a.parts.back());
  const auto values = value ? std::nullopt : str_display(a.parts.back());
  for (size_t p = 0; p + 1 < a.parts.size(); ++p) {
    Toks target = a.parts[p];
    // `name = "x"`, or annotated: `name: str = "x"`; `names = ("a", "b")`.
    bool single = !target.empty() && target[0].kind == Token::Kind::Name &&
                  (target.size() == 1 || is_op(target[1], ":"));
    if (single && (value || values)) {
      Binding b{{at.line, at.token + s.size()}, value ? std::vector{*value} : *values, {}, !value, {}};
      b.evidence = std::string(target[0].text) + " = " + (value ? quoted(*value) : display_text(*values)) + " at line " +
                   std::to_string(target[0].line);
      literal(scope, target[0].text, std::move(b));
    } else if (single) {
      other(scope, target[0].text);
    } else {
      target_names(scope, target);
    }
  }
}

void Bindings::header(int scope, int inner, Toks t, size_t kw, size_t colon, Pos at) {
  walrus_and_as(scope, t.first(colon));
  std::string_view k = t[kw].text;
  if ((k == "def" || k == "class") && kw + 1 < colon) {
    other(scope, t[kw + 1].text);
    if (k == "def") other_names(inner, t.subspan(kw + 2, colon - kw - 2));  // parameters (and more)
  } else if (k == "case") {
    other_names(scope, t.subspan(kw + 1, colon - kw - 1));
  } else if (k == "for") {
    size_t in = kw + 1;
    for (int depth = 0; in < colon && !(depth == 0 && is_name(t[in], "in")); ++in) {
      if (opens(t[in])) ++depth;
      else if (closes(t[in])) --depth;
    }
    Toks target = t.subspan(kw + 1, in - kw - 1);
    Toks iter = t.subspan(std::min(in + 1, colon), colon - std::min(in + 1, colon));
    auto values = str_display(iter);
    const bool over_name = iter.size() == 1 && iter[0].kind == Token::Kind::Name;
    if (target.size() == 1 && target[0].kind == Token::Kind::Name && (values || over_name)) {
      std::string loop = "for " + std::string(target[0].text) + " in ";
      literal(scope, target[0].text,
              {{at.line, at.token + colon}, values.value_or(std::vector<std::string>{}),
               loop + (values ? display_text(*values) : std::string(iter[0].text)) + " at line " + std::to_string(t[kw].line),
               false, over_name ? std::string(iter[0].text) : ""});
    } else {
      target_names(scope, target);
    }
  }
}

std::vector<Binding> Bindings::reaching(int scope, std::string_view name, Pos at) const {
  std::vector<Binding> out;
  auto it = names_.find({scope, std::string(name)});
  if (it == names_.end() || it->second.other) return out;
  for (const Binding& b : it->second.literals) {
    if (!(b.pos < at) || b.display) continue;  // a display is not a module name, only a loop's source
    if (b.loop_over.empty()) {
      out.push_back(b);
      continue;
    }
    // The loop goes over displays only: a str bound to the same name would be iterated by character,
    // anything else is unknown, and then the loop variable is not followed at all.
    auto source = names_.find({scope, b.loop_over});
    if (source == names_.end() || source->second.other) return {};
    Binding loop = b;
    for (const Binding& d : source->second.literals) {
      if (!(d.pos < b.pos)) continue;
      if (!d.display || !d.loop_over.empty()) return {};
      loop.values.insert(loop.values.end(), d.values.begin(), d.values.end());
      loop.evidence = d.evidence + ", " + loop.evidence;
    }
    if (loop.values.empty()) return {};
    out.push_back(std::move(loop));
  }
  return out;
}

}  // namespace raison::python

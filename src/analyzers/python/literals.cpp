// Literal values read from tokens: a str literal (adjacent literals concatenated), a tuple or list
// display of them, and the comma-separated items of an expression. Nothing is evaluated: whatever is
// not written as a literal has no value here.
#include "analyzers/python/source.hpp"

namespace raison::python {

std::optional<std::string> str_value(Toks expr) {
  if (expr.empty()) return std::nullopt;
  std::string value;
  for (const Token& t : expr) {
    if (t.kind != Token::Kind::String || string_prefix(t.text).find_first_of("fb") != std::string::npos)
      return std::nullopt;
    value += string_body(t.text);
  }
  return value;
}

std::optional<std::vector<std::string>> str_display(Toks expr) {
  if (expr.empty()) return std::nullopt;
  // A set display, or a dict display whose keys are str literals: iterating it gives those strings
  // (the values of a dict are not looked at).
  if (is_op(expr.front(), "{") && is_op(expr.back(), "}") && matching_brackets(expr)[0] == expr.size() - 1) {
    std::vector<std::string> keys;
    for (Toks e : split_commas(expr.subspan(1, expr.size() - 2))) {
      if (e.empty()) continue;  // a trailing comma
      size_t colon = 0, depth = 0;
      for (; colon < e.size(); ++colon) {
        if (opens(e[colon])) ++depth;
        else if (closes(e[colon])) --depth;
        else if (depth == 0 && is_op(e[colon], ":")) break;
      }
      auto k = str_value(e.subspan(0, colon));
      if (!k) return std::nullopt;
      keys.push_back(std::move(*k));
    }
    if (keys.empty()) return std::nullopt;
    return keys;
  }
  bool bracketed = (is_op(expr.front(), "(") && is_op(expr.back(), ")")) ||
                   (is_op(expr.front(), "[") && is_op(expr.back(), "]"));
  if (bracketed && matching_brackets(expr)[0] != expr.size() - 1) bracketed = false;  // ("a") + ("b")
  Toks inner = bracketed ? expr.subspan(1, expr.size() - 2) : expr;
  std::vector<Toks> elements = split_commas(inner);
  // Without a comma, parentheses only group: ("a") is the string "a". [] and () hold no name.
  bool has_comma = false;
  for (const Token& t : inner) has_comma |= is_op(t, ",");
  if (elements.empty() || (!has_comma && !is_op(expr.front(), "["))) return std::nullopt;
  std::vector<std::string> values;
  for (Toks e : elements) {
    auto v = str_value(e);
    if (!v) return std::nullopt;
    values.push_back(std::move(*v));
  }
  return values;
}

std::string display_text(const std::vector<std::string>& values) {
  std::string s = "(";
  for (size_t k = 0; k < values.size(); ++k) s += (k ? ", \"" : "\"") + values[k] + "\"";
  return s + (values.size() == 1 ? ",)" : ")");
}

std::vector<size_t> matching_brackets(Toks t) {
  std::vector<size_t> match(t.size(), npos), open;
  for (size_t k = 0; k < t.size(); ++k) {
    if (opens(t[k])) {
      open.push_back(k);
    } else if (closes(t[k]) && !open.empty()) {
      match[open.back()] = k;
      open.pop_back();
    }
  }
  for (size_t k : open) match[k] = t.size();
  return match;
}

std::vector<Toks> split_commas(Toks t) {
  std::vector<Toks> out;
  int depth = 0;
  size_t start = 0;
  for (size_t k = 0; k <= t.size(); ++k) {
    if (k < t.size()) {
      if (opens(t[k])) ++depth;
      else if (closes(t[k])) --depth;
      if (depth != 0 || !is_op(t[k], ",")) continue;
    }
    if (k > start) out.push_back(t.subspan(start, k - start));
    start = k + 1;
  }
  return out;
}

Assignment assignment_parts(Toks s) {
  Assignment a;
  int depth = 0;
  size_t start = 0;
  for (size_t k = 0; k < s.size(); ++k) {
    if (opens(s[k])) ++depth;
    else if (closes(s[k])) --depth;
    if (depth != 0) continue;
    if (is_name(s[k], "lambda")) break;  // its defaults are not assignments
    if (!is_op(s[k], "=")) continue;
    // The tokenizer gives one-character operators: `==` is two '=', `+=` is '+' then '='.
    if ((k > 0 && is_op(s[k - 1], "=")) || (k + 1 < s.size() && is_op(s[k + 1], "="))) continue;
    const bool after_op = k > 0 && s[k - 1].kind == Token::Kind::Op && s[k - 1].text.size() == 1 &&
                          std::string_view("+-*/%&|^@<>!").find(s[k - 1].text[0]) != std::string_view::npos;
    if (after_op) {
      // `x += v` (or a comparison such as `x <= v`, taken the same way: it binds nothing anyway).
      size_t op = k - 1;
      while (op > start && s[op - 1].kind == Token::Kind::Op && s[op - 1].text == s[k - 1].text) --op;  // **=, //=
      a.parts = {s.subspan(start, op - start), s.subspan(k + 1)};
      a.augmented = true;
      return a;
    }
    a.parts.push_back(s.subspan(start, k - start));
    start = k + 1;
  }
  a.parts.push_back(s.subspan(std::min(start, s.size())));
  return a;
}

}  // namespace raison::python

// Python source text before parsing: its encoding (PEP 263 cookie, UTF-8 BOM) decoded to UTF-8, the
// tokens and logical lines of CPython's tokenizer, and the literal values read from tokens, as far as
// finding imports needs them. Internal to the python analyzer; scanner.hpp is the interface.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace raison::python {

// Returns the source as UTF-8: a view of `bytes` (less a UTF-8 BOM) when they are UTF-8 already, as
// nearly every file is, else of `storage`, which holds the text decoded from the declared encoding.
// Appends to `diagnostics` (never throws) when CPython would refuse the file: a NUL byte, an unknown
// encoding, bytes invalid in the declared encoding. The text returned is then a best effort (invalid
// bytes kept as they are), so imports can still be reported.
std::string_view decode_source(std::string_view bytes, std::string& storage, std::vector<std::string>& diagnostics);

struct Token {
  enum class Kind { Name, Op, String, Number };
  Kind kind;
  std::string_view text;  // for String: the whole literal, prefix and quotes included
  int line;               // physical line where the token starts, from 1
};

using Toks = std::span<const Token>;

// A logical line: what CPython's tokenizer delimits with NEWLINE (brackets and backslashes join
// physical lines; comments and blank lines are dropped). `indent` is the column of its first token,
// tabs to multiples of 8 as CPython counts them.
struct LogicalLine {
  int indent = 0;
  Toks tokens;  // a run of Tokenized::tokens
};

// The tokens of a file in one array (one allocation, not one per line), and its logical lines as
// runs of it. Moving it keeps the runs valid; copying it would not, hence move-only.
struct Tokenized {
  std::vector<Token> tokens;
  std::vector<LogicalLine> lines;
  Tokenized() = default;
  Tokenized(Tokenized&&) = default;
  Tokenized& operator=(Tokenized&&) = default;
  Tokenized(const Tokenized&) = delete;
  Tokenized& operator=(const Tokenized&) = delete;
};

// Tokenizes UTF-8 `text` (views into it stay valid as long as it). Unterminated strings or brackets
// are reported in `diagnostics`; tokenizing goes on so the rest of the file is still seen.
Tokenized tokenize(std::string_view text, std::vector<std::string>& diagnostics);
// The same into `out`, whose arrays are cleared and reused: a scanner tokenizing file after file
// keeps one pair of arrays rather than faulting in fresh pages for each file.
void tokenize(std::string_view text, std::vector<std::string>& diagnostics, Tokenized& out);

// For a String token: its prefix letters lowercased ("", "r", "b", "f", "rb", ...), and its body
// between the quotes, escapes left as written.
std::string string_prefix(std::string_view literal);
std::string_view string_body(std::string_view literal);

constexpr size_t npos = static_cast<size_t>(-1);

// These run for every token of a file, several times: the length and first byte are compared
// before the bytes (a call of memcmp) so that most tokens are told apart without one.
inline bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || (a[0] == b[0] && a == b));
}
inline bool is_name(const Token& t, std::string_view s) { return t.kind == Token::Kind::Name && same_text(t.text, s); }
inline bool is_op(const Token& t, std::string_view s) { return t.kind == Token::Kind::Op && same_text(t.text, s); }
inline bool opens(const Token& t) {
  return t.kind == Token::Kind::Op && t.text.size() == 1 && (t.text[0] == '(' || t.text[0] == '[' || t.text[0] == '{');
}
inline bool closes(const Token& t) {
  return t.kind == Token::Kind::Op && t.text.size() == 1 && (t.text[0] == ')' || t.text[0] == ']' || t.text[0] == '}');
}

// Literal values, read from tokens without evaluating anything (literals.cpp).

// The value of an expression made only of str literals, adjacent ones concatenated ('a' "b" is "ab"),
// escapes left as written; nullopt for anything else, f-strings and bytes included.
std::optional<std::string> str_value(Toks expr);

// The strings of a tuple or list display made only of str literals: ("a", "b"), ["a"], ("a",), or a
// bare `"a", "b"`; of a set display {"a", "b"}; the keys of a dict display whose keys are all str
// literals, {"a": ..., "b": ...} (what iterating it gives); nullopt for anything else (a lone "a" is a
// string, not a display).
std::optional<std::vector<std::string>> str_display(Toks expr);

// Those strings as Python prints a tuple, `("a", "b")`, for evidence.
std::string display_text(const std::vector<std::string>& values);

// For each token, the index of the bracket that closes it when it opens one (t.size() when the
// file ends first), npos otherwise.
std::vector<size_t> matching_brackets(Toks t);

// The items of `t` separated by commas outside brackets (a trailing comma makes no empty item).
std::vector<Toks> split_commas(Toks t);

// A simple statement cut at its assignment '='s (outside brackets, before any lambda): the targets,
// then the value; one part when it assigns nothing. `augmented` for `x += v` (parts: x, v).
struct Assignment {
  std::vector<Toks> parts;
  bool augmented = false;
};
Assignment assignment_parts(Toks s);

}  // namespace raison::python

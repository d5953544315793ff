// Python source text before parsing: its encoding (PEP 263 cookie, UTF-8 BOM) decoded to UTF-8, and
// the tokens and logical lines of CPython's tokenizer, as far as finding import statements needs them.
// Internal to the python analyzer; scanner.hpp is the interface.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace raison::python {

// Returns the source as UTF-8. Appends to `diagnostics` (never throws) when CPython would refuse the
// file: a NUL byte, an unknown encoding, bytes invalid in the declared encoding. The text returned is
// then a best effort (invalid bytes kept as they are), so imports can still be reported.
std::string decode_source(std::string_view bytes, std::vector<std::string>& diagnostics);

struct Token {
  enum class Kind { Name, Op, String, Number };
  Kind kind;
  std::string_view text;  // for String: the whole literal, prefix and quotes included
  int line;               // physical line where the token starts, from 1
};

// A logical line: what CPython's tokenizer delimits with NEWLINE (brackets and backslashes join
// physical lines; comments and blank lines are dropped). `indent` is the column of its first token,
// tabs to multiples of 8 as CPython counts them.
struct LogicalLine {
  int indent = 0;
  std::vector<Token> tokens;
};

// Tokenizes UTF-8 `text` (views into it stay valid as long as it). Unterminated strings or brackets
// are reported in `diagnostics`; tokenizing goes on so the rest of the file is still seen.
std::vector<LogicalLine> tokenize(std::string_view text, std::vector<std::string>& diagnostics);

// For a String token: its prefix letters lowercased ("", "r", "b", "f", "rb", ...), and its body
// between the quotes, escapes left as written.
std::string string_prefix(std::string_view literal);
std::string_view string_body(std::string_view literal);

}  // namespace raison::python

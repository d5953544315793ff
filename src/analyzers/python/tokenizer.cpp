// A tokenizer for Python source after CPython's Parser/tokenizer.c, reduced to what import scanning
// needs: names, operators, string literals (every prefix, triple quotes, f-strings with nested
// replacement fields and format specs), numbers, and logical lines with their indentation. Comments,
// blank lines, backslash continuations and newlines inside brackets are consumed the way CPython does,
// so nothing inside a string or a comment can look like a statement.
#include <cctype>
#include <cstring>
#include <string>

#include "analyzers/python/source.hpp"

namespace raison::python {
namespace {

// Nested f-strings deeper than this are not real code; stop instead of exhausting the stack.
constexpr int kMaxFStringNesting = 64;

// The bytes a string literal's body stops at (an escape, a line end, a quote, an f-string's field):
// everything else is passed over in one tight loop.
struct ByteSet {
  bool has[256] = {};
  constexpr explicit ByteSet(std::string_view bytes) {
    for (char c : bytes) has[static_cast<unsigned char>(c)] = true;
  }
  bool operator[](char c) const { return has[static_cast<unsigned char>(c)]; }
};
constexpr ByteSet kStringStops(std::string_view("\\\n\r\"'{"));

constexpr bool is_digit(unsigned c) { return c >= '0' && c <= '9'; }
constexpr bool ident_start(unsigned char c) { return c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80; }
constexpr bool ident_char(unsigned char c) { return ident_start(c) || is_digit(c); }

struct IdentChars {
  bool has[256] = {};
  constexpr IdentChars() {
    for (int c = 0; c < 256; ++c) has[c] = ident_char(static_cast<unsigned char>(c));
  }
  bool operator[](char c) const { return has[static_cast<unsigned char>(c)]; }
};
constexpr IdentChars kIdentChars;

// What a byte starts outside a token, looked up in one table rather than tried case by case.
enum class ByteClass : unsigned char { Other, LineEnd, Blank, Hash, Backslash, IdentStart, Quote, Digit, Dot };
struct ByteClasses {
  ByteClass of[256] = {};
  constexpr ByteClasses() {
    for (int c = 0; c < 256; ++c) {
      auto u = static_cast<unsigned char>(c);
      if (ident_start(u)) of[c] = ByteClass::IdentStart;
      else if (is_digit(u)) of[c] = ByteClass::Digit;
    }
    of[static_cast<unsigned char>('\n')] = of[static_cast<unsigned char>('\r')] = ByteClass::LineEnd;
    for (char c : {' ', '\t', '\f', '\0'}) of[static_cast<unsigned char>(c)] = ByteClass::Blank;
    of[static_cast<unsigned char>('#')] = ByteClass::Hash;
    of[static_cast<unsigned char>('\\')] = ByteClass::Backslash;
    of[static_cast<unsigned char>('"')] = of[static_cast<unsigned char>('\'')] = ByteClass::Quote;
    of[static_cast<unsigned char>('.')] = ByteClass::Dot;
  }
  ByteClass operator[](unsigned char c) const { return of[c]; }
};
constexpr ByteClasses kByteClass;

// The prefixes CPython accepts before a quote (Parser/tokenizer.c): any order and case of
// r with b or f, and u alone.
bool string_prefix_ok(std::string_view p) {
  if (p.size() > 2) return false;
  int r = 0, b = 0, f = 0, u = 0;
  for (char ch : p) {
    switch (ch | 0x20) {
      case 'r': ++r; break;
      case 'b': ++b; break;
      case 'f': ++f; break;
      case 'u': ++u; break;
      default: return false;
    }
  }
  if (r > 1 || b > 1 || f > 1 || u > 1 || (b && f)) return false;
  return !(u && (r || b || f));
}

class Lexer {
 public:
  Lexer(std::string_view s, std::vector<std::string>& diags, Tokenized& out) : s_(s), diags_(diags), out_(out) {}

  void run() {
    out_.tokens.clear();
    out_.lines.clear();
    // About one token per 8 bytes of source (docstrings and comments make no tokens): a guess that
    // spares most of the array's growth without reserving much more than it needs.
    out_.tokens.reserve(s_.size() / 8 + 16);
    bool line_start = true;
    while (i_ < s_.size()) {
      if (line_start && depth_ == 0 && !indentation()) continue;
      line_start = false;
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      switch (kByteClass[c]) {
        case ByteClass::LineEnd:
          i_ += (c == '\r' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') ? 2 : 1;
          ++line_;
          if (depth_ == 0) {
            flush();
            line_start = true;
          }
          break;
        case ByteClass::Blank: ++i_; break;
        case ByteClass::Hash: skip_comment(); break;
        case ByteClass::Backslash:
          if (!continuation()) op(c);  // a stray backslash
          break;
        case ByteClass::IdentStart: name_or_string(); break;
        case ByteClass::Quote: {
          size_t start = i_;
          int line = line_;
          i_ = string_end(i_, false, 0);
          push(Token::Kind::String, start, line);
          break;
        }
        case ByteClass::Digit: number(); break;
        case ByteClass::Dot:
          if (i_ + 1 < s_.size() && is_digit(s_[i_ + 1])) number();
          else op(c);
          break;
        case ByteClass::Other: op(c); break;
      }
    }
    if (depth_ > 0) diags_.push_back("unclosed bracket at end of file");
    flush();
    // The runs become spans only now: the array does not move any more.
    out_.lines.reserve(runs_.size());
    for (const Run& r : runs_) out_.lines.push_back({r.indent, Toks(out_.tokens).subspan(r.begin, r.end - r.begin)});
  }

 private:
  // At the start of a physical line outside brackets: measures the indentation. Returns false when
  // the line is blank or a comment (consumed up to its newline), true when a token follows.
  bool indentation() {
    int col = 0;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ') ++col;
      else if (c == '\t') col = (col / 8 + 1) * 8;
      else if (c == '\f') col = 0;
      else break;
      ++i_;
    }
    if (i_ == s_.size()) return false;
    if (s_[i_] == '#') skip_comment();
    if (i_ < s_.size() && (s_[i_] == '\n' || s_[i_] == '\r')) {
      i_ += (s_[i_] == '\r' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') ? 2 : 1;
      ++line_;
      return false;
    }
    if (i_ == s_.size()) return false;
    indent_ = col;
    return true;
  }

  // To the comment's line end: memchr for '\n' (vectorised), then for a '\r' before it (old Mac
  // line ends, rare), rather than a byte at a time.
  void skip_comment() {
    const char* p = s_.data() + i_;
    const char* end = s_.data() + s_.size();
    const char* stop = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!stop) stop = end;
    if (const void* cr = std::memchr(p, '\r', static_cast<size_t>(stop - p))) stop = static_cast<const char*>(cr);
    i_ = static_cast<size_t>(stop - s_.data());
  }

  // A backslash joins the next physical line; anywhere else it is a stray character.
  bool continuation() {
    size_t j = i_ + 1;
    if (j < s_.size() && s_[j] == '\r') ++j;
    if (j < s_.size() && s_[j] == '\n') {
      i_ = j + 1;
      ++line_;
      return true;
    }
    if (j == s_.size()) {
      i_ = j;
      return true;
    }
    return false;
  }

  void name_or_string() {
    size_t start = i_;
    while (i_ < s_.size() && kIdentChars[s_[i_]]) ++i_;
    if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'') && string_prefix_ok(s_.substr(start, i_ - start))) {
      bool f = string_prefix(s_.substr(start, i_ - start + 1)).find('f') != std::string::npos;
      int line = line_;
      i_ = string_end(i_, f, 0);
      push(Token::Kind::String, start, line);
      return;
    }
    push(Token::Kind::Name, start);
  }

  // Returns the position after the literal whose opening quote is at q. Inside, a backslash hides
  // the quote, a backslash or a newline that follows it (raw strings included: r"\"" is one string).
  size_t string_end(size_t q, bool fstring, int nesting) {
    const char quote = s_[q];
    const bool triple = q + 2 < s_.size() && s_[q + 1] == quote && s_[q + 2] == quote;
    const int start_line = line_;
    size_t i = q + (triple ? 3 : 1);
    while (i < s_.size()) {
      while (i < s_.size() && !kStringStops[s_[i]]) ++i;
      if (i == s_.size()) break;
      char c = s_[i];
      if (c == '\\' && i + 1 < s_.size()) {
        char n = s_[i + 1];
        if (n == '\n' || n == '\r') ++line_;
        if (n == '\r' && i + 2 < s_.size() && s_[i + 2] == '\n') ++i;
        i += (n == quote || n == '\\' || n == '\n' || n == '\r') ? 2 : 1;
      } else if (c == '\n' || c == '\r') {
        if (!triple) {
          diags_.push_back("line " + std::to_string(start_line) + ": unterminated string literal");
          return i;
        }
        ++line_;
        ++i;
      } else if (c == quote) {
        if (!triple) return i + 1;
        if (i + 2 < s_.size() && s_[i + 1] == quote && s_[i + 2] == quote) return i + 3;
        ++i;
      } else if (fstring && c == '{') {
        if (i + 1 < s_.size() && s_[i + 1] == '{') i += 2;
        else i = fstring_field(i + 1, nesting + 1);
      } else {
        ++i;
      }
    }
    diags_.push_back("line " + std::to_string(start_line) + ": unterminated string literal at end of file");
    return i;
  }

  // A replacement field's expression, from after its '{' to after its '}'. Nested strings are
  // skipped whole; a ':' outside brackets starts the format spec.
  size_t fstring_field(size_t i, int nesting) {
    if (nesting > kMaxFStringNesting) {
      diags_.push_back("line " + std::to_string(line_) + ": f-strings nested too deeply");
      return s_.size();
    }
    int brackets = 0;
    while (i < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[i]);
      if (c == '"' || c == '\'') {
        i = string_end(i, false, nesting);
        continue;
      }
      if (ident_start(c)) {
        size_t start = i;
        while (i < s_.size() && kIdentChars[s_[i]]) ++i;
        if (i < s_.size() && (s_[i] == '"' || s_[i] == '\'') && string_prefix_ok(s_.substr(start, i - start)))
          i = string_end(i, string_prefix(s_.substr(start, i - start + 1)).find('f') != std::string::npos, nesting);
        continue;
      }
      if (c == '\n') ++line_;
      if (c == '(' || c == '[' || c == '{') ++brackets;
      else if (c == ')' || c == ']') --brackets;
      else if (c == '}' && brackets-- == 0) return i + 1;
      else if (c == ':' && brackets == 0) return format_spec(i + 1, nesting);
      ++i;
    }
    return i;
  }

  // A format spec is literal text up to the field's '}', except for nested fields.
  size_t format_spec(size_t i, int nesting) {
    while (i < s_.size()) {
      char c = s_[i];
      if (c == '{') {
        i = fstring_field(i + 1, nesting + 1);
        continue;
      }
      if (c == '}') return i + 1;
      if (c == '\n') ++line_;
      ++i;
    }
    return i;
  }

  void number() {
    size_t start = i_;
    auto at = [&](size_t k) -> unsigned { return k < s_.size() ? static_cast<unsigned char>(s_[k]) : 0u; };
    if (at(i_) == '0' && ((at(i_ + 1) | 0x20) == 'x' || (at(i_ + 1) | 0x20) == 'o' || (at(i_ + 1) | 0x20) == 'b')) {
      i_ += 2;
      while (std::isxdigit(at(i_)) || at(i_) == '_') ++i_;
    } else {
      while (is_digit(at(i_)) || at(i_) == '_' || at(i_) == '.') ++i_;
      if ((at(i_) | 0x20) == 'e' && (is_digit(at(i_ + 1)) || ((at(i_ + 1) == '+' || at(i_ + 1) == '-') && is_digit(at(i_ + 2))))) {
        i_ += 2;
        while (is_digit(at(i_)) || at(i_) == '_') ++i_;
      }
      if ((at(i_) | 0x20) == 'j') ++i_;
    }
    push(Token::Kind::Number, start);
  }

  void op(unsigned char c) {
    size_t start = i_++;
    if (c == '(' || c == '[' || c == '{') ++depth_;
    else if ((c == ')' || c == ']' || c == '}') && depth_ > 0) --depth_;
    else if (c == '.' && s_.substr(start, 3) == "...") i_ = start + 3;
    else if (c == ':' && i_ < s_.size() && s_[i_] == '=') ++i_;  // walrus, not a block colon
    else if (c == '-' && i_ < s_.size() && s_[i_] == '>') ++i_;
    push(Token::Kind::Op, start);
  }

  void push(Token::Kind kind, size_t start, int line = 0) {
    out_.tokens.push_back({kind, std::string_view(s_.data() + start, i_ - start), line ? line : line_});
  }

  void flush() {
    if (out_.tokens.size() > line_begin_) runs_.push_back({indent_, line_begin_, out_.tokens.size()});
    line_begin_ = out_.tokens.size();
    indent_ = 0;
  }

  // A logical line while the token array may still grow: indexes into it.
  struct Run {
    int indent;
    size_t begin, end;
  };

  std::string_view s_;
  std::vector<std::string>& diags_;
  size_t i_ = 0;
  int line_ = 1;
  int depth_ = 0;
  int indent_ = 0;         // of the logical line being read
  size_t line_begin_ = 0;  // its first token in out_.tokens
  std::vector<Run> runs_;
  Tokenized& out_;
};

}  // namespace

void tokenize(std::string_view text, std::vector<std::string>& diagnostics, Tokenized& out) {
  Lexer(text, diagnostics, out).run();
}

Tokenized tokenize(std::string_view text, std::vector<std::string>& diagnostics) {
  Tokenized out;
  tokenize(text, diagnostics, out);
  return out;
}

std::string string_prefix(std::string_view literal) {
  std::string p;
  for (char c : literal) {
    if (c == '"' || c == '\'') break;
    p += static_cast<char>(c | 0x20);
  }
  return p;
}

std::string_view string_body(std::string_view literal) {
  size_t q = literal.find_first_of("\"'");
  if (q == std::string_view::npos) return {};
  literal.remove_prefix(q);
  size_t n = literal.size() >= 6 && literal[1] == literal[0] && literal[2] == literal[0] ? 3 : 1;
  if (literal.size() < 2 * n) return {};
  return literal.substr(n, literal.size() - 2 * n);
}

}  // namespace raison::python

// strace's line syntax (strace 4.x to 6.x): prefixes, event kinds, argument splitting and its quoting
// (strace's string_quote(): C escapes, octal for other non-printables, "..." after a truncated string;
// -y annotations escape '<' and '>' as \74 and \76, so a raw '>' ends a path annotation).
#include "analyzers/trace/strace_syntax.hpp"

#include <cctype>
#include <charconv>

#include "raison/error.hpp"

namespace raison::trace::syntax {
namespace {

constexpr std::string_view kUnfinished = "<unfinished ...>";
constexpr int kMaxAnnotationNesting = 4;  // -yy nests one level (</dev/null<char 1:3>>)

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '?'; }

// Parses a leading decimal number; returns how many characters it used (0: none, or out of range).
std::size_t leading_int(std::string_view s, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() ? static_cast<std::size_t>(end - s.data()) : 0;
}

// Index of the '>' closing the annotation opened at s[open] == '<', or npos. Path annotations have
// '<'/'>' escaped; socket ones ("TCP:[1.2.3.4:5->6.7.8.9:10]") have a raw '>' inside brackets.
std::size_t annotation_end(std::string_view s, std::size_t open, int nesting = 0) {
  if (nesting > kMaxAnnotationNesting) return std::string_view::npos;
  bool path = open + 1 < s.size() && s[open + 1] == '/';
  int brackets = 0;
  for (std::size_t i = open + 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\') {
      ++i;
    } else if (c == '<') {
      i = annotation_end(s, i, nesting + 1);
      if (i == std::string_view::npos) return i;
    } else if (!path && c == '[') {
      ++brackets;
    } else if (!path && c == ']' && brackets > 0) {
      --brackets;
    } else if (c == '>' && brackets == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// The path in an annotation's text, if it is one: up to a nested -yy annotation, unescaped.
std::optional<std::string> annotation_path(std::string_view text) {
  if (text.empty() || text.front() != '/') return std::nullopt;
  return unescape(text.substr(0, text.find('<')));
}

}  // namespace

Event parse_line(std::string_view line) {
  Event ev;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.rfind(" > ", 0) == 0) return ev;  // a -k stack frame
  std::string_view s = trim(line);
  if (s.empty()) return ev;
  if (s.rfind("[pid", 0) == 0) {
    s = trim(s.substr(4));
    std::size_t n = leading_int(s, ev.pid);
    if (n == 0 || n >= s.size() || s[n] != ']') throw Error("malformed \"[pid N]\" prefix");
    s = trim(s.substr(n + 1));
  } else if (std::size_t n = leading_int(s, ev.pid); n > 0 && n < s.size() && s[n] == ' ') {
    s = trim(s.substr(n));
  } else {
    ev.pid = 0;
  }
  // -t "12:34:56", -tt "12:34:56.123456", -ttt "1700000000.123456", -r "     0.000123"
  if (!s.empty() && is_digit(s.front())) {
    std::size_t n = s.find_first_not_of("0123456789:.");
    if (n == std::string_view::npos || s[n] != ' ') throw Error("malformed timestamp");
    s = trim(s.substr(n));
  }
  if (s.rfind("+++", 0) == 0) {
    constexpr std::string_view sup = "+++ superseded by execve in pid ";
    if (s.rfind(sup, 0) == 0 && leading_int(s.substr(sup.size()), ev.other_pid) > 0) ev.kind = EventKind::Superseded;
    return ev;
  }
  if (s.rfind("---", 0) == 0 || s.rfind("strace: ", 0) == 0) return ev;
  if (s.rfind("<... ", 0) == 0) {
    std::size_t end = s.find(" resumed>");
    if (end == std::string_view::npos) throw Error("\"<...\" without \"resumed>\"");
    ev.kind = EventKind::Resumed;
    ev.name = s.substr(5, end - 5);
    ev.body = s.substr(end + 9);
    return ev;
  }
  std::size_t n = 0;
  while (n < s.size() && is_name_char(s[n])) ++n;
  if (n == 0 || n >= s.size() || s[n] != '(') throw Error("not an strace line");
  ev.name = s.substr(0, n);
  ev.body = s.substr(n + 1);
  if (ev.body.size() >= kUnfinished.size() && ev.body.substr(ev.body.size() - kUnfinished.size()) == kUnfinished) {
    ev.kind = EventKind::Unfinished;
    ev.body.remove_suffix(kUnfinished.size());
    if (!ev.body.empty() && ev.body.back() == ' ') ev.body.remove_suffix(1);  // strace adds one space
  } else {
    ev.kind = EventKind::Call;
  }
  return ev;
}

SplitCall split_call(std::string_view body) {
  SplitCall out;
  std::string closers;  // expected closing brackets, innermost last
  std::size_t start = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '"') {
      ++i;
      while (i < body.size() && body[i] != '"') i += body[i] == '\\' ? 2 : 1;
      if (i >= body.size()) throw Error("unterminated string");
    } else if (c == '/' && i + 1 < body.size() && body[i + 1] == '*') {
      i = body.find("*/", i + 2);
      if (i == std::string_view::npos) throw Error("unterminated comment");
      ++i;
    } else if (c == '<' && i > 0 && std::isalnum(static_cast<unsigned char>(body[i - 1]))) {
      i = annotation_end(body, i);
      if (i == std::string_view::npos) throw Error("unterminated fd annotation");
    } else if (c == '(' || c == '[' || c == '{') {
      closers.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
    } else if ((c == ']' || c == '}' || c == ')') && !closers.empty()) {
      if (closers.back() != c) throw Error(std::string("unbalanced '") + c + "'");
      closers.pop_back();
    } else if (c == ']' || c == '}') {
      throw Error(std::string("unbalanced '") + c + "'");
    } else if (c == ',' && closers.empty()) {
      out.args.push_back(trim(body.substr(start, i - start)));
      start = i + 1;
    } else if (c == ')') {  // closes the argument list
      auto last = trim(body.substr(start, i - start));
      if (!last.empty() || !out.args.empty()) out.args.push_back(last);
      auto rest = trim(body.substr(i + 1));
      if (rest.empty() || rest.front() != '=') throw Error("no \" = result\" after the arguments");
      rest = trim(rest.substr(1));
      // -T appends " <0.000123>".
      if (auto lt = rest.rfind(" <"); lt != std::string_view::npos && rest.back() == '>' &&
                                      rest.find_first_not_of("0123456789.", lt + 2) == rest.size() - 1)
        rest = trim(rest.substr(0, lt));
      out.result = rest;
      return out;
    }
  }
  throw Error("the argument list never closes");
}

std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (++i >= text.size()) throw Error("string ends in a backslash");
    char c = text[i];
    switch (c) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'v': out.push_back('\v'); break;
      case 'f': out.push_back('\f'); break;
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case '\\': case '"': case '\'': case '?': out.push_back(c); break;
      case 'x': {
        int v = 0, n = 0;
        for (; n < 2 && i + 1 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])); ++n, ++i) {
          char h = text[i + 1];
          v = v * 16 + (is_digit(h) ? h - '0' : (std::tolower(static_cast<unsigned char>(h)) - 'a' + 10));
        }
        if (n == 0) throw Error("\"\\x\" without hex digits");
        out.push_back(static_cast<char>(v));
        break;
      }
      default: {
        if (c < '0' || c > '7') throw Error(std::string("unknown escape \"\\") + c + "\"");
        int v = c - '0';
        for (int n = 1; n < 3 && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '7'; ++n, ++i)
          v = v * 8 + (text[i + 1] - '0');
        if (v > 0xff) throw Error("octal escape above \\377");
        out.push_back(static_cast<char>(v));
      }
    }
  }
  return out;
}

std::optional<QuotedString> parse_quoted(std::string_view arg) {
  if (arg.empty() || arg.front() != '"') return std::nullopt;
  std::size_t i = 1;
  while (i < arg.size() && arg[i] != '"') i += arg[i] == '\\' ? 2 : 1;
  if (i >= arg.size()) throw Error("unterminated string");
  QuotedString q{unescape(arg.substr(1, i - 1)), false};
  auto rest = arg.substr(i + 1);
  if (rest == "...") {
    q.truncated = true;
  } else if (!rest.empty()) {
    throw Error("text after a string: " + std::string(rest));
  }
  return q;
}

std::optional<FdRef> parse_fd(std::string_view arg) {
  FdRef ref;
  std::string_view head = arg;
  if (auto lt = arg.find('<'); lt != std::string_view::npos) {
    if (annotation_end(arg, lt) != arg.size() - 1) return std::nullopt;
    head = arg.substr(0, lt);
    ref.path = annotation_path(arg.substr(lt + 1, arg.size() - lt - 2));
  }
  if (head == "AT_FDCWD") {
    ref.at_fdcwd = true;
    return ref;
  }
  auto [end, ec] = std::from_chars(head.data(), head.data() + head.size(), ref.fd);
  if (ec != std::errc() || end != head.data() + head.size()) return std::nullopt;
  ref.at_fdcwd = ref.fd == -100;  // AT_FDCWD printed raw (-X raw)
  return ref;
}

ResultValue parse_result(std::string_view result) {
  ResultValue r;
  result = trim(result);
  auto [end, ec] = result.rfind("0x", 0) == 0
                       ? std::from_chars(result.data() + 2, result.data() + result.size(), r.value, 16)
                       : std::from_chars(result.data(), result.data() + result.size(), r.value);
  if (ec != std::errc()) return r;  // "?" (the process went away) or unreadable: not a success
  r.ok = r.value >= 0;
  std::string_view rest = result.substr(static_cast<std::size_t>(end - result.data()));
  if (!rest.empty() && rest.front() == '<') {
    std::size_t close = annotation_end(rest, 0);
    if (close != std::string_view::npos) r.path = annotation_path(rest.substr(1, close - 1));
  }
  return r;
}

}  // namespace raison::trace::syntax

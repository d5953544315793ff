// The encoding of a Python source file, decided as CPython does (PEP 263, Lib/tokenize.py
// detect_encoding): a UTF-8 BOM, else a coding cookie on line 1, or on line 2 when line 1 is blank or a
// comment, else UTF-8. UTF-8 and Latin-1 are decoded here; any other declared encoding goes through
// iconv(3), so multibyte encodings whose trail bytes look like ASCII quotes (Shift_JIS, GBK, Big5) are
// not mis-tokenized.
#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <cctype>
#include <string>

#include "analyzers/python/source.hpp"

namespace raison::python {
namespace {

std::string_view line_at(std::string_view s, size_t& pos) {
  size_t end = s.find('\n', pos);
  if (end == std::string_view::npos) end = s.size();
  std::string_view line = s.substr(pos, end - pos);
  pos = end < s.size() ? end + 1 : end;
  return line;
}

// tokenize.py's blank_re: a line that is only whitespace, or a comment.
bool blank_or_comment(std::string_view line) {
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\f') continue;
    return c == '#' || c == '\r';
  }
  return true;
}

// tokenize.py's cookie_re: ^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)
std::string cookie_of(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\f')) ++i;
  if (i == line.size() || line[i] != '#') return {};
  for (size_t at = line.find("coding", i); at != std::string_view::npos; at = line.find("coding", at + 1)) {
    size_t j = at + 6;
    if (j >= line.size() || (line[j] != ':' && line[j] != '=')) continue;
    ++j;
    while (j < line.size() && (line[j] == ' ' || line[j] == '\t')) ++j;
    size_t k = j;
    while (k < line.size() && (std::isalnum(static_cast<unsigned char>(line[k])) || line[k] == '-' ||
                               line[k] == '_' || line[k] == '.'))
      ++k;
    if (k > j) return std::string(line.substr(j, k - j));
  }
  return {};
}

// tokenize.py's _get_normal_name, plus "utf8" which the codec registry also accepts.
std::string normal_name(std::string name) {
  for (auto& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto is = [&](std::string_view n) { return name == n || name.starts_with(std::string(n) + "-"); };
  if (is("utf-8") || name == "utf8") return "utf-8";
  if (is("latin-1") || is("iso-8859-1") || is("iso-latin-1") || name == "latin1") return "iso-8859-1";
  return name;
}

int line_of(std::string_view s, size_t pos) {
  int line = 1;
  for (size_t i = 0; i < pos && i < s.size(); ++i) line += s[i] == '\n';
  return line;
}

// Length of the valid UTF-8 sequence at s[i], or 0 (overlongs, surrogates and > U+10FFFF are invalid).
size_t utf8_len(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned c = b(i);
  if (c < 0x80) return 1;
  size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (n == 0 || c > 0xf4 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xc0) != 0x80) return 0;
  if (c == 0xe0 && b(i + 1) < 0xa0) return 0;
  if (c == 0xed && b(i + 1) >= 0xa0) return 0;
  if (c == 0xf0 && b(i + 1) < 0x90) return 0;
  if (c == 0xf4 && b(i + 1) >= 0x90) return 0;
  return n;
}

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
  }
  return out;
}

std::string via_iconv(std::string_view s, const std::string& declared, const std::string& normal,
                      std::vector<std::string>& diagnostics) {
  iconv_t cd = iconv_open("UTF-8", declared.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) cd = iconv_open("UTF-8", normal.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    diagnostics.push_back("unknown encoding '" + declared + "' (CPython refuses the file); read as Latin-1");
    return latin1_to_utf8(s);
  }
  std::string out;
  std::string buf(4096, '\0');
  char* in = const_cast<char*>(s.data());
  size_t in_left = s.size();
  bool reported = false;
  while (in_left > 0) {
    char* o = buf.data();
    size_t o_left = buf.size();
    size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    out.append(buf.data(), buf.size() - o_left);
    if (r != static_cast<size_t>(-1)) continue;
    if (errno == E2BIG) continue;
    // EILSEQ or EINVAL (truncated sequence at the end): keep the byte, go on.
    if (!reported)
      diagnostics.push_back("line " + std::to_string(line_of(s, static_cast<size_t>(in - s.data()))) +
                            ": bytes invalid in the declared encoding '" + declared + "'");
    reported = true;
    out += *in == '\0' ? ' ' : *in;
    ++in;
    --in_left;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  iconv_close(cd);
  return out;
}

}  // namespace

std::string_view decode_source(std::string_view bytes, std::string& storage, std::vector<std::string>& diagnostics) {
  if (size_t nul = bytes.find('\0'); nul != std::string_view::npos)
    diagnostics.push_back("line " + std::to_string(line_of(bytes, nul)) +
                          ": NUL byte (CPython: source code cannot contain null bytes)");
  bool bom = bytes.starts_with("\xEF\xBB\xBF");
  if (bom) bytes.remove_prefix(3);

  size_t pos = 0;
  std::string_view first = line_at(bytes, pos);
  std::string declared = cookie_of(first);
  if (declared.empty() && blank_or_comment(first)) declared = cookie_of(line_at(bytes, pos));
  std::string normal = declared.empty() ? "utf-8" : normal_name(declared);
  if (bom && normal != "utf-8") {
    diagnostics.push_back("UTF-8 BOM with coding cookie '" + declared + "' (CPython refuses the file)");
    normal = "utf-8";
  }

  if (normal != "utf-8") {
    storage = normal == "iso-8859-1" ? latin1_to_utf8(bytes) : via_iconv(bytes, declared, normal, diagnostics);
    return storage;
  }

  for (size_t i = 0; i < bytes.size();) {
    // ASCII, most of any source file, 8 bytes at a time.
    if (std::uint64_t word; i + 8 <= bytes.size()) {
      std::memcpy(&word, bytes.data() + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    size_t n = utf8_len(bytes, i);
    if (n == 0) {
      diagnostics.push_back("line " + std::to_string(line_of(bytes, i)) + ": invalid UTF-8" +
                            (declared.empty() ? " (no coding cookie, so UTF-8 is required)" : ""));
      break;
    }
    i += n;
  }
  return bytes;
}

}  // namespace raison::python

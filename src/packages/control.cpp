// deb822 paragraphs (see control.hpp).
#include "packages/control.hpp"

#include <strings.h>

#include "util/text.hpp"

namespace raison::packages {

std::optional<std::string> Paragraph::field(std::string_view name) const {
  std::optional<std::string> value;
  for (const auto& line : split_lines(text)) {
    if (value && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      *value += "\n" + std::string(trim(line));
      continue;
    }
    if (value) return value;
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon != name.size() || line[0] == ' ') continue;
    if (::strncasecmp(line.data(), name.data(), name.size()) == 0) value = std::string(trim(std::string_view(line).substr(colon + 1)));
  }
  return value;
}

std::vector<Paragraph> split_paragraphs(std::string_view text) {
  std::vector<Paragraph> out;
  Paragraph cur;
  std::size_t n = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    const std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    ++n;
    if (trim(line).empty()) {
      if (!cur.text.empty()) out.push_back(std::move(cur));
      cur = {};
      continue;
    }
    if (cur.text.empty()) cur.line = n;
    cur.text.append(line).append("\n");
  }
  if (!cur.text.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace raison::packages

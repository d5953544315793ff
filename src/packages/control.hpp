// The deb822 control format dpkg's status file is written in (and apk's installed database, whose
// records are "K:value" lines in blank-line separated blocks): paragraphs of "Field: value" lines,
// continuation lines starting with a blank. Kept as text, so a trimmed database is the original
// paragraphs, not a rewrite of them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace raison::packages {

struct Paragraph {
  std::string text;  // as written, every line with its "\n"
  std::size_t line = 0;  // of its first line, for messages

  // The value of `field` (case-insensitive name, continuation lines joined by "\n"), if present.
  std::optional<std::string> field(std::string_view name) const;
};

// The paragraphs of `text`, separated by one or more blank lines.
std::vector<Paragraph> split_paragraphs(std::string_view text);

}  // namespace raison::packages

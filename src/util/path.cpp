// The path and list splitters (see path.hpp).
#include "util/path.hpp"

namespace raison {

std::vector<std::string> path_components(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string lexically_normal(std::string_view path) {
  std::vector<std::string> parts;
  for (auto& part : path_components(path)) {
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (part != ".") {
      parts.push_back(std::move(part));
    }
  }
  std::string out;
  for (const auto& part : parts) (out += '/') += part;
  return out.empty() ? "/" : out;
}

std::vector<std::string> split_list(std::string_view list, std::string_view separators) {
  std::vector<std::string> out;
  std::size_t i = 0;
  for (;;) {
    std::size_t j = list.find_first_of(separators, i);
    if (j == std::string_view::npos) {
      out.emplace_back(list.substr(i));
      return out;
    }
    out.emplace_back(list.substr(i, j - i));
    i = j + 1;
  }
}

}  // namespace raison

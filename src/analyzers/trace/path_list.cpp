// Plain path lists and the format detector. A list carries no syscall, pid or result: every entry
// counts as a successful use.
#include "analyzers/trace/path_list.hpp"

namespace raison::trace {
namespace {

constexpr int kLinesToDetect = 20;

std::string_view trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// Calls f(line number, trimmed line) for each line that is not blank or a comment; stops when f
// returns false.
template <typename F>
void for_each_entry(std::string_view text, F f) {
  std::size_t number = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++number;
    if (line.empty() || line.front() == '#') continue;
    if (!f(number, line)) return;
  }
}

}  // namespace

TraceLog parse_path_list(std::string_view text) {
  TraceLog out;
  for_each_entry(text, [&out](std::size_t number, std::string_view line) {
    if (line.front() != '/') out.problems.push_back({number, "not an absolute path: " + std::string(line)});
    else out.uses.push_back({normalize_path(line), "list", 0, number, true, {}});
    return true;
  });
  return out;
}

LogFormat detect_log_format(std::string_view text) {
  LogFormat format = LogFormat::PathList;
  int seen = 0;
  for_each_entry(text, [&](std::size_t, std::string_view line) {
    if (line.front() != '/') {
      format = LogFormat::Strace;
      return false;
    }
    return ++seen < kLinesToDetect;
  });
  return format;
}

TraceLog parse_trace_log(std::string_view text, const std::string& initial_cwd) {
  return detect_log_format(text) == LogFormat::PathList ? parse_path_list(text) : parse_strace(text, initial_cwd);
}

}  // namespace raison::trace

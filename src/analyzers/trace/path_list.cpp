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

// "# openat by pid 40, created", "# mapped by pid 12", "# exe of pid 12, listening on tcp port 80":
// the call is what comes before " by pid " or " of pid ", the pid what follows; ", created" marks a
// path the call made. Anything else is kept as the call's name.
void read_evidence(std::string_view evidence, PathUse& use) {
  evidence.remove_prefix(1);  // '#'
  evidence = trim(evidence);
  auto at = evidence.find(" by pid ");
  if (at == std::string_view::npos) at = evidence.find(" of pid ");
  if (at != 0 && !evidence.empty()) use.syscall = std::string(evidence.substr(0, at));
  if (at == std::string_view::npos) return;
  std::string_view rest = evidence.substr(at + 8);
  int pid = 0;
  std::size_t i = 0;
  for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && pid < 100000000; ++i) pid = pid * 10 + (rest[i] - '0');
  use.pid = pid;
  use.creates = rest.substr(i).find(", created") != std::string_view::npos;
}

}  // namespace

TraceLog parse_path_list(std::string_view text) {
  TraceLog out;
  for_each_entry(text, [&out](std::size_t number, std::string_view line) {
    // "PATH<TAB># EVIDENCE" (as `raison observe` writes): the evidence names the call and the pid.
    std::string_view evidence;
    if (auto tab = line.find("\t#"); tab != std::string_view::npos) {
      evidence = trim(line.substr(tab + 1));
      line = trim(line.substr(0, tab));
    }
    if (line.empty() || line.front() != '/') {
      out.problems.push_back({number, "not an absolute path: " + std::string(line)});
      return true;
    }
    PathUse use{normalize_path(line), "list", 0, number, true, {}};
    if (!evidence.empty()) read_evidence(evidence, use);
    out.uses.push_back(std::move(use));
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

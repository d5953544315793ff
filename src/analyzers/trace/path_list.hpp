// The other kind of runtime evidence: a plain list of paths, one a line, as fanotify tools or
// `find / -newer STAMP` write them; and the detector that tells such a list from an strace log.
#pragma once

#include <string>
#include <string_view>

#include "analyzers/trace/strace.hpp"

namespace raison::trace {

enum class LogFormat { Strace, PathList };

// Lines starting with '#' (after blanks) and blank lines are skipped; each other line, trimmed of
// surrounding blanks and '\r', is one absolute path (syscall "list", ok = true). A relative path is a
// LogProblem. A line may name its evidence after a tab, as `raison observe` writes it:
// "PATH<TAB># CALL by pid N[, created]" or "PATH<TAB># WHAT of pid N[, ...]" sets syscall (CALL or
// WHAT: "openat", "mapped", "exe", "open fd", ...), pid and creates.
TraceLog parse_path_list(std::string_view text);

// PathList if the first lines that are neither blank nor comments all start with '/', Strace
// otherwise (strace lines never do). An empty text is a PathList.
LogFormat detect_log_format(std::string_view text);

// parse_strace or parse_path_list, by detect_log_format.
TraceLog parse_trace_log(std::string_view text, const std::string& initial_cwd = "/");

}  // namespace raison::trace

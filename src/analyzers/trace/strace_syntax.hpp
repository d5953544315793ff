// The lexical side of strace's output, one line at a time: the pid and timestamp prefixes, the kind of
// event (a whole call, an <unfinished ...> start, a <... resumed> end, exit and signal lines), the
// top-level arguments of a call, C-quoted strings and the -y/-yy "<path>" fd annotations.
// Nothing here knows what a syscall means; strace.cpp does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace raison::trace::syntax {

enum class EventKind {
  Call,        // name(args) = result
  Unfinished,  // name(args... <unfinished ...>
  Resumed,     // <... name resumed>rest) = result
  Superseded,  // +++ superseded by execve in pid N +++ (a thread's execve completes under the leader)
  Ignored,     // +++ exited/killed +++, --- signal ---, strace's own messages, -k stack frames
};

struct Event {
  EventKind kind = EventKind::Ignored;
  int pid = 0;            // 0: the line names no pid (a log of one process)
  std::string_view name;  // the syscall, for Call, Unfinished and Resumed
  // Call: "args) = result"; Unfinished: the arguments printed so far; Resumed: "rest) = result".
  // Unfinished + Resumed concatenated give the Call form.
  std::string_view body;
  int other_pid = 0;  // Superseded: the pid whose execve this completes
};

// Classifies one line (without its newline). Throws raison::Error naming the cause if it is not strace.
Event parse_line(std::string_view line);

struct SplitCall {
  std::vector<std::string_view> args;  // top-level arguments, trimmed
  std::string_view result;             // after " = ", trimmed; -T's "<seconds>" removed
};

// Splits a Call body at top-level commas, respecting quotes, (), [], {}, /* comments */ and fd
// annotations. Throws raison::Error if the parentheses never close or " = " is missing.
SplitCall split_call(std::string_view body);

struct QuotedString {
  std::string value;
  bool truncated = false;  // "..."...: strace -s cut it
};

// A C-quoted string argument ("a\"b\\\n\0\x41"), or nullopt if `arg` is not one (NULL, an address).
// Throws raison::Error for a bad escape or a missing closing quote.
std::optional<QuotedString> parse_quoted(std::string_view arg);

// A file descriptor argument or result: "3", "AT_FDCWD", "-100", each maybe with a -y annotation.
struct FdRef {
  bool at_fdcwd = false;
  long long fd = -1;
  std::optional<std::string> path;  // the annotation when it is an absolute path (not socket:[..])
};
std::optional<FdRef> parse_fd(std::string_view arg);

struct ResultValue {
  bool ok = false;        // not "-1 ERRNO" and not "?"
  long long value = 0;    // the number (pid for clone, fd for open)
  std::optional<std::string> path;  // -y annotation of a returned fd, when an absolute path
};
ResultValue parse_result(std::string_view result);

// Decodes strace's C escapes in `text` (strings and annotations alike). Throws raison::Error.
std::string unescape(std::string_view text);

}  // namespace raison::trace::syntax

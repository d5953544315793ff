#include "cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "cli/report.hpp"

namespace raison::cli {

namespace {

// "\r" back to the margin, then ESC [ K clears to the end of the line.
constexpr const char* kClearLine = "\r\x1b[K";
constexpr auto kRedraw = std::chrono::milliseconds(100);

}  // namespace

bool stderr_wants_progress(bool quiet) { return !quiet && ::isatty(STDERR_FILENO) == 1; }

ProgressObserver TerminalProgress::observer() {
  if (!enabled_) return {};
  return [this](const ProgressReport& r) { report(r); };
}

void TerminalProgress::report(const ProgressReport& r) {
  const auto now = std::chrono::steady_clock::now();
  if (r.finished) {
    erase();
    what_.clear();
    return;
  }
  if (what_ != r.what) {  // a new piece of work: its own clock, drawn at once
    what_ = r.what;
    start_ = now;
  } else if (now - last_ < kRedraw) {
    return;
  }
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const std::string rate = seconds > 0.05 ? fmt::format(" at {}/s", human_bytes(std::uint64_t(double(r.bytes) / seconds))) : "";
  const std::string count = r.total ? fmt::format("{} of {} {}", r.done, r.total, r.unit) : fmt::format("{} {}", r.done, r.unit);
  fmt::print(stderr, "{}raison: {}: {} done, {}{}", kClearLine, r.what, count, human_bytes(r.bytes), rate);
  std::fflush(stderr);
  drawn_ = true;
}

void TerminalProgress::erase() {
  if (!drawn_) return;
  fmt::print(stderr, "{}", kClearLine);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace raison::cli

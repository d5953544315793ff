// The one resolution algorithm for a path inside a root: "." skipped, ".." never above the top, a
// link's target walked in its place, more than 40 links an error. Root::resolve (names) and the staging
// walker (descriptors) both drive a PathWalk; neither spells the algorithm out again.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace raison {

// The kernel's MAXSYMLINKS: a lookup that would follow more links than this fails (ELOOP).
constexpr int kMaxSymlinks = 40;
// Components one walk may enter or leave, links' targets included. The kernel's bound is 41 paths of
// PATH_MAX (some 80,000 steps); a real lookup takes a few dozen. Without this a chain of links whose
// targets are "x/../x/../..." makes every lookup of an image cost tens of thousands of steps.
constexpr std::size_t kMaxWalkSteps = 4096;

// The walker (the caller) holds a stack of the directories entered. The contract, step by step:
//   next() == NAME: enter NAME below the top of the stack; the walk counts it as held. Then either
//                   push it (a directory, or the last component), stop (missing, not a directory),
//                   or call follow() (a symlink, which is never pushed).
//   next() == "..": pop one level. The walk only says ".." when the caller holds a level: at the
//                   top ".." is "." (the root is its own parent), so nothing climbs out.
//   follow(T):      the component just entered is a symlink to T: T's components are walked in its
//                   place; when T is absolute follow() returns true and the caller empties its stack
//                   (T starts at the root's top, never at the host's).
//   next() == nullopt: the path is walked; the stack is where it led.
class PathWalk {
 public:
  // Walks `path`; a leading '/' changes nothing (the walk starts at the top either way).
  explicit PathWalk(std::string_view path);
  // Walks components already split (none empty, none containing '/').
  explicit PathWalk(std::span<const std::string> components);

  // The next component to enter, ".." to leave one, or nullopt at the end. Throws Error("path takes
  // more than 4096 steps ...") past kMaxWalkSteps.
  std::optional<std::string> next();
  // True when nothing is left to walk after the component last returned (it is the last one).
  bool at_end() const { return pending_.empty(); }
  // See the contract above. Throws Error("too many levels of symbolic links ...") when this is
  // the 41st link of the walk; the caller adds where.
  bool follow(std::string_view target);
  // What was not walked yet, spelled as given ("." and ".." included): the rest of a lookup that
  // stopped at a missing component.
  std::vector<std::string> rest() const;

 private:
  void push_front(std::string_view path);

  std::vector<std::string> pending_;  // reversed: back() is the next component
  std::size_t held_ = 0;              // levels the caller holds: ".." pops only these
  int links_ = 0;
  std::size_t steps_ = 0;
};

}  // namespace raison

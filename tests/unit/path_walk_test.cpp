// PathWalk, the one resolution algorithm under Root::resolve and the staging walker: its contract
// driven by hand over an imaginary tree, step by step.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "input/path_walk.hpp"
#include "raison/error.hpp"

using raison::PathWalk;

namespace {

// Drives a walk as a caller would, over a tree given as "path -> link target" pairs (every other
// component is a directory), and returns the stack it ends with, as a path.
std::string walk(const std::string& path, const std::vector<std::pair<std::string, std::string>>& links) {
  PathWalk w(path);
  std::vector<std::string> stack;
  auto here = [&] {
    std::string s;
    for (const auto& c : stack) s += "/" + c;
    return s.empty() ? std::string("/") : s;
  };
  while (auto c = w.next()) {
    if (*c == "..") {
      REQUIRE(!stack.empty());  // the walk never says ".." when the caller holds nothing
      stack.pop_back();
      continue;
    }
    std::string candidate = (stack.empty() ? "" : here()) + "/" + *c;
    bool is_link = false;
    for (const auto& [from, to] : links)
      if (from == candidate) {
        if (w.follow(to)) stack.clear();
        is_link = true;
      }
    if (!is_link) stack.push_back(*c);
  }
  return here();
}

}  // namespace

TEST_CASE("path walk: dots, .. at the top, links spliced in, absolute targets from the top") {
  CHECK(walk("/a/./b//c", {}) == "/a/b/c");
  CHECK(walk("/../../a/..", {}) == "/");  // .. at the top is the top
  CHECK(walk("/lib/x", {{"/lib", "usr/lib"}}) == "/usr/lib/x");
  CHECK(walk("/a/link/y", {{"/a/link", "/etc"}}) == "/etc/y");                   // absolute: from the top
  CHECK(walk("/a/b/up/z", {{"/a/b/up", "../../../../.."}}) == "/z");            // never above the top
  CHECK(walk("/d/l", {{"/d/l", "../e"}, {"/e", "f/g"}}) == "/f/g");             // a chain: f/g from /e's directory
}

TEST_CASE("path walk: the 41st link of one walk is an error, 40 are not") {
  std::vector<std::pair<std::string, std::string>> chain;
  for (int i = 0; i < 40; ++i) chain.push_back({"/l" + std::to_string(i), "l" + std::to_string(i + 1)});
  CHECK(walk("/l0", chain) == "/l40");
  chain.push_back({"/l40", "l41"});
  CHECK_THROWS_AS(walk("/l0", chain), raison::Error);
  CHECK_THROWS_AS(walk("/loop", {{"/loop", "loop"}}), raison::Error);
}

TEST_CASE("path walk: rest() is what a stopped lookup did not walk, as given") {
  PathWalk w("/a/b/../c");
  CHECK(*w.next() == "a");
  CHECK(!w.at_end());
  CHECK(w.rest() == std::vector<std::string>{"b", "..", "c"});
}

TEST_CASE("path walk: a walk takes at most kMaxWalkSteps steps, links' targets included") {
  std::string path;
  for (std::size_t i = 0; i < raison::kMaxWalkSteps; ++i) path += "a/";
  {
    PathWalk w(path);
    std::size_t n = 0;
    while (w.next()) ++n;
    CHECK(n == raison::kMaxWalkSteps);
  }
  {
    PathWalk w(path + "b");
    CHECK_THROWS_WITH_AS(([&] { while (w.next()) {} }()), doctest::Contains("more than 4096 steps"), raison::Error);
  }
  // The bomb's shape: every link's target climbs and comes back, "x/.." many times over; 40 such
  // links stay under the kernel's rules (40 links, each shorter than PATH_MAX) but not under the steps.
  std::string climb;
  for (int i = 0; i < 800; ++i) climb += "x/../";
  PathWalk w("l/f");
  CHECK_THROWS_WITH_AS(([&] {
                         while (auto c = w.next())
                           if (*c == "l") w.follow(climb + "l");
                       }()),
                       doctest::Contains("steps to resolve (a link bomb?)"), raison::Error);
}

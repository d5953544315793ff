// The closure graph: identity by (dev, ino), reasons on edges, closure and shortest why-chains.
#include <doctest/doctest.h>

#include "raison/error.hpp"
#include "raison/graph.hpp"

using raison::Graph;
using raison::Reason;
using raison::ReasonKind;

namespace {
raison::Stat file_stat(std::uint64_t ino) {
  raison::Stat s;
  s.id = {1, ino};
  s.type = raison::FileType::Regular;
  return s;
}
}  // namespace

TEST_CASE("graph: two paths to one inode are one vertex with two names") {
  Graph g;
  auto [a, added_a] = g.add_file("/bin/a", file_stat(10));
  auto [b, added_b] = g.add_file("/bin/b", file_stat(10));
  CHECK(added_a);
  CHECK_FALSE(added_b);
  CHECK(a == b);
  CHECK(g.node(a).names == std::vector<std::string>{"/bin/a", "/bin/b"});
  CHECK(g.find("/bin/b") == a);
}

TEST_CASE("graph: closure is what the seeds reach; why is the shortest chain") {
  Graph g;
  auto exe = g.add_file("/bin/x", file_stat(1)).first;
  auto libz = g.add_file("/lib/libz.so.1", file_stat(2)).first;
  auto libc = g.add_file("/lib/libc.so.6", file_stat(3)).first;
  auto perl = g.add_file("/bin/perl", file_stat(4)).first;
  g.add_edge(g.source(), exe, Reason{ReasonKind::Seed, "cli", "", "--seed /bin/x"});
  g.add_edge(exe, libz, Reason{ReasonKind::Needed, "elf", "/bin/x", "DT_NEEDED libz.so.1"});
  g.add_edge(libz, libc, Reason{ReasonKind::Needed, "elf", "/lib/libz.so.1", "DT_NEEDED libc.so.6"});
  g.add_edge(exe, libc, Reason{ReasonKind::Needed, "elf", "/bin/x", "DT_NEEDED libc.so.6"});
  g.add_edge(perl, libc, Reason{ReasonKind::Needed, "elf", "/bin/perl", "DT_NEEDED libc.so.6"});

  CHECK(g.closure() == std::vector<Graph::Vertex>{exe, libz, libc});
  auto chain = g.why(libc);
  REQUIRE(chain.size() == 2);  // seed -> x -> libc, not through libz
  CHECK(chain[0].to == exe);
  CHECK(chain[1].from == exe);
  CHECK(chain[1].reason.detail == "DT_NEEDED libc.so.6");
  CHECK(g.why(perl).empty());
  CHECK(g.reasons_of(libc).size() == 3);
}

TEST_CASE("graph: the same reason on the same edge is recorded once") {
  Graph g;
  auto a = g.add_file("/a", file_stat(1)).first;
  Reason r{ReasonKind::Seed, "cli", "", "--seed /a"};
  CHECK(g.add_edge(g.source(), a, r));
  CHECK_FALSE(g.add_edge(g.source(), a, r));
  CHECK(g.reasons_of(a).size() == 1);
}

TEST_CASE("graph: reasons from one file are bounded at kMaxReasonsPerFile; the seeds' source is not") {
  Graph g;
  auto a = g.add_file("/a", file_stat(1)).first;
  auto b = g.add_file("/b", file_stat(2)).first;
  for (std::size_t i = 0; i < Graph::kMaxReasonsPerFile; ++i)
    REQUIRE(g.add_edge(a, b, Reason{ReasonKind::Import, "python", "/a", std::to_string(i)}));
  CHECK_THROWS_WITH_AS(g.add_edge(a, b, Reason{ReasonKind::Import, "python", "/a", "one more"}),
                       doctest::Contains("/a: more than 65536 reasons from one file"), raison::Error);
  for (std::size_t i = 0; i <= Graph::kMaxReasonsPerFile; ++i)
    REQUIRE(g.add_edge(g.source(), b, Reason{ReasonKind::Seed, "cli", "", std::to_string(i)}));
}

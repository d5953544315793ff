// Dominator costs on graphs whose dominators are known by hand (a diamond, a shared library, a library
// two seeds need), checked against the closure recomputed without each vertex; module names from
// paths; the diff of two inventories and the growth limit.
#include <doctest/doctest.h>

#include <random>

#include "raison/cost.hpp"
#include "raison/diff.hpp"
#include "raison/emit.hpp"

using namespace raison;

namespace {

struct Fixture {
  Graph g;
  std::map<std::string, Graph::Vertex> v;
  std::uint64_t ino = 1;
  Graph::Vertex file(const std::string& path, std::uint64_t size) {
    Stat s;
    s.id = {1, ino++};
    s.type = FileType::Regular;
    s.size = size;
    return v[path] = g.add_file(path, s).first;
  }
  void seed(const std::string& to) { g.add_edge(g.source(), v.at(to), Reason{ReasonKind::Seed, "cli", "", "--seed " + to}); }
  void edge(const std::string& from, const std::string& to, ReasonKind kind = ReasonKind::Needed) {
    g.add_edge(v.at(from), v.at(to), Reason{kind, "elf", from, "needs " + to});
  }
  CostTree tree() const { return dominator_costs(g, vertex_bytes(g)); }
};

}  // namespace

TEST_CASE("cost: a diamond's bottom is charged to its top, not to either side") {
  Fixture f;
  f.file("/a", 1);
  f.file("/b", 2);
  f.file("/c", 4);
  f.file("/d", 8);
  f.seed("/a");
  f.edge("/a", "/b");
  f.edge("/a", "/c");
  f.edge("/b", "/d");
  f.edge("/c", "/d");
  const CostTree t = f.tree();
  CHECK(t.idom[f.v["/d"]] == f.v["/a"]);
  CHECK(t.cost[f.v["/a"]] == 15);
  CHECK(t.cost[f.v["/b"]] == 2);
  CHECK(t.cost[f.v["/c"]] == 4);
  CHECK(t.cost[f.v["/d"]] == 8);
  CHECK(t.files[f.v["/a"]] == 4);
  CHECK(t.cost[f.g.source()] == 15);
}

TEST_CASE("cost: a shared library is charged to the program, not to the library that also needs it") {
  Fixture f;
  f.file("/bin/prog", 100);
  f.file("/lib/libz.so.1", 20);
  f.file("/lib/libc.so.6", 1000);
  f.seed("/bin/prog");
  f.edge("/bin/prog", "/lib/libz.so.1");
  f.edge("/bin/prog", "/lib/libc.so.6");
  f.edge("/lib/libz.so.1", "/lib/libc.so.6");
  const CostTree t = f.tree();
  CHECK(t.idom[f.v["/lib/libc.so.6"]] == f.v["/bin/prog"]);
  CHECK(t.cost[f.v["/lib/libz.so.1"]] == 20);
  CHECK(t.cost[f.v["/bin/prog"]] == 1120);
}

TEST_CASE("cost: a library two seeds need is charged to neither seed alone") {
  Fixture f;
  f.file("/bin/x", 10);
  f.file("/bin/y", 30);
  f.file("/lib/libshared.so", 500);
  f.file("/lib/libxonly.so", 7);
  f.seed("/bin/x");
  f.seed("/bin/y");
  f.edge("/bin/x", "/lib/libshared.so");
  f.edge("/bin/y", "/lib/libshared.so");
  f.edge("/bin/x", "/lib/libxonly.so");
  const CostTree t = f.tree();
  CHECK(t.idom[f.v["/lib/libshared.so"]] == f.g.source());
  CHECK(t.cost[f.v["/bin/x"]] == 17);
  CHECK(t.cost[f.v["/bin/y"]] == 30);
  const auto bytes = vertex_bytes(f.g);
  const auto seeds = cost_rows(f.g, t, bytes, CostBy::Seed);
  REQUIRE(seeds.size() == 2);
  CHECK(seeds[0].name == "/bin/y");
  CHECK(seeds[0].bytes == 30);
  CHECK(seeds[1].name == "/bin/x");
  CHECK(seeds[1].bytes == 17);
  // Both seeds gone: everything goes, the shared library too.
  CHECK(removal_cost(f.g, bytes, {f.v["/bin/x"], f.v["/bin/y"]}).bytes == 547);
  // By directory: without /bin everything goes; /lib's files keep only themselves (507 bytes).
  const auto pkgs = cost_rows(f.g, t, bytes, CostBy::Package);
  REQUIRE(pkgs.size() == 2);
  CHECK(pkgs[0].name == "/bin");
  CHECK(pkgs[0].bytes == 547);
  CHECK(pkgs[1].name == "/lib");
  CHECK(pkgs[1].bytes == 507);
  CHECK(pkgs[1].own == 507);
}

TEST_CASE("cost: a hardlinked file's bytes count once") {
  Fixture f;
  f.file("/bin/perl", 300);
  Stat same = f.g.node(f.v["/bin/perl"]).stat;
  CHECK_FALSE(f.g.add_file("/bin/perl5.36", same).second);
  f.seed("/bin/perl");
  CHECK(f.tree().cost[f.g.source()] == 300);
}

TEST_CASE("cost: every vertex's dominator subtree is what the closure loses without it") {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    Fixture f;
    const int n = 30;
    for (int i = 0; i < n; ++i) f.file("/f" + std::to_string(i), 1 + rng() % 1000);
    f.seed("/f0");
    f.seed("/f" + std::to_string(1 + rng() % (n - 1)));
    for (int e = 0; e < 60; ++e) f.edge("/f" + std::to_string(rng() % n), "/f" + std::to_string(rng() % n));
    const auto bytes = vertex_bytes(f.g);
    const CostTree t = dominator_costs(f.g, bytes);
    for (const auto& [path, v] : f.v) {
      if (t.idom[v] == CostTree::kNone) continue;  // not reached
      const Loss loss = removal_cost(f.g, bytes, {v});
      CHECK_MESSAGE(loss.bytes == t.cost[v], path);
      CHECK_MESSAGE(loss.files == t.files[v], path);
    }
  }
}

TEST_CASE("cost: the module a file is, from its path") {
  CHECK(python_module_name("/usr/lib/python3.11/ssl.py") == "ssl");
  CHECK(python_module_name("/usr/lib/python3.11/sqlite3/__init__.py") == "sqlite3");
  CHECK(python_module_name("/usr/lib/python3.11/sqlite3/dbapi2.py") == "sqlite3.dbapi2");
  CHECK(python_module_name("/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so") == "_ssl");
  CHECK(python_module_name("/usr/lib/python3/dist-packages/yaml/reader.py") == "yaml.reader");
  CHECK(python_module_name("/opt/app/helper.py") == "helper");
}

namespace {
Inventory inventory(std::map<std::string, InventoryEntry> paths) {
  Inventory inv;
  for (auto& [p, e] : paths) {
    if (e.file.empty()) e.file = p;
    inv.paths[p] = e;
  }
  inv.content_hash = [paths = inv.paths](const std::string& p) { return paths.at(p).sha256; };
  return inv;
}
InventoryEntry reg(std::uint64_t size, std::string sha, std::string file = "") {
  return {.type = FileType::Regular, .size = size, .file = std::move(file), .sha256 = std::move(sha)};
}
}  // namespace

TEST_CASE("diff: added, removed and changed files, hardlinks once, by directory") {
  Inventory a = inventory({{"/usr/bin/a", reg(100, "1")}, {"/usr/bin/b", reg(50, "2")}, {"/usr/lib/x/l", reg(1000, "3", "L")},
                           {"/usr/lib/x/l2", reg(1000, "3", "L")}});
  Inventory b = inventory({{"/usr/bin/a", reg(100, "1")}, {"/usr/bin/b", reg(70, "4")}, {"/usr/share/new", reg(5, "5")}});
  const Diff d = diff_inventories(a, b);
  CHECK(d.a_bytes == 1150);
  CHECK(d.b_bytes == 175);
  CHECK(d.removed.size() == 2);
  CHECK(d.removed_bytes == 1000);
  CHECK(d.added_bytes == 5);
  REQUIRE(d.changed.size() == 1);
  CHECK(d.changed[0].path == "/usr/bin/b");
  CHECK(d.changed_bytes == 20);
  CHECK(d.growth() == -975);
  REQUIRE(!d.by_directory.empty());
  CHECK(d.by_directory[0].name == "/usr/lib/x");
  CHECK(d.by_directory[0].net() == -1000);
}

TEST_CASE("diff: the growth limit in bytes or percent") {
  CHECK(parse_growth_limit("1000")->bytes == 1000);
  CHECK(parse_growth_limit("5M")->bytes == 5u << 20);
  CHECK(*parse_growth_limit("10%")->percent == 10.0);
  CHECK_FALSE(parse_growth_limit("ten"));
  CHECK_FALSE(parse_growth_limit("5X"));
  Diff d;
  d.a_bytes = 1000;
  d.b_bytes = 1100;
  CHECK(grew_past(d, {.bytes = 99}));
  CHECK_FALSE(grew_past(d, {.bytes = 100}));
  CHECK(grew_past(d, {.percent = 9.9}));
  CHECK_FALSE(grew_past(d, {.percent = 10}));
}

TEST_CASE("cost: a manifest read back keeps sizes, and a hardlink is another name of its file") {
  const auto m = nlohmann::json::parse(R"({"schema": "raison-manifest/1", "files": [
    {"path": "/usr/bin/perl", "type": "file", "size": 300, "reasons": [{"kind": "seed", "analyzer": "cli", "from": "", "detail": "--seed"}]},
    {"path": "/usr/bin/perl5.36.0", "type": "hardlink", "link_to": "/usr/bin/perl",
     "reasons": [{"kind": "seed", "analyzer": "cli", "from": "", "detail": "--seed"}]},
    {"path": "/usr/lib/libperl.so", "type": "file", "size": 40,
     "reasons": [{"kind": "needed", "analyzer": "elf", "from": "/usr/bin/perl5.36.0", "detail": "DT_NEEDED libperl.so"}]}]})");
  const Graph g = graph_from_manifest(m);
  REQUIRE(g.find("/usr/bin/perl5.36.0"));
  CHECK(g.find("/usr/bin/perl") == g.find("/usr/bin/perl5.36.0"));
  const auto bytes = vertex_bytes(g);
  const CostTree t = dominator_costs(g, bytes);
  CHECK(t.cost[g.source()] == 340);
  CHECK(t.cost[*g.find("/usr/bin/perl")] == 340);
  const Inventory inv = inventory_of_manifest(m, "m");
  CHECK(inv.paths.at("/usr/bin/perl5.36.0").file == "/usr/bin/perl");
  const Diff d = diff_inventories(inv, inventory_of_manifest(m, "m"));
  CHECK(d.a_bytes == 340);
  CHECK(d.a_files == 2);
  CHECK(d.changed.empty());
}

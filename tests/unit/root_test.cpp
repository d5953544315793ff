// Resolution inside a directory root: links are resolved against the root, never the host.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "input/glob.hpp"
#include "raison/error.hpp"
#include "raison/root.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using raison::FileType;

namespace {

struct TempRoot : raison::test::TempDir {
  void file(const std::string& rel, const std::string& text = "x") {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel) << text;
  }
  void link(const std::string& rel, const std::string& target) {
    fs::create_directories((dir / rel).parent_path());
    fs::create_symlink(target, dir / rel);
  }
};

}  // namespace

TEST_CASE("root: an absolute symlink target is resolved inside the root") {
  TempRoot t;
  t.file("usr/lib/libz.so.1.2.13");
  t.link("lib", "usr/lib");
  t.link("usr/lib/libz.so.1", "/usr/lib/libz.so.1.2.13");
  auto root = raison::open_directory_root(t.dir);
  auto r = root->resolve("/lib/libz.so.1");
  CHECK(r.exists);
  CHECK(r.path == "/usr/lib/libz.so.1.2.13");
  CHECK(r.links == std::vector<std::string>{"/lib", "/usr/lib/libz.so.1"});
  CHECK(r.stat.type == FileType::Regular);
}

TEST_CASE("root: .. and absolute links never climb above the root") {
  TempRoot t;
  t.file("etc/passwd", "inside");
  t.link("a/b/escape", "../../../../../../etc/passwd");
  t.link("a/abs", "/../../etc/passwd");
  auto root = raison::open_directory_root(t.dir);
  CHECK(root->resolve("/a/b/escape").path == "/etc/passwd");
  CHECK(root->resolve("/a/abs").path == "/etc/passwd");
  CHECK(root->resolve("/../../../etc/passwd").path == "/etc/passwd");
  CHECK(root->resolve("a/b/../../etc/passwd").path == "/etc/passwd");
}

TEST_CASE("root: a symlink loop ends with an error after 40 links") {
  TempRoot t;
  t.link("loop1", "loop2");
  t.link("loop2", "loop1");
  auto root = raison::open_directory_root(t.dir);
  CHECK_THROWS_AS(root->resolve("/loop1"), raison::Error);
  auto r = root->resolve("/loop1", false);
  CHECK(r.exists);
  CHECK(r.stat.type == FileType::Symlink);
}

TEST_CASE("root: a missing path or a file used as a directory does not exist") {
  TempRoot t;
  t.file("etc/hostname");
  auto root = raison::open_directory_root(t.dir);
  CHECK_FALSE(root->resolve("/etc/missing").exists);
  CHECK_FALSE(root->resolve("/etc/hostname/x").exists);
  CHECK(root->resolve("/").exists);
  CHECK(root->resolve("/").path == "/");
}

TEST_CASE("root: a dangling link is reported where the lookup stopped") {
  TempRoot t;
  t.link("usr/lib/libgone.so.1", "libgone.so.1.0");
  auto root = raison::open_directory_root(t.dir);
  auto r = root->resolve("/usr/lib/libgone.so.1");
  CHECK_FALSE(r.exists);
  CHECK(r.path == "/usr/lib/libgone.so.1.0");
  CHECK(r.links == std::vector<std::string>{"/usr/lib/libgone.so.1"});
}

TEST_CASE("root: hardlinks share one identity") {
  TempRoot t;
  t.file("bin/a");
  fs::create_hard_link(t.dir / "bin/a", t.dir / "bin/b");
  auto root = raison::open_directory_root(t.dir);
  CHECK(root->resolve("/bin/a").stat.id == root->resolve("/bin/b").stat.id);
}

TEST_CASE("root: opening a regular file never follows a final symlink") {
  TempRoot t;
  t.file("etc/real");
  t.link("etc/link", "real");
  auto root = raison::open_directory_root(t.dir);
  int fd = root->open_read("/etc/real");
  CHECK(fd >= 0);
  ::close(fd);
  CHECK_THROWS_AS(root->open_read("/etc/link"), raison::Error);
}

TEST_CASE("root: a glob's tree passes a link back to an ancestor, and walks its target once") {
  TempRoot t;
  t.file("deep/a/b/file");
  t.link("deep/a/b/up", "../../../..");  // above the root: "/" inside it
  t.link("deep/a/top", "/");
  t.link("deep/a/self", ".");
  auto root = raison::open_directory_root(t.dir);
  std::vector<std::string> passed;
  raison::glob_root(*root, "/", [&](const std::string& p) { passed.push_back(p); },
                    [&](const std::string& p, const std::string& e) { FAIL(p << ": " << e); });
  std::sort(passed.begin(), passed.end());
  // Every path once; the links themselves too, and nothing under them twice.
  CHECK(std::adjacent_find(passed.begin(), passed.end()) == passed.end());
  for (const char* p : {"/", "/deep/a/b/file", "/deep/a/b/up", "/deep/a/top", "/deep/a/self"})
    CHECK_MESSAGE(std::find(passed.begin(), passed.end(), p) != passed.end(), p);
  CHECK(passed.size() < 20);
}

TEST_CASE("root: a glob or rule naming '..' never leaves the root ('..' at the top is the top)") {
  TempRoot t;
  t.file("root/etc/passwd");
  t.file("outside/secret");  // beside the root: what "/../*" would name on the host
  auto root = raison::open_directory_root(t.dir / "root");
  auto glob = [&](const std::string& pattern) {
    std::vector<std::string> passed;
    raison::glob_root(*root, pattern, [&](const std::string& p) { passed.push_back(p); },
                      [&](const std::string& p, const std::string& e) { FAIL(p << ": " << e); });
    return passed;
  };
  for (std::string pattern : {"/../*", "/../../*", "/etc/../../*", "/etc/../*"}) {  // all "/*"
    INFO(pattern);
    std::vector<std::string> passed = glob(pattern);
    CHECK(std::find(passed.begin(), passed.end(), "/etc") != passed.end());
    for (const auto& p : passed) CHECK(p.find("..") == std::string::npos);
    for (const auto& p : passed) CHECK(p.find("outside") == std::string::npos);
  }
  CHECK(glob("../outside/*").empty());  // "/outside/*": the root has none
  CHECK(glob("/../../outside/secret").empty());
  CHECK(raison::glob_match("/../etc/*", "/etc/passwd"));
  CHECK_FALSE(raison::glob_match("/etc/../..", "/etc"));
}

// Package databases: deb822 paragraphs, purls as purl-spec spells them, Python distributions' RECORD
// and installed-files.txt resolved against their directories, and a malformed apk line as one Error
// naming the file and the line.
#include <doctest/doctest.h>

#include "packages/control.hpp"
#include "raison/error.hpp"
#include "raison/packages.hpp"
#include "test_util.hpp"

using namespace raison;
using raison::test::spit;
using raison::test::TempDir;

TEST_CASE("deb822 paragraphs: fields, continuation lines, blank-line separators") {
  const auto ps = packages::split_paragraphs("Package: a\nVersion: 1\nDescription: x\n more\n .\n\n\nPackage: b\nstatus: install ok installed\n");
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].field("Package") == "a");
  CHECK(ps[0].field("description") == "x\nmore\n.");
  CHECK(ps[1].line == 8);
  CHECK(ps[1].field("Status") == "install ok installed");
  CHECK_FALSE(ps[1].field("Version").has_value());
}

TEST_CASE("purls: versions percent-encoded (epoch, +, ~), pypi names normalised") {
  CHECK(Package{"deb", "libssl3", "1:3.0.11+b1~deb12u2", "amd64", "", "debian"}.purl() ==
        "pkg:deb/debian/libssl3@1%3A3.0.11%2Bb1~deb12u2?arch=amd64");
  CHECK(Package{"apk", "musl", "1.2.4-r2", "x86_64", "", "alpine"}.purl() == "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64");
  CHECK(Package{"pypi", "Typing_Extensions", "4.4.0", "", "", ""}.purl() == "pkg:pypi/typing-extensions@4.4.0");
}

TEST_CASE("Python distributions own what RECORD and installed-files.txt list, resolved inside the root") {
  TempDir t;
  const auto site = t.dir / "usr/lib/python3/dist-packages";
  spit(site / "flask/__init__.py", "");
  spit(t.dir / "usr/bin/flask", "#!/usr/bin/python3\n");
  spit(site / "Flask-2.2.2.dist-info/METADATA", "Metadata-Version: 2.1\nName: Flask\nVersion: 2.2.2\n\nbody\n");
  spit(site / "Flask-2.2.2.dist-info/RECORD",
       "flask/__init__.py,sha256=x,1\n\"../../../bin/flask\",,\nFlask-2.2.2.dist-info/RECORD,,\n");
  spit(site / "six.py", "");
  spit(site / "six-1.16.0.egg-info/PKG-INFO", "Name: six\nVersion: 1.16.0\n");
  spit(site / "six-1.16.0.egg-info/installed-files.txt", "../six.py\n");
  const auto root = open_directory_root(t.dir.string());
  const PackageIndex index = read_packages(*root);
  auto owner = [&](const char* path) {
    std::vector<std::string> out;
    for (const auto& o : index.owners(root->resolve(path).stat.id))
      out.push_back(index.packages()[o.package].name + " " + index.packages()[o.package].version);
    return out;
  };
  CHECK(owner("/usr/lib/python3/dist-packages/flask/__init__.py") == std::vector<std::string>{"Flask 2.2.2"});
  CHECK(owner("/usr/bin/flask") == std::vector<std::string>{"Flask 2.2.2"});
  CHECK(owner("/usr/lib/python3/dist-packages/six.py") == std::vector<std::string>{"six 1.16.0"});
  CHECK(owner("/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO") == std::vector<std::string>{"six 1.16.0"});
  CHECK(owner("/usr/lib/python3/dist-packages/Flask-2.2.2.dist-info/METADATA") == std::vector<std::string>{"Flask 2.2.2"});
  // RECORD names itself, and the metadata directory's files count once.
  for (std::size_t i = 0; i < index.packages().size(); ++i)
    if (index.packages()[i].name == "Flask") {
      std::vector<std::string> listed;
      for (const auto& l : index.listed(i)) listed.push_back(l.listed);
      CHECK(listed == std::vector<std::string>{"/usr/lib/python3/dist-packages/flask/__init__.py", "/usr/bin/flask",
                                               "/usr/lib/python3/dist-packages/Flask-2.2.2.dist-info/RECORD",
                                               "/usr/lib/python3/dist-packages/Flask-2.2.2.dist-info/METADATA"});
    }
}

TEST_CASE("a malformed apk database is one Error naming the file and the line") {
  TempDir t;
  spit(t.dir / "lib/apk/db/installed", "P:musl\nV:1\n\nP:x\nnot a field\n");
  const auto root = open_directory_root(t.dir.string());
  try {
    (void)read_packages(*root);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "/lib/apk/db/installed: line 5: not a \"K:value\" line");
  }
}

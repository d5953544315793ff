// Image output on a real small root: every format twice (once from another process) must give the same
// bytes; the layer read back with libarchive keeps order, owners, modes, links and capabilities; umoci
// and skopeo must accept what is written; a failed write leaves nothing behind.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <locale.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "emit/image_writer.hpp"
#include "raison/analysis.hpp"
#include "raison/error.hpp"
#include "test_util.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kLong = "usr/share/" + std::string(120, 'n');  // needs a pax path record

using Temp = raison::test::TempDir;
using raison::test::slurp;

void put(const fs::path& p, const std::string& text, mode_t mode) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  REQUIRE(::chmod(p.c_str(), mode) == 0);
}

// The fixture root: a setuid program, a symlink, a hardlink pair, a 0700 directory, a long name, a
// file nobody asks for; as root also a file owned by 1234:5678 and one with a capability (which only
// root can set: the cases checking them are skipped for other users).
struct Fixture {
  Temp t;
  fs::path root_dir;
  std::string cap;  // the security.capability value set on usr/bin/ping, empty unless root
  std::unique_ptr<raison::Root> root;
  raison::Analysis analysis;

  Fixture() {
    root_dir = t.dir / "root";
    put(root_dir / "etc/app.conf", "config\n", 0644);
    put(root_dir / "usr/bin/tool", std::string(70000, 't'), 04755);
    put(root_dir / "usr/bin/ping", "ping", 0755);
    put(root_dir / "usr/lib/data.bin", "shared data", 0644);
    fs::create_hard_link(root_dir / "usr/lib/data.bin", root_dir / "usr/lib/data-link.bin");
    fs::create_symlink("tool", root_dir / "usr/bin/tool-link");
    put(root_dir / "private/secret", "s", 0600);
    REQUIRE(::chmod((root_dir / "private").c_str(), 0700) == 0);
    put(root_dir / "etc/owned", "o", 0640);
    put(root_dir / kLong, "long", 0644);
    put(root_dir / "usr/lib/unused", "not kept", 0644);
    if (::geteuid() == 0) {
      REQUIRE(::chown((root_dir / "etc/owned").c_str(), 1234, 5678) == 0);
      const std::string ping = (root_dir / "usr/bin/ping").string();
      raison::test::require_tool("/usr/sbin/setcap", "libcap2-bin");
      raison::test::output_of("/usr/sbin/setcap cap_net_raw+ep " + ping + " 2>&1");
      char buf[64];
      ssize_t n = ::getxattr(ping.c_str(), "security.capability", buf, sizeof buf);
      REQUIRE(n > 0);
      cap.assign(buf, size_t(n));
    }
    root = raison::open_directory_root(root_dir);
    raison::Options o;
    o.seeds = {"/etc/app.conf", "/usr/bin/tool-link", "/usr/bin/ping", "/usr/lib/data.bin",
               "/usr/lib/data-link.bin", "/private/secret", "/etc/owned", "/" + kLong};
    o.analyzers = {"elf"};
    analysis = raison::analyze(*root, o);
  }

  void write(const std::string& spec, const json* config = nullptr, bool replace = false) const {
    raison::write_image(*root, analysis, spec, config, "amd64", "linux", replace);
  }
  // The same write from a child process, so a pid or a clock reaching the output would show.
  void write_in_child(const std::string& spec, bool next_second = false) const {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      if (next_second) ::usleep(1100 * 1000);  // another second on the clock too
      try {
        write(spec);
        ::_exit(0);
      } catch (...) {
        ::_exit(1);
      }
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
  }
};

struct Entry {
  std::string name, hardlink, symlink, capability, data;
  unsigned type = 0, perm = 0;
  long uid = 0, gid = 0;
  bool has_uname = false;
  long long mtime = 0;
};

// Reads every entry of a (possibly compressed) tar, or of a tar held in memory.
std::vector<Entry> read_tar(const std::string& file, const std::string* bytes = nullptr) {
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  archive_read_support_filter_all(a);
  int r = bytes ? archive_read_open_memory(a, bytes->data(), bytes->size()) : archive_read_open_filename(a, file.c_str(), 1 << 16);
  REQUIRE(r == ARCHIVE_OK);
  std::vector<Entry> out;
  archive_entry* e;
  // ARCHIVE_WARN: a name not in the reader's charset, returned as its bytes.
  while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    Entry x;
    x.name = archive_entry_pathname(e);
    x.type = archive_entry_filetype(e);
    x.perm = archive_entry_perm(e);
    x.uid = long(archive_entry_uid(e));
    x.gid = long(archive_entry_gid(e));
    const char* un = archive_entry_uname(e);
    const char* gn = archive_entry_gname(e);
    x.has_uname = (un && *un) || (gn && *gn);
    x.mtime = archive_entry_mtime(e);
    if (archive_entry_hardlink(e)) x.hardlink = archive_entry_hardlink(e);
    if (archive_entry_symlink(e)) x.symlink = archive_entry_symlink(e);
    archive_entry_xattr_reset(e);
    const char* xn;
    const void* xv;
    size_t xs;
    while (archive_entry_xattr_next(e, &xn, &xv, &xs) == ARCHIVE_OK)
      if (std::string(xn) == "security.capability") x.capability.assign(static_cast<const char*>(xv), xs);
    char buf[8192];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) x.data.append(buf, size_t(n));
    out.push_back(std::move(x));
  }
  CHECK(r == ARCHIVE_EOF);
  archive_read_free(a);
  return out;
}

// The decompressed bytes of a gzip or zstd file.
std::string decompress(const std::string& file) {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_raw(a);
  REQUIRE(archive_read_open_filename(a, file.c_str(), 1 << 16) == ARCHIVE_OK);
  archive_entry* e;
  REQUIRE(archive_read_next_header(a, &e) == ARCHIVE_OK);
  std::string out;
  char buf[65536];
  la_ssize_t n;
  while ((n = archive_read_data(a, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  archive_read_free(a);
  return out;
}

// Walks the raw 512-byte headers (pax 'x' headers included, which libarchive hides) and checks the
// fields that would carry host or time data.
void check_raw_headers(const std::string& tar, long long mtime, size_t min_headers) {
  auto octal = [&](size_t off, size_t len) {
    return std::strtoll(std::string(tar.data() + off, strnlen(tar.data() + off, len)).c_str(), nullptr, 8);
  };
  size_t pos = 0, headers = 0;
  while (pos + 512 <= tar.size() && tar.compare(pos, 512, std::string(512, '\0')) != 0) {
    const std::string name(tar.data() + pos, strnlen(tar.data() + pos, 100));
    const char type = tar[pos + 156];
    CAPTURE(name);
    CHECK(octal(pos + 136, 12) == mtime);
    CHECK(tar[pos + 265] == '\0');  // uname
    CHECK(tar[pos + 297] == '\0');  // gname
    CHECK(type != 'g');             // no global header
    if (type == 'x') CHECK(name.find("PaxHeader/") != std::string::npos);
    pos += 512 + (size_t(octal(pos + 124, 12)) + 511) / 512 * 512;
    ++headers;
  }
  CHECK(headers >= min_headers);
  // Two zero blocks end the archive, and nothing follows them.
  CHECK(tar.size() == pos + 1024);
}

const std::string kUmoci = "/usr/bin/umoci", kSkopeo = "/usr/bin/skopeo";

std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    out[fs::relative(e.path(), dir).string()] = e.is_regular_file() ? slurp(e.path()) : "<dir>";
  return out;
}

}  // namespace

TEST_CASE("image output: the layer is byte-identical across runs and keeps order, modes and links") {
  Fixture f;
  const std::string a = (f.t.dir / "a.tar").string(), b = (f.t.dir / "b.tar").string();
  f.write(a);
  f.write_in_child(b, true);
  const std::string bytes = slurp(a);
  CHECK(bytes == slurp(b));
  check_raw_headers(bytes, 0, 15);

  auto entries = read_tar(a);
  std::vector<std::string> names;
  std::map<std::string, Entry> by;
  for (const auto& e : entries) {
    names.push_back(e.name);
    by[e.name] = e;
    CHECK_FALSE(e.has_uname);
    CHECK(e.mtime == 0);
  }
  const std::vector<std::string> expected = {
      "etc/", "etc/app.conf", "etc/owned", "private/", "private/secret", "usr/", "usr/bin/", "usr/bin/ping",
      "usr/bin/tool", "usr/bin/tool-link", "usr/lib/", "usr/lib/data-link.bin", "usr/lib/data.bin", "usr/share/",
      kLong};
  CHECK(names == expected);
  CHECK(by["usr/bin/tool"].perm == 04755);
  CHECK(by["usr/bin/tool"].data == std::string(70000, 't'));
  CHECK(by["private/"].type == AE_IFDIR);
  CHECK(by["private/"].perm == 0700);
  CHECK(by["private/secret"].perm == 0600);
  CHECK(by["usr/bin/tool-link"].type == AE_IFLNK);
  CHECK(by["usr/bin/tool-link"].symlink == "tool");
  // data-link.bin sorts first, so it is the file and data.bin the hardlink to it.
  CHECK(by["usr/lib/data-link.bin"].data == "shared data");
  CHECK(by["usr/lib/data.bin"].hardlink == "usr/lib/data-link.bin");
  CHECK(by[kLong].data == "long");
}

// Only root can give a file another owner or a capability.
TEST_CASE("image output: the layer keeps owners and capabilities" * doctest::skip(::geteuid() != 0)) {
  Fixture f;
  const std::string a = (f.t.dir / "a.tar").string();
  f.write(a);
  std::map<std::string, Entry> by;
  for (const auto& e : read_tar(a)) by[e.name] = e;
  CHECK(by["etc/owned"].uid == 1234);
  CHECK(by["etc/owned"].gid == 5678);
  CHECK(by["etc/app.conf"].uid == 0);
  REQUIRE_FALSE(f.cap.empty());
  CHECK(by["usr/bin/ping"].capability == f.cap);
  CHECK(by["usr/bin/tool"].capability.empty());
}

TEST_CASE("image output: names are written the same whatever the caller's locale") {
  Temp t;
  const std::string utf8 = "caf\xc3\xa9", latin1 = "caf\xe9";
  put(t.dir / "r/etc" / utf8, "u", 0644);
  put(t.dir / "r/etc" / latin1, "l", 0644);
  auto root = raison::open_directory_root((t.dir / "r").string());
  raison::Options o;
  o.seeds = {"/etc/" + utf8, "/etc/" + latin1};
  o.analyzers = {"elf"};
  auto analysis = raison::analyze(*root, o);
  std::vector<std::string> outputs;
  for (const char* name : {"C", "C.UTF-8"}) {
    locale_t loc = ::newlocale(LC_ALL_MASK, name, locale_t(nullptr));
    REQUIRE(loc != locale_t(nullptr));
    locale_t old = ::uselocale(loc);
    const fs::path out = t.dir / (std::string(name) + ".tar");
    raison::write_image(*root, analysis, out.string(), nullptr, "amd64", "linux", false);
    ::uselocale(old);
    ::freelocale(loc);
    outputs.push_back(slurp(out));
  }
  CHECK(outputs[0] == outputs[1]);
  // Read back under C.UTF-8 so the UTF-8 name is not converted to another charset.
  locale_t loc = ::newlocale(LC_ALL_MASK, "C.UTF-8", locale_t(nullptr));
  locale_t old = ::uselocale(loc);
  std::map<std::string, std::string> files;
  for (const auto& e : read_tar("", &outputs[0])) files[e.name] = e.data;
  ::uselocale(old);
  ::freelocale(loc);
  CHECK(files["etc/" + utf8] == "u");
  CHECK(files["etc/" + latin1] == "l");
}

TEST_CASE("image output: SOURCE_DATE_EPOCH sets every mtime; a malformed one is an error") {
  Fixture f;
  ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  f.write((f.t.dir / "e.tar").string());
  ::setenv("SOURCE_DATE_EPOCH", "17e8", 1);
  CHECK_THROWS_AS(f.write((f.t.dir / "bad.tar").string()), raison::Error);
  ::unsetenv("SOURCE_DATE_EPOCH");
  check_raw_headers(slurp(f.t.dir / "e.tar"), 1700000000, 15);
  CHECK_FALSE(fs::exists(f.t.dir / "bad.tar"));
}

TEST_CASE("image output: .tar.gz and .tar.zst are reproducible and hold exactly the .tar") {
  Fixture f;
  f.write((f.t.dir / "l.tar").string());
  const std::string tar = slurp(f.t.dir / "l.tar");
  for (const std::string ext : {".tar.gz", ".tar.zst"}) {
    CAPTURE(ext);
    const fs::path a = f.t.dir / ("a" + ext), b = f.t.dir / ("b" + ext);
    f.write(a.string());
    f.write_in_child(b.string());
    const std::string bytes = slurp(a);
    CHECK(bytes == slurp(b));
    CHECK(decompress(a.string()) == tar);
    if (ext == ".tar.gz") {
      REQUIRE(bytes.size() > 10);
      CHECK(bytes.compare(0, 3, "\x1f\x8b\x08") == 0);
      CHECK(bytes[3] == 0);                          // FLG: no file name, no comment
      CHECK(bytes.compare(4, 4, std::string(4, '\0')) == 0);  // MTIME: none
    } else {
      CHECK(bytes.compare(0, 4, "\x28\xb5\x2f\xfd") == 0);
    }
  }
}

TEST_CASE("image output: an OCI layout is reproducible, content-addressed, and umoci and skopeo take it") {
  Fixture f;
  const fs::path a = f.t.dir / "oci-a", b = f.t.dir / "oci-b";
  f.write("oci:" + a.string() + ":v1");
  f.write_in_child("oci:" + b.string() + ":v1");
  CHECK(tree(a) == tree(b));

  json index = json::parse(slurp(a / "index.json"));
  REQUIRE(index["manifests"].size() == 1);
  CHECK(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "v1");
  CHECK(json::parse(slurp(a / "oci-layout"))["imageLayoutVersion"] == "1.0.0");
  for (const auto& e : fs::directory_iterator(a / "blobs/sha256"))
    CHECK(raison::sha256_hex(slurp(e.path())) == e.path().filename().string());
  const std::string mdigest = index["manifests"][0]["digest"];
  json manifest = json::parse(slurp(a / "blobs/sha256" / mdigest.substr(7)));
  CHECK(manifest["layers"][0]["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip");
  const std::string cdigest = manifest["config"]["digest"], ldigest = manifest["layers"][0]["digest"];
  json config = json::parse(slurp(a / "blobs/sha256" / cdigest.substr(7)));
  CHECK(config["rootfs"]["diff_ids"][0] ==
        "sha256:" + raison::sha256_hex(decompress((a / "blobs/sha256" / ldigest.substr(7)).string())));
  CHECK(config["architecture"] == "amd64");
  CHECK(config["created"] == "1970-01-01T00:00:00Z");

  raison::test::require_tool(kUmoci, "umoci");
  const fs::path bundle = f.t.dir / "bundle";
  raison::test::output_of(kUmoci + " unpack --rootless --image " + a.string() + ":v1 " + bundle.string() + " 2>&1");
  const fs::path rootfs = bundle / "rootfs";
  CHECK(slurp(rootfs / "etc/app.conf") == "config\n");
  CHECK(fs::is_symlink(rootfs / "usr/bin/tool-link"));
  CHECK(fs::equivalent(rootfs / "usr/lib/data.bin", rootfs / "usr/lib/data-link.bin"));
  CHECK_FALSE(fs::exists(rootfs / "usr/lib/unused"));

  raison::test::require_tool(kSkopeo, "skopeo");
  std::string out = raison::test::output_of(kSkopeo + " --insecure-policy inspect oci:" + a.string() + ":v1");
  CHECK(json::parse(out)["Architecture"] == "amd64");
  raison::test::output_of(kSkopeo + " --insecure-policy copy -q oci:" + a.string() + ":v1 docker-archive:" +
                          (f.t.dir / "via-skopeo.tar").string() + " 2>&1");
}

TEST_CASE("image output: a docker-archive is reproducible, names its config by sha256, and skopeo reads it") {
  Fixture f;
  const json source = {
      {"architecture", "amd64"},
      {"os", "linux"},
      {"config", {{"Entrypoint", {"/usr/bin/tool"}}, {"Env", {"PATH=/usr/bin"}}, {"WorkingDir", "/etc"},
                  {"Labels", {{"a", "b"}}}, {"Healthcheck", {{"Test", {"CMD", "x"}}}}}},
      {"history", {{{"created_by", "old step"}}}},
      {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:00"}}}},
      {"container_config", {{"Hostname", "builder"}}}};
  const fs::path a = f.t.dir / "a.tar", b = f.t.dir / "b.tar";
  f.write("docker-archive:" + a.string() + ":example.com:5000/app:v2", &source);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    try {
      f.write("docker-archive:" + b.string() + ":example.com:5000/app:v2", &source);
      ::_exit(0);
    } catch (...) {
      ::_exit(1);
    }
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(status == 0);
  const std::string bytes = slurp(a);
  CHECK(bytes == slurp(b));
  check_raw_headers(bytes, 0, 3);

  std::map<std::string, std::string> files;
  for (const auto& e : read_tar(a.string())) files[e.name] = e.data;
  REQUIRE(files.count("manifest.json"));
  json manifest = json::parse(files["manifest.json"]);
  REQUIRE(manifest.size() == 1);
  CHECK(manifest[0]["RepoTags"] == json::array({"example.com:5000/app:v2"}));
  const std::string config_name = manifest[0]["Config"], layer_name = manifest[0]["Layers"][0];
  REQUIRE(files.count(config_name));
  REQUIRE(files.count(layer_name));
  CHECK(config_name == raison::sha256_hex(files[config_name]) + ".json");
  CHECK(layer_name == raison::sha256_hex(files[layer_name]) + ".tar");
  json config = json::parse(files[config_name]);
  CHECK(config["rootfs"]["diff_ids"] == json::array({"sha256:" + raison::sha256_hex(files[layer_name])}));
  CHECK(config["config"]["Entrypoint"] == json::array({"/usr/bin/tool"}));
  CHECK(config["config"]["WorkingDir"] == "/etc");
  CHECK(config["config"]["Labels"]["a"] == "b");
  CHECK_FALSE(config["config"].contains("Healthcheck"));
  CHECK_FALSE(config.contains("container_config"));
  REQUIRE(config["history"].size() == 1);
  CHECK(config["history"][0]["created_by"] == "raison shrink");
  CHECK(read_tar("", &files[layer_name]).size() == 15);

  raison::test::require_tool(kSkopeo, "skopeo");
  json inspected = json::parse(raison::test::output_of(kSkopeo + " --insecure-policy inspect docker-archive:" + a.string()));
  CHECK(inspected["Architecture"] == "amd64");
  raison::test::output_of(kSkopeo + " --insecure-policy copy -q docker-archive:" + a.string() + " oci:" +
                          (f.t.dir / "back").string() + ":t 2>&1");
}

TEST_CASE("image output: the config keeps the source's platform and rejects mistyped fields") {
  const json source = {{"architecture", "arm64"}, {"variant", "v8"}, {"os", "linux"}, {"config", {{"Cmd", {"sh"}}}}};
  json c = raison::make_image_config(&source, "amd64", "linux", "sha256:ab", 86400);
  CHECK(c["architecture"] == "arm64");
  CHECK(c["variant"] == "v8");
  CHECK(c["created"] == "1970-01-02T00:00:00Z");
  CHECK(c["config"]["Cmd"] == json::array({"sh"}));
  json minimal = raison::make_image_config(nullptr, "riscv64", "linux", "sha256:ab", 0);
  CHECK(minimal["architecture"] == "riscv64");
  CHECK(minimal["config"] == json::object());
  const json bad_env = {{"config", {{"Env", "PATH=/bin"}}}};
  CHECK_THROWS_AS(raison::make_image_config(&bad_env, "amd64", "linux", "sha256:ab", 0), raison::Error);
  const json bad_label = {{"config", {{"Labels", {{"x", 1}}}}}};
  CHECK_THROWS_AS(raison::make_image_config(&bad_label, "amd64", "linux", "sha256:ab", 0), raison::Error);
}

TEST_CASE("image output: a failed or refused write leaves nothing behind") {
  Fixture f;
  const fs::path out = f.t.dir / "out";
  fs::create_directory(out);
  const std::vector<std::string> specs = {"oci:" + (out / "o").string(), "docker-archive:" + (out / "d.tar").string(),
                                          (out / "l.tar").string(), (out / "l.tar.gz").string(),
                                          (out / "l.tar.zst").string()};
  // The destination's parent does not exist.
  for (const auto& s : specs) {
    CAPTURE(s);
    std::string missing = s;
    missing.replace(missing.find("/out/"), 5, "/none/");
    CHECK_THROWS_AS(f.write(missing), raison::Error);
  }
  CHECK_FALSE(fs::exists(f.t.dir / "none"));
  // A kept file vanished between analysis and writing.
  fs::remove(f.root_dir / kLong);
  for (const auto& s : specs) {
    CAPTURE(s);
    CHECK_THROWS_AS(f.write(s), raison::Error);
  }
  CHECK(fs::is_empty(out));
  put(f.root_dir / kLong, "long", 0644);
  // A full disk: every compression reports the write error.
  for (auto c : {raison::Compression::None, raison::Compression::Gzip, raison::Compression::Zstd}) {
    int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    REQUIRE(full >= 0);
    CHECK_THROWS_WITH_AS(raison::write_layer(*f.root, f.analysis, c, full, 0), doctest::Contains("No space left"),
                         raison::Error);
    ::close(full);
  }
  // An existing destination is refused, then replaced with replace=true.
  const std::string spec = (out / "l.tar").string();
  put(out / "l.tar", "old", 0644);
  CHECK_THROWS_AS(f.write(spec), raison::Error);
  CHECK(slurp(out / "l.tar") == "old");
  f.write(spec, nullptr, true);
  CHECK(slurp(out / "l.tar") != "old");
  fs::create_directory(out / "o");
  CHECK_THROWS_AS(f.write("oci:" + (out / "o").string()), raison::Error);
  f.write("oci:" + (out / "o").string(), nullptr, true);
  CHECK(fs::exists(out / "o/index.json"));
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(out)) left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  CHECK(left == std::vector<std::string>{"l.tar", "o"});
}

TEST_CASE("image output: specs are recognised and bad references refused") {
  CHECK(raison::is_image_spec("oci:/x"));
  CHECK(raison::is_image_spec("docker-archive:/x.tar:a/b:c"));
  CHECK(raison::is_image_spec("out.tar.zst"));
  CHECK(raison::is_image_spec("out.tgz"));
  CHECK_FALSE(raison::is_image_spec("out"));
  CHECK_FALSE(raison::is_image_spec("out.tar.xz"));
  Fixture f;
  const std::string d = f.t.dir.string();
  CHECK_THROWS_AS(f.write("docker-archive:" + d + "/x.tar:Upper/case:t"), raison::Error);
  CHECK_THROWS_AS(f.write("docker-archive:" + d + "/x.tar:app@sha256:00"), raison::Error);
  CHECK_THROWS_AS(f.write("oci:" + d + "/o:bad tag"), raison::Error);
  CHECK_THROWS_AS(f.write("oci::t"), raison::Error);
  CHECK(fs::directory_iterator(f.t.dir / "root") != fs::directory_iterator());
  CHECK_FALSE(fs::exists(f.t.dir / "x.tar"));
  CHECK_FALSE(fs::exists(f.t.dir / "o"));
}

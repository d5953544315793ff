// Images as roots: tarballs, OCI layouts and docker-archives the tests write with libarchive are
// unpacked and read back; every hostile archive must fail with one line naming the entry and the cause,
// leave nothing in the temp dir, and never touch the sentinel directory beside the staging area.
#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "input/image.hpp"
#include "raison/error.hpp"
#include "test_util.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using raison::test::spit;

namespace {

// A temp dir with the staging area (tmp/) and a sentinel directory beside it that nothing may reach.
struct Temp : raison::test::TempDir {
  Temp() {
    fs::create_directories(dir / "tmp");
    fs::create_directories(dir / "sentinel");
  }
  raison::ImageOpenOptions options() const {
    raison::ImageOpenOptions o;
    o.temp_dir = (dir / "tmp").string();
    return o;
  }
  // Nothing escaped and nothing was left behind.
  void check_clean() const {
    CHECK(fs::is_empty(dir / "sentinel"));
    CHECK(fs::is_empty(dir / "tmp"));
  }
};

struct E {
  E(std::string n, char t = 'f', std::string d = "", unsigned m = 0644, long u = 0, long g = 0, std::string c = "")
      : name(std::move(n)), type(t), data(std::move(d)), mode(m), uid(u), gid(g), cap(std::move(c)) {}
  std::string name;
  char type = 'f';  // f file, d dir, l symlink, h hardlink, c char device, p fifo
  std::string data;  // contents, or link target
  unsigned mode = 0644;
  long uid = 0, gid = 0;
  std::string cap;  // security.capability
  std::vector<std::pair<std::string, std::string>> xattrs = {};  // more xattrs, as given
};

la_ssize_t append(archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

std::string make_tar(const std::vector<E>& entries) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_in_last_block(a, 1);
  REQUIRE(archive_write_open(a, &out, nullptr, append, nullptr) == ARCHIVE_OK);
  for (const auto& x : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, x.name.c_str());
    archive_entry_set_uid(e, x.uid);
    archive_entry_set_gid(e, x.gid);
    archive_entry_set_mtime(e, 1700000000, 0);
    archive_entry_set_perm(e, x.mode);
    if (!x.cap.empty()) archive_entry_xattr_add_entry(e, "security.capability", x.cap.data(), x.cap.size());
    for (const auto& [n, v] : x.xattrs) archive_entry_xattr_add_entry(e, n.c_str(), v.data(), v.size());
    switch (x.type) {
      case 'f':
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(x.data.size()));
        break;
      case 'd': archive_entry_set_filetype(e, AE_IFDIR); break;
      case 'l':
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, x.data.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, x.data.c_str());
        break;
      case 'c':
        archive_entry_set_filetype(e, AE_IFCHR);
        archive_entry_set_rdev(e, makedev(1, 3));
        break;
      case 'p': archive_entry_set_filetype(e, AE_IFIFO); break;
    }
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    if (x.type == 'f' && !x.data.empty()) archive_write_data(a, x.data.data(), x.data.size());
    archive_entry_free(e);
  }
  REQUIRE(archive_write_close(a) == ARCHIVE_OK);
  archive_write_free(a);
  return out;
}

// `data` through a libarchive compressor (raw format: no container around it).
std::string compress(const std::string& data, int filter) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  REQUIRE(archive_write_add_filter(a, filter) == ARCHIVE_OK);
  archive_write_set_bytes_in_last_block(a, 1);
  REQUIRE(archive_write_open(a, &out, nullptr, append, nullptr) == ARCHIVE_OK);
  archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_pathname(e, "data");
  archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
  REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(e);
  REQUIRE(archive_write_close(a) == ARCHIVE_OK);
  archive_write_free(a);
  return out;
}

std::string slurp_fd(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return s;
}

std::string content(const raison::Root& r, const std::string& path) {
  return slurp_fd(r.open_read(r.resolve(path).path));
}

struct Layer {
  std::string stored, diff_id, media;
};

Layer layer(const std::vector<E>& entries, int filter = ARCHIVE_FILTER_NONE) {
  std::string tar = make_tar(entries);
  Layer l{tar, "sha256:" + raison::sha256_hex(tar), "application/vnd.oci.image.layer.v1.tar"};
  if (filter == ARCHIVE_FILTER_GZIP) {
    l.stored = compress(tar, filter);
    l.media += "+gzip";
  } else if (filter == ARCHIVE_FILTER_ZSTD) {
    l.stored = compress(tar, filter);
    l.media += "+zstd";
  }
  return l;
}

json put_blob(const fs::path& layout, const std::string& bytes, const std::string& media) {
  std::string hex = raison::sha256_hex(bytes);
  spit(layout / "blobs/sha256" / hex, bytes);
  return {{"mediaType", media}, {"digest", "sha256:" + hex}, {"size", bytes.size()}};
}

json config_for(const std::vector<Layer>& layers, const std::string& arch = "amd64") {
  json c = {{"architecture", arch},
            {"os", "linux"},
            {"config",
             {{"Env", {"PATH=/usr/bin", "LANG=C.UTF-8"}},
              {"Entrypoint", {"/usr/bin/app"}},
              {"Cmd", {"--serve"}},
              {"WorkingDir", "/srv"},
              {"User", "1000:1000"}}},
            {"rootfs", {{"type", "layers"}, {"diff_ids", json::array()}}}};
  for (const auto& l : layers) c["rootfs"]["diff_ids"].push_back(l.diff_id);
  return c;
}

// Writes config, layers and manifest blobs; returns the manifest's descriptor.
json put_image(const fs::path& layout, const std::vector<Layer>& layers, const std::string& arch = "amd64") {
  json m = {{"schemaVersion", 2},
            {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"config", put_blob(layout, config_for(layers, arch).dump(), "application/vnd.oci.image.config.v1+json")},
            {"layers", json::array()}};
  for (const auto& l : layers) m["layers"].push_back(put_blob(layout, l.stored, l.media));
  return put_blob(layout, m.dump(), "application/vnd.oci.image.manifest.v1+json");
}

json tagged(json desc, const std::string& tag) {
  desc["annotations"] = {{"org.opencontainers.image.ref.name", tag}};
  return desc;
}

void put_index(const fs::path& layout, const json& manifests) {
  spit(layout / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  spit(layout / "index.json", json({{"schemaVersion", 2}, {"manifests", manifests}}).dump());
}

// A docker save: <id>/layer.tar per layer, <config hex>.json, manifest.json.
void put_docker_archive(const fs::path& file, const std::vector<Layer>& layers, const json& layer_names = nullptr) {
  std::string config = config_for(layers).dump();
  std::string config_name = raison::sha256_hex(config) + ".json";
  json manifest = json::array({{{"Config", config_name}, {"RepoTags", {"app:1"}}, {"Layers", json::array()}}});
  std::vector<E> members;
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string id = raison::sha256_hex(std::to_string(i)) + "/layer.tar";
    manifest[0]["Layers"].push_back(id);
    members.push_back({id, 'f', layers[i].stored});
  }
  if (!layer_names.is_null()) manifest[0]["Layers"] = layer_names;
  members.push_back({config_name, 'f', config});
  members.push_back({"manifest.json", 'f', manifest.dump()});
  spit(file, make_tar(members));
}

std::string error_of(const std::string& spec, const raison::ImageOpenOptions& o) {
  try {
    raison::open_root(spec, o);
  } catch (const raison::Error& e) {
    std::string m = e.what();
    CHECK(m.find('\n') == std::string::npos);
    return m;
  }
  FAIL("open_root(" << spec << ") did not fail");
  return {};
}

const raison::ImageRoot& image(const std::unique_ptr<raison::Root>& r) {
  const raison::ImageRoot* i = raison::as_image(*r);
  REQUIRE(i);
  return *i;
}

const std::string kCap("\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);

}  // namespace

TEST_CASE("image input: a plain rootfs tarball is one layer, with modes, owners, links and capabilities") {
  Temp t;
  spit(t.dir / "rootfs.tar", make_tar({{"./", 'd', "", 0755},
                                      {"./usr/", 'd', "", 0755},
                                      {"./usr/bin/", 'd', "", 0755},
                                      {"./usr/bin/app", 'f', "#!/bin/sh\n", 04755, 1234, 5678},
                                      {"./usr/bin/ping", 'f', "ping", 0755, 0, 0, kCap},
                                      {"./usr/bin/app-link", 'l', "app"},
                                      {"./usr/bin/app-hard", 'h', "usr/bin/app"},
                                      {"./private/", 'd', "", 0700}}));
  std::string staging;
  {
    auto root = raison::open_root((t.dir / "rootfs.tar").string(), t.options());
    const auto& img = image(root);
    staging = img.staging_dir();
    CHECK(fs::path(staging).parent_path() == t.dir / "tmp");
    auto app = root->lstat("/usr/bin/app");
    REQUIRE(app);
    CHECK((app->mode & 07777) == 04755);
    CHECK(app->uid == 1234);
    CHECK(app->gid == 5678);
    CHECK(app->mtime == 1700000000);
    CHECK(content(*root, "/usr/bin/app-link") == "#!/bin/sh\n");
    CHECK(root->readlink("/usr/bin/app-link") == "app");
    CHECK(root->lstat("/usr/bin/app-hard")->id == app->id);
    CHECK(root->xattr("/usr/bin/ping", "security.capability") == kCap);
    CHECK((root->lstat("/private")->mode & 07777) == 0700);
    CHECK(root->image_config() == nullptr);  // a tarball has no config
    REQUIRE(img.layers().size() == 1);
    CHECK(img.layers()[0].digest == img.layers()[0].diff_id);  // stored plain
    REQUIRE(img.layer_of("/usr/bin/app"));
    CHECK(*img.layer_of("/usr/bin/app") == img.layers()[0].diff_id);
    CHECK(fs::exists(staging));
  }
  CHECK_FALSE(fs::exists(staging));  // the root removes its staging directory
}

TEST_CASE("image input: gzip, zstd and xz layers are recognised by their bytes, not their names") {
  Temp t;
  std::string tar = make_tar({{"etc/", 'd'}, {"etc/os-release", 'f', "ID=test\n"}});
  for (int filter : {ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_ZSTD, ARCHIVE_FILTER_XZ, ARCHIVE_FILTER_BZIP2}) {
    CAPTURE(filter);
    std::string stored = compress(tar, filter);
    CHECK(stored != tar);
    spit(t.dir / "layer.bin", stored);
    auto root = raison::open_root((t.dir / "layer.bin").string(), t.options());
    CHECK(content(*root, "/etc/os-release") == "ID=test\n");
    const auto& l = image(root).layers()[0];
    CHECK(l.diff_id == "sha256:" + raison::sha256_hex(tar));
    CHECK(l.digest == "sha256:" + raison::sha256_hex(stored));
  }
}

namespace {

// Three layers: a base; one that deletes with a whiteout, empties a directory with an opaque marker
// (writing into it before and after the marker) and hardlinks to a file of the base; a gzip one that
// replaces a file.
std::vector<Layer> three_layers() {
  return {layer({{"etc/", 'd'},
                 {"etc/motd", 'f', "base\n"},
                 {"usr/lib/libx.so.1", 'f', "ELF-ish"},
                 {"var/cache/", 'd'},
                 {"var/cache/old", 'f', "stale"},
                 {"opt/d/", 'd'},
                 {"opt/d/old1", 'f', "1"},
                 {"opt/d/sub/old2", 'f', "2"}}),
          layer({{"var/cache/.wh.old", 'f'},
                 {"opt/d/", 'd', "", 0750},
                 {"opt/d/before", 'f', "b"},
                 {"opt/d/.wh..wh..opq", 'f'},
                 {"opt/d/after", 'f', "a"},
                 {"usr/bin/libx-hard", 'h', "usr/lib/libx.so.1"}}),
          layer({{"etc/motd", 'f', "top\n", 0600}}, ARCHIVE_FILTER_GZIP)};
}

}  // namespace

TEST_CASE("image input: OCI layers apply in order, with whiteouts, opaque directories and hardlinks across layers") {
  Temp t;
  fs::path oci = t.dir / "oci";
  auto layers = three_layers();
  put_index(oci, json::array({tagged(put_image(oci, layers), "v1")}));
  auto root = raison::open_root("oci:" + oci.string() + ":v1", t.options());
  const auto& img = image(root);
  CHECK(root->describe() == "image oci:" + oci.string() + ":v1");

  CHECK_FALSE(root->lstat("/var/cache/old"));
  CHECK(root->lstat("/var/cache"));
  CHECK(root->list_dir("/opt/d") == std::vector<std::string>{"after", "before"});
  CHECK((root->lstat("/opt/d")->mode & 07777) == 0750);
  CHECK(content(*root, "/etc/motd") == "top\n");
  CHECK(root->lstat("/usr/bin/libx-hard")->id == root->lstat("/usr/lib/libx.so.1")->id);

  REQUIRE(img.layers().size() == 3);
  CHECK(*img.layer_of("/usr/lib/libx.so.1") == layers[0].diff_id);
  CHECK(*img.layer_of("/usr/bin/libx-hard") == layers[1].diff_id);
  CHECK(*img.layer_of("/etc/motd") == layers[2].diff_id);
  CHECK(img.layers()[2].media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(img.layers()[2].digest != img.layers()[2].diff_id);

  const raison::ImageConfig* c = root->image_config();
  REQUIRE(c);
  CHECK(c->env == std::vector<std::string>{"PATH=/usr/bin", "LANG=C.UTF-8"});
  CHECK(c->entrypoint == std::vector<std::string>{"/usr/bin/app"});
  CHECK(c->cmd == std::vector<std::string>{"--serve"});
  CHECK(c->working_dir == "/srv");
  CHECK(c->user == "1000:1000");
  CHECK(img.config_json() == config_for(layers));
  CHECK(img.manifest_json()["layers"].size() == 3);
}

TEST_CASE("image input: a docker-archive with two layers, named or recognised by its manifest.json") {
  Temp t;
  std::vector<Layer> layers = {layer({{"bin/", 'd'}, {"bin/tool", 'f', "v1"}, {"bin/gone", 'f', "x"}}),
                               layer({{"bin/tool", 'f', "v2"}, {"bin/.wh.gone", 'f'}})};
  put_docker_archive(t.dir / "saved.tar", layers);
  for (std::string spec : {"docker-archive:" + (t.dir / "saved.tar").string(),
                           "docker-archive:" + (t.dir / "saved.tar").string() + ":app:1",
                           (t.dir / "saved.tar").string()}) {
    CAPTURE(spec);
    auto root = raison::open_root(spec, t.options());
    CHECK(content(*root, "/bin/tool") == "v2");
    CHECK_FALSE(root->lstat("/bin/gone"));
    CHECK(*image(root).layer_of("/bin/tool") == layers[1].diff_id);
    CHECK(root->image_config()->working_dir == "/srv");
    CHECK(image(root).manifest_json()["RepoTags"][0] == "app:1");
  }
  CHECK(error_of("docker-archive:" + (t.dir / "saved.tar").string() + ":other:2", t.options()).find("tags: app:1") !=
        std::string::npos);
  t.check_clean();
}

TEST_CASE("image input: an OCI tag picks its image; several images and no tag is an error listing the tags") {
  Temp t;
  fs::path oci = t.dir / "oci";
  put_index(oci, json::array({tagged(put_image(oci, {layer({{"which", 'f', "one"}})}), "one"),
                              tagged(put_image(oci, {layer({{"which", 'f', "two"}})}), "two")}));
  CHECK(content(*raison::open_root("oci:" + oci.string() + ":two", t.options()), "/which") == "two");
  CHECK(content(*raison::open_root("oci:" + oci.string() + ":one", t.options()), "/which") == "one");
  std::string e = error_of("oci:" + oci.string(), t.options());
  CHECK(e.find("tags: one, two") != std::string::npos);
  CHECK(error_of("oci:" + oci.string() + ":three", t.options()).find("no image tagged 'three'") != std::string::npos);
  t.check_clean();
}

TEST_CASE("image input: --platform picks from a nested image index with two platforms") {
  Temp t;
  fs::path oci = t.dir / "oci";
  json amd = put_image(oci, {layer({{"arch", 'f', "amd64"}})}, "amd64");
  json arm = put_image(oci, {layer({{"arch", 'f', "arm64"}})}, "arm64");
  amd["platform"] = {{"os", "linux"}, {"architecture", "amd64"}};
  arm["platform"] = {{"os", "linux"}, {"architecture", "arm64"}, {"variant", "v8"}};
  json index = {{"schemaVersion", 2},
                {"mediaType", "application/vnd.oci.image.index.v1+json"},
                {"manifests", {amd, arm}}};
  put_index(oci, json::array({tagged(put_blob(oci, index.dump(), "application/vnd.oci.image.index.v1+json"), "multi")}));
  auto o = t.options();
  o.platform = "linux/arm64";
  CHECK(content(*raison::open_root("oci:" + oci.string() + ":multi", o), "/arch") == "arm64");
  o.platform = "linux/arm64/v8";
  CHECK(content(*raison::open_root("oci:" + oci.string() + ":multi", o), "/arch") == "arm64");
  o.platform = "linux/amd64";
  CHECK(content(*raison::open_root("oci:" + oci.string() + ":multi", o), "/arch") == "amd64");
  o.platform = "linux/s390x";
  std::string e = error_of("oci:" + oci.string() + ":multi", o);
  CHECK(e.find("no image for platform linux/s390x") != std::string::npos);
  CHECK(e.find("linux/amd64, linux/arm64/v8") != std::string::npos);
  t.check_clean();
}

namespace {

// Writes `entries` as a tarball and opens it; returns the error (empty if it opened).
std::string refuse(Temp& t, const std::vector<E>& entries, const raison::ImageOpenOptions* o = nullptr) {
  spit(t.dir / "hostile.tar", make_tar(entries));
  return error_of((t.dir / "hostile.tar").string(), o ? *o : t.options());
}

bool has(const std::string& s, const std::string& part) {
  INFO(s);
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("image input: an entry naming '..' is refused, a leading '/' is taken as the root") {
  Temp t;
  std::string e = refuse(t, {{"etc/", 'd'}, {"etc/../../sentinel/x", 'f', "owned"}});
  CHECK(has(e, "entry etc/../../sentinel/x: '..' component"));
  CHECK(has(e, "layer 1"));
  t.check_clean();

  spit(t.dir / "abs.tar", make_tar({{(t.dir / "sentinel/abs").string(), 'f', "inside"}}));
  auto root = raison::open_root((t.dir / "abs.tar").string(), t.options());
  CHECK(content(*root, (t.dir / "sentinel/abs").string()) == "inside");
  CHECK(fs::is_empty(t.dir / "sentinel"));
}

TEST_CASE("image input: a symlink planted by an earlier entry cannot carry a later write out of the staging dir") {
  Temp t;
  // Relative and absolute links to the sentinel, then writes through them: they land inside.
  spit(t.dir / "links.tar", make_tar({{"rel", 'l', "../../../../../../sentinel"},
                                     {"abs", 'l', (t.dir / "sentinel").string()},
                                     {"rel/pwned", 'f', "r"},
                                     {"abs/pwned", 'f', "a"},
                                     {"hard", 'h', "abs/pwned"}}));
  {
    auto root = raison::open_root((t.dir / "links.tar").string(), t.options());
    CHECK(content(*root, "/sentinel/pwned") == "r");
    CHECK(content(*root, (t.dir / "sentinel/pwned").string()) == "a");
    CHECK(content(*root, "/hard") == "a");
    CHECK(fs::is_empty(t.dir / "sentinel"));
  }
  std::string e = refuse(t, {{"a", 'l', "b"}, {"b", 'l', "a"}, {"a/x", 'f', "loop"}});
  CHECK(has(e, "entry a/x: /a: too many levels of symbolic links"));
  t.check_clean();
}

TEST_CASE("image input: hostile whiteouts and hardlinks name the entry and the cause") {
  Temp t;
  CHECK(has(refuse(t, {{"d/", 'd'}, {"d/.wh...", 'f'}}), "entry d/.wh...: whiteout of '..'"));
  CHECK(has(refuse(t, {{"../.wh.sentinel", 'f'}}), "entry ../.wh.sentinel: '..' component"));
  CHECK(has(refuse(t, {{"passwd", 'h', "../../etc/passwd"}}),
            "entry passwd: hardlink target ../../etc/passwd: '..' component"));
  CHECK(has(refuse(t, {{"x", 'h', "missing/file"}}), "entry x: hardlink to missing/file, which no earlier entry created"));
  CHECK(has(refuse(t, {{"d/", 'd'}, {"x", 'h', "d"}}), "entry x: hardlink to directory d"));
  t.check_clean();
}

TEST_CASE("image input: a file on an entry's way is not a directory, whether written or left in its layer") {
  Temp t;
  for (bool lazy : {false, true}) {
    CAPTURE(lazy);
    raison::ImageOpenOptions o = t.options();
    o.lazy = lazy;
    CHECK(has(refuse(t, {{"data", 'f', "x"}, {"data/inner", 'f', "y"}}, &o), "entry data/inner: /data is not a directory"));
    CHECK(has(refuse(t, {{"data", 'f', "x"}, {"l", 'l', "data"}, {"l/inner", 'f', "y"}}, &o),
              "entry l/inner: /data is not a directory"));
  }
  t.check_clean();
}

TEST_CASE("image input: lazily, a layer that changed since it was read is refused when files are fetched from it") {
  Temp t;
  fs::path oci = t.dir / "oci";
  auto layers = three_layers();
  put_index(oci, json::array({tagged(put_image(oci, layers), "v1")}));
  raison::ImageOpenOptions o = t.options();
  o.lazy = true;
  auto root = raison::open_root("oci:" + oci.string() + ":v1", o);
  REQUIRE(image(root).deferred_files() > 0);
  // The first layer's blob rewritten in place, same size, one byte of a deferred file's data changed.
  const std::string hex = image(root).layers()[0].digest.substr(7);
  std::string bytes = raison::test::slurp(oci / "blobs/sha256" / hex);
  const std::size_t at = bytes.find("ELF-ish");
  REQUIRE(at != std::string::npos);
  bytes[at + 6] = 'H';
  spit(oci / "blobs/sha256" / hex, bytes);
  try {
    root->prefetch({"/usr/lib/libx.so.1"});
    FAIL("prefetch did not fail");
  } catch (const raison::Error& e) {
    INFO(e.what());
    CHECK(has(e.what(), "reading files again from layer 1"));
    CHECK(has(e.what(), "the image changed since it was read"));
  }
}

TEST_CASE("image input: device nodes and fifos are not extracted, and each is reported") {
  Temp t;
  spit(t.dir / "dev.tar", make_tar({{"dev/", 'd'}, {"dev/null", 'c'}, {"run/fifo", 'p'}, {"ok", 'f', "y"}}));
  auto root = raison::open_root((t.dir / "dev.tar").string(), t.options());
  const auto& d = image(root).diagnostics();
  REQUIRE(d.size() == 2);
  CHECK(has(d[0], "dev/null: character device not extracted"));
  CHECK(has(d[1], "run/fifo: fifo not extracted"));
  CHECK_FALSE(root->lstat("/dev/null"));
  CHECK(content(*root, "/ok") == "y");
}

TEST_CASE("image input: size, ratio, name and count caps stop hostile layers") {
  Temp t;
  // 8 MiB of zeros gzip to ~8 KiB: past a 1 MiB floor that is far beyond 200:1.
  spit(t.dir / "bomb.tar.gz", compress(make_tar({{"zeros", 'f', std::string(8 << 20, '\0')}}), ARCHIVE_FILTER_GZIP));
  auto o = t.options();
  o.ratio_floor = 1 << 20;
  CHECK(has(error_of((t.dir / "bomb.tar.gz").string(), o), "decompresses to more than 200 times its stored size"));
  o = t.options();
  o.max_unpacked_bytes = 1 << 20;
  CHECK(has(refuse(t, {{"big", 'f', std::string(2 << 20, 'b')}}, &o), "entry big: image unpacks to more than 1048576 bytes"));
  o = t.options();
  o.max_entries = 5;
  std::vector<E> many;
  for (int i = 0; i < 10; ++i) many.push_back({"f" + std::to_string(i), 'f', "x"});
  CHECK(has(refuse(t, many, &o), "entry f5: more than 5 entries"));
  std::string long_name = "d/" + std::string(300, 'n');
  CHECK(has(refuse(t, {{long_name, 'f', "x"}}), "component of 300 bytes, longer than NAME_MAX"));
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "a/";
  CHECK(has(refuse(t, {{deep + "f", 'f', "x"}}), "directories nested deeper than 256"));
  t.check_clean();
}

TEST_CASE("image input: a blob whose bytes do not match its digest, or a missing blob, is refused") {
  Temp t;
  fs::path oci = t.dir / "oci";
  Layer l = layer({{"file", 'f', "payload-AAAA"}});
  put_index(oci, json::array({tagged(put_image(oci, {l}), "x")}));
  std::string hex = raison::sha256_hex(l.stored);
  fs::path blob = oci / "blobs/sha256" / hex;
  {  // same size, one byte of file data changed: the tar still reads, only the digest tells
    std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
    std::string s = l.stored;
    size_t at = s.find("payload-AAAA");
    REQUIRE(at != std::string::npos);
    f.seekp(static_cast<std::streamoff>(at + 8));
    f.put('B');
  }
  std::string e = error_of("oci:" + oci.string() + ":x", t.options());
  CHECK(has(e, "layer 1 (sha256:" + hex + "): blob hashes to sha256:"));
  CHECK(has(e, "the manifest says sha256:" + hex));
  fs::remove(blob);
  CHECK(has(error_of("oci:" + oci.string() + ":x", t.options()),
            "blob sha256:" + hex + " named by layer 1 is missing from the layout"));
  t.check_clean();
}

TEST_CASE("image input: a docker-archive layer name with a NUL, or a diff_id that does not match, is refused") {
  Temp t;
  std::vector<Layer> layers = {layer({{"f", 'f', "x"}})};
  put_docker_archive(t.dir / "nul.tar", layers, json::array({std::string("a\0/../../x", 10)}));
  CHECK(has(error_of("docker-archive:" + (t.dir / "nul.tar").string(), t.options()),
            "manifest.json Layers[0] holds a NUL byte"));
  layers[0].diff_id = "sha256:" + std::string(64, '0');
  put_docker_archive(t.dir / "diff.tar", layers);
  CHECK(has(error_of((t.dir / "diff.tar").string(), t.options()),
            "uncompressed tar hashes to sha256:" + raison::sha256_hex(layers[0].stored)));
  t.check_clean();
}

namespace {

// ---- Layers against umoci: the same OCI layout unpacked by umoci and by raison gives the same tree.

// Three layers exercising what applying layers decides: whiteouts of a file and of a directory (and
// the directory made again later), an opaque directory written before and after its marker, a
// whiteout then a re-creation in one layer and a file then its whiteout in one layer (which stays:
// a whiteout hides lower layers only), hardlinks within and across layers (one surviving the
// whiteout of its first name), symlinks (relative, absolute, dangling, retargeted), a directory
// replaced by a file and a file by a directory, directories implied by their contents, and modes
// (setuid, sticky, 0700) and owners.
std::vector<Layer> umoci_layers() {
  return {layer({{"etc/", 'd', "", 0755},
                 {"etc/motd", 'f', "base\n"},
                 {"etc/gone", 'f', "x"},
                 {"etc/gonedir/", 'd'},
                 {"etc/gonedir/a", 'f', "a"},
                 {"etc/gonedir/sub/b", 'f', "b"},
                 {"opt/d/", 'd'},
                 {"opt/d/old1", 'f', "1"},
                 {"opt/d/sub/old2", 'f', "2"},
                 // Siblings whose names sort between "d" and its children ("d/..."): a listing that
                 // skips d's subtree must not skip them.
                 {"opt/d-link", 'l', "d"},
                 {"opt/d.old/", 'd'},
                 {"opt/d.old/f", 'f', "f"},
                 {"usr/lib/libx.so.1", 'f', "ELF-ish", 0755},
                 {"srv/was-dir/", 'd'},
                 {"srv/was-dir/inner", 'f', "in a directory"},
                 {"srv/was-file", 'f', "a file"},
                 {"var/recreated", 'f', "old"},
                 {"bin/", 'd', "", 0755},
                 {"bin/tool", 'f', "#!/bin/sh\n", 04755},
                 {"bin/ping", 'f', "ping", 0755, 0, 0, kCap},
                 {"bin/rel", 'l', "tool"},
                 {"bin/abs", 'l', "/usr/lib/libx.so.1"},
                 {"bin/dangling", 'l', "../nowhere"},
                 {"home/user/", 'd', "", 0700, 1000, 1000},
                 {"home/user/file", 'f', "mine", 0600, 1000, 1000},
                 {"tmp/", 'd', "", 01777},
                 {"data/a", 'f', "shared"},
                 {"data/a-hard", 'h', "data/a"}}),
          layer({{"etc/.wh.gone", 'f'},
                 {"etc/.wh.gonedir", 'f'},
                 {"opt/d/", 'd', "", 0750},
                 {"opt/d/before", 'f', "b"},
                 {"opt/d/.wh..wh..opq", 'f'},
                 {"opt/d/after", 'f', "a"},
                 {"usr/bin/libx-hard", 'h', "usr/lib/libx.so.1"},
                 {"srv/was-dir", 'f', "now a file"},
                 {"srv/was-file/", 'd', "", 0711},
                 {"srv/was-file/inner", 'f', "now in a directory"},
                 {"var/.wh.recreated", 'f'},
                 {"var/recreated", 'f', "new"},
                 {"var/then-whited", 'f', "same layer"},
                 {"var/.wh.then-whited", 'f'},
                 {"data/.wh.a", 'f'},
                 {"home/user/file", 'f', "changed", 0640, 1000, 1001},
                 {"bin/.wh.rel", 'f'},
                 {"bin/rel", 'l', "abs"}}),
          layer({{"etc/motd", 'f', "top\n", 0600},
                 {"etc/gonedir/", 'd', "", 0750},
                 {"etc/gonedir/new", 'f', "again"}},
                ARCHIVE_FILTER_GZIP)};
}

// One node of a tree: what both sides must agree on.
struct Node {
  char type = '?';  // f, d, l
  unsigned mode = 0;  // permission bits
  std::uint32_t uid = 0, gid = 0;
  std::uint64_t size = 0;
  std::string content;  // sha256 of a file, target of a link
  std::string first_name;  // of a file: the first path (sorted) naming the same inode
  std::string cap;         // security.capability
};
using Tree = std::map<std::string, Node>;

std::string describe(const Node& n, bool owners) {
  std::ostringstream o;
  o << n.type << " " << std::oct << n.mode << std::dec;
  if (owners) o << " " << n.uid << ":" << n.gid;
  if (owners && !n.cap.empty()) o << (n.cap == kCap ? " with the image's capability" : " with another capability");
  if (n.type == 'f') o << " " << n.size << " bytes sha256:" << n.content << " first name " << n.first_name;
  if (n.type == 'l') o << " -> " << n.content;
  return o.str();
}

// The tree under `dir` on this machine (umoci's rootfs), read with lstat. Unpacking rootless, umoci
// gives directories the image's modes, 0644 too: the walk then adds u+rwx after reading the mode, to
// get in (and for the temp dir to be removable).
Tree host_tree(const fs::path& dir) {
  std::vector<std::string> paths;
  std::map<std::string, struct stat> stats;
  std::vector<std::string> todo = {""};
  while (!todo.empty()) {
    std::string rel = todo.back();
    todo.pop_back();
    for (const auto& e : fs::directory_iterator(dir.string() + rel)) {
      std::string p = rel + "/" + e.path().filename().string();
      struct stat st;
      REQUIRE(::lstat((dir.string() + p).c_str(), &st) == 0);
      paths.push_back(p);
      stats[p] = st;
      if (S_ISDIR(st.st_mode)) {
        if ((st.st_mode & 0700) != 0700) REQUIRE(::chmod((dir.string() + p).c_str(), (st.st_mode & 07777) | 0700) == 0);
        todo.push_back(p);
      }
    }
  }
  std::sort(paths.begin(), paths.end());
  Tree t;
  std::map<ino_t, std::string> first;
  for (const auto& p : paths) {
    const struct stat& st = stats[p];
    Node n;
    n.mode = st.st_mode & 07777;
    n.uid = st.st_uid;
    n.gid = st.st_gid;
    if (S_ISREG(st.st_mode)) {
      n.type = 'f';
      n.size = std::uint64_t(st.st_size);
      n.content = raison::sha256_hex(raison::test::slurp(dir.string() + p));
      n.first_name = first.emplace(st.st_ino, p).first->second;
      char cap[64];
      ssize_t len = ::lgetxattr((dir.string() + p).c_str(), "security.capability", cap, sizeof cap);
      if (len > 0) n.cap.assign(cap, std::size_t(len));
    } else if (S_ISDIR(st.st_mode)) {
      n.type = 'd';
    } else if (S_ISLNK(st.st_mode)) {
      n.type = 'l';
      n.content = fs::read_symlink(dir.string() + p).string();
    }
    t[p] = n;
  }
  return t;
}

// The same tree as raison's root reports it.
// Every path of a root; with `read`, regular files' contents are read too.
Tree raison_tree(const raison::Root& r, bool read = true) {
  Tree t;
  std::map<raison::FileId, std::string> first;
  std::vector<std::string> todo = {"/"};
  std::vector<std::string> paths;
  while (!todo.empty()) {
    std::string dir = todo.back();
    todo.pop_back();
    for (const auto& name : r.list_dir(dir)) {
      std::string p = raison::join_path(dir, name);
      paths.push_back(p);
      if (r.lstat(p)->type == raison::FileType::Directory) todo.push_back(p);
    }
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    raison::Stat st = *r.lstat(p);
    Node n;
    n.mode = st.mode & 07777;
    n.uid = st.uid;
    n.gid = st.gid;
    if (st.type == raison::FileType::Regular) {
      n.type = 'f';
      n.size = st.size;
      if (read) n.content = raison::sha256_hex(content(r, p));
      n.first_name = first.emplace(st.id, p).first->second;
      n.cap = r.xattr(p, "security.capability").value_or("");
    } else if (st.type == raison::FileType::Directory) {
      n.type = 'd';
    } else if (st.type == raison::FileType::Symlink) {
      n.type = 'l';
      n.content = r.readlink(p);
    }
    t[p] = n;
  }
  return t;
}

// Unpacks oci:LAYOUT:TAG with umoci (rootless unless root: then owners are the image's), and
// `spec` (that image, or a copy of it in another format) with raison, and compares every path
// (owners and capabilities too if `owners`); returns umoci's tree.
Tree check_as_umoci_unpacks(Temp& t, const fs::path& layout, const std::string& tag, bool owners,
                            std::string spec = "") {
  raison::test::require_tool("/usr/bin/umoci", "umoci");
  const fs::path bundle = t.dir / ("bundle-" + tag);
  raison::test::output_of(std::string("/usr/bin/umoci unpack ") + (::geteuid() == 0 ? "" : "--rootless ") +
                          "--image " + layout.string() + ":" + tag + " " + bundle.string() + " 2>&1");
  Tree theirs = host_tree(bundle / "rootfs");
  // Every file written while the layers stream; lazily, the files no analyzer reads fetched all at
  // once (prefetch, as an output does); and lazily, each fetched when it is read.
  for (const char* mode : {"eager", "lazy, prefetched", "lazy, on demand"}) {
    CAPTURE(mode);
    raison::ImageOpenOptions o = t.options();
    o.lazy = mode[0] == 'l';
    auto root = raison::open_root(spec.empty() ? "oci:" + layout.string() + ":" + tag : spec, o);
    const raison::ImageRoot& img = image(root);
    if (o.lazy) CHECK(img.deferred_files() > 0);
    if (std::string(mode) == "lazy, prefetched") {
      std::vector<std::string> all;
      for (const auto& [path, n] : raison_tree(*root, false)) all.push_back(path);
      root->prefetch(all);
      CHECK(img.deferred_passes() <= img.layers().size());  // one pass at most over each layer
    }
    Tree ours = raison_tree(*root);
    if (o.lazy) CHECK(img.deferred_fetched() > 0);
    for (const auto& [path, n] : theirs) {
      CAPTURE(path);
      auto it = ours.find(path);
      CHECK_MESSAGE(it != ours.end(), "umoci has " << describe(n, owners) << ", raison nothing");
      if (it != ours.end()) CHECK(describe(it->second, owners) == describe(n, owners));
    }
    for (const auto& [path, n] : ours) {
      CAPTURE(path);
      CHECK_MESSAGE(theirs.count(path), "raison has " << describe(n, owners) << ", umoci nothing");
    }
  }
  return theirs;
}

}  // namespace

TEST_CASE("image input: layers unpack to the tree umoci unpacks (types, modes, sizes, contents, links)") {
  Temp t;
  fs::path oci = t.dir / "oci";
  put_index(oci, json::array({tagged(put_image(oci, umoci_layers()), "v1"),
                              tagged(put_image(oci, three_layers()), "three")}));
  Tree v1 = check_as_umoci_unpacks(t, oci, "v1", false), three = check_as_umoci_unpacks(t, oci, "three", false);
  MESSAGE((v1.size() + three.size()) << " paths compared with umoci unpack");
  // The fixture did what it is for: what was whited out is gone, the hardlink survived its first name.
  CHECK(v1.size() >= 30);
  CHECK_FALSE(v1.count("/etc/gone"));
  CHECK_FALSE(v1.count("/etc/gonedir/a"));
  CHECK(v1.count("/data/a-hard"));
  CHECK(v1["/srv/was-dir"].type == 'f');
  CHECK(v1["/usr/lib/libx.so.1"].first_name == "/usr/bin/libx-hard");
}

// Only root can give files of other owners, which is what umoci does then (rootless, it maps them).
TEST_CASE("image input: layers unpack with the owners umoci gives them" * doctest::skip(::geteuid() != 0)) {
  Temp t;
  fs::path oci = t.dir / "oci";
  put_index(oci, json::array({tagged(put_image(oci, umoci_layers()), "v1")}));
  Tree v1 = check_as_umoci_unpacks(t, oci, "v1", true);
  CHECK(v1["/home/user/file"].gid == 1001);
  CHECK(v1["/bin/ping"].cap == kCap);
}

TEST_CASE("image input: skopeo's docker-archive of an OCI layout reads back as umoci unpacks the layout") {
  raison::test::require_tool("/usr/bin/skopeo", "skopeo");
  Temp t;
  fs::path oci = t.dir / "oci";
  put_index(oci, json::array({tagged(put_image(oci, umoci_layers()), "v1")}));
  fs::path out = t.dir / "skopeo.tar";
  raison::test::output_of("/usr/bin/skopeo --insecure-policy copy -q oci:" + oci.string() + ":v1 docker-archive:" +
                          out.string() + ":app:v1 2>&1");
  Tree v1 = check_as_umoci_unpacks(t, oci, "v1", ::geteuid() == 0, "docker-archive:" + out.string());
  CHECK(v1.size() >= 30);
  auto root = raison::open_root("docker-archive:" + out.string(), t.options());
  CHECK(root->image_config()->entrypoint == std::vector<std::string>{"/usr/bin/app"});
  // The same diff_ids, whatever compression skopeo chose.
  auto oci_root = raison::open_root("oci:" + oci.string() + ":v1", t.options());
  REQUIRE(image(root).layers().size() == image(oci_root).layers().size());
  for (std::size_t i = 0; i < image(root).layers().size(); ++i)
    CHECK(image(root).layers()[i].diff_id == image(oci_root).layers()[i].diff_id);
}

// ---- The limits of README "Limits", each at its edge ----

TEST_CASE("image input: hardlinks share their target's xattrs; xattrs are capped per entry and per image") {
  Temp t;
  // 256 KiB of names and values in one entry is the most; one byte more is refused.
  auto at_most = [](std::size_t extra) {
    E f("f", 'f', "x");
    for (int i = 0; i < 3; ++i) f.xattrs.push_back({"user." + std::to_string(i), std::string(65536 - 6, 'v')});
    f.xattrs.push_back({"user.3", std::string(65536 - 6 + extra, 'v')});
    return f;
  };
  spit(t.dir / "edge.tar", make_tar({at_most(0)}));
  CHECK(raison::open_root((t.dir / "edge.tar").string(), t.options()));
  CHECK(has(refuse(t, {at_most(1)}), "entry f: xattrs of more than 256 KiB in all"));
  // A file with xattrs and 1,000 hardlinks to it: one list, shared by every name.
  E big("big", 'f', "x");
  big.xattrs = {{"user.a", std::string(60000, 'a')}};
  std::vector<E> links = {big};
  for (int i = 0; i < 1000; ++i) links.push_back({"h" + std::to_string(i), 'h', "big"});
  spit(t.dir / "links.tar", make_tar(links));
  auto o = t.options();
  o.max_xattr_bytes = 60006;  // exactly big's: the hardlinks add nothing
  {
    auto root = raison::open_root((t.dir / "links.tar").string(), o);
    const auto* m = image(root).meta_of("/big");
    REQUIRE(m);
    REQUIRE(m->xattrs);
    for (int i : {0, 999}) CHECK(image(root).meta_of("/h" + std::to_string(i))->xattrs.get() == m->xattrs.get());
  }
  o.max_xattr_bytes = 60005;
  spit(t.dir / "hostile.tar", make_tar(links));
  CHECK(has(error_of((t.dir / "hostile.tar").string(), o), "entry big: xattrs of more than 60005 bytes in the image"));
  t.check_clean();
}

TEST_CASE("image input: JSON of an image nested deeper than 100 levels is refused before it is parsed") {
  Temp t;
  auto nested = [](int depth) {  // index.json is level 1, its "annotations" level 2
    std::string open(static_cast<std::size_t>(depth - 2), '['), close(static_cast<std::size_t>(depth - 2), ']');
    return "\"deep\": " + open + close;
  };
  fs::path oci = t.dir / "oci";
  json desc = put_image(oci, {layer({{"f", 'f', "x"}})});
  auto write_index = [&](int depth) {
    std::string d = desc.dump();
    spit(oci / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    spit(oci / "index.json", R"({"schemaVersion": 2, "manifests": [)" + d + R"(], "annotations": {)" + nested(depth) + "}}");
  };
  write_index(100);
  CHECK(raison::open_root("oci:" + oci.string(), t.options()));
  write_index(101);
  CHECK(has(error_of("oci:" + oci.string(), t.options()), "index.json: JSON nested more than 100 levels deep"));
  // Brackets inside strings are text, not nesting.
  spit(oci / "index.json", R"({"schemaVersion": 2, "manifests": [)" + desc.dump() + R"(], "annotations": {"s": ")" +
                               std::string(5000, '[') + R"("}})");
  CHECK(raison::open_root("oci:" + oci.string(), t.options()));
  // 2 million levels (the crash of issue 14): one line, nothing left.
  spit(oci / "index.json", std::string(2'000'000, '['));
  CHECK(has(error_of("oci:" + oci.string(), t.options()), "JSON nested more than 100 levels deep"));
  t.check_clean();
}

TEST_CASE("image input: layers, and docker-archive layers times members, are bounded at their edge") {
  Temp t;
  std::vector<Layer> three = {layer({{"a", 'f', "1"}}), layer({{"b", 'f', "2"}}), layer({{"c", 'f', "3"}})};
  fs::path oci = t.dir / "oci";
  put_index(oci, json::array({put_image(oci, three)}));
  auto o = t.options();
  o.max_layers = 3;
  CHECK(raison::open_root("oci:" + oci.string(), o));
  o.max_layers = 2;
  CHECK(has(error_of("oci:" + oci.string(), o), "3 layers, more than 2"));
  // docker-archive: 3 layers among 5 members (3 layers, config, manifest.json): 15 header reads.
  fs::path da = t.dir / "da.tar";
  put_docker_archive(da, three);
  o = t.options();
  o.max_layer_member_steps = 15;
  CHECK(content(*raison::open_root("docker-archive:" + da.string(), o), "/c") == "3");
  o.max_layer_member_steps = 14;
  CHECK(has(error_of("docker-archive:" + da.string(), o), "3 layers in an archive of 5 members"));
  t.check_clean();
}

TEST_CASE("image input: a gzipped docker-archive is decompressed once, privately, and reads as the plain one") {
  Temp t;
  fs::path da = t.dir / "da.tar";
  put_docker_archive(da, {layer({{"a", 'f', "1"}}), layer({{"b", 'f', "2"}}, ARCHIVE_FILTER_GZIP)});
  std::ifstream in(da, std::ios::binary);
  std::string plain((std::istreambuf_iterator<char>(in)), {});
  spit(t.dir / "da.tar.gz", compress(plain, ARCHIVE_FILTER_GZIP));
  auto root = raison::open_root("docker-archive:" + (t.dir / "da.tar.gz").string(), t.options());
  CHECK(content(*root, "/a") == "1");
  CHECK(content(*root, "/b") == "2");
  root.reset();
  t.check_clean();
}

TEST_CASE("image input: a blob that is a symlink, a device or a fifo is refused before it is opened") {
  Temp t;
  fs::path oci = t.dir / "oci";
  put_index(oci, json::array({put_image(oci, {layer({{"f", 'f', "x"}})})}));
  Layer l = layer({{"f", 'f', "x"}});
  fs::path blob = oci / "blobs/sha256" / l.diff_id.substr(7);
  // The layer blob moved out of the layout and linked back: the bytes are right, the place is not.
  fs::rename(blob, t.dir / "sentinel-host.tar");
  fs::create_symlink(t.dir / "sentinel-host.tar", blob);
  CHECK(has(error_of("oci:" + oci.string(), t.options()), "a symlink, not a regular file"));
  fs::remove(blob);
  REQUIRE(::mkfifo(blob.c_str(), 0600) == 0);
  CHECK(has(error_of("oci:" + oci.string(), t.options()), "not a regular file"));
  fs::remove(blob);
  if (::geteuid() == 0) {
    REQUIRE(::mknod(blob.c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0);  // /dev/null
    CHECK(has(error_of("oci:" + oci.string(), t.options()), "not a regular file"));
    fs::remove(blob);
  }
  // blobs/ itself a link to a directory of the host.
  fs::rename(t.dir / "sentinel-host.tar", blob);
  fs::rename(oci / "blobs", t.dir / "elsewhere");
  fs::create_directory_symlink(t.dir / "elsewhere", oci / "blobs");
  CHECK(has(error_of("oci:" + oci.string(), t.options()), "blobs/sha256 is not a directory (links are not followed)"));
  t.check_clean();
}

// Gzip layers are inflated by ISA-L (layer_stream.cpp), not libarchive: what libarchive's reader
// accepted still reads the same, and what it refused is still refused.
TEST_CASE("image input: a gzip layer of several members, with bytes after the last, reads as one stream") {
  Temp t;
  std::string big(300 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) % 251);
  std::string tar = make_tar({{"etc/", 'd'}, {"etc/os-release", 'f', "ID=test\n"}, {"usr/", 'd'}, {"usr/data", 'f', big}});
  const size_t cut = tar.size() / 3;
  std::string stored = compress(tar.substr(0, cut), ARCHIVE_FILTER_GZIP) + compress(tar.substr(cut), ARCHIVE_FILTER_GZIP) +
                       std::string(1000, '\0');
  spit(t.dir / "layer.gz", stored);
  {
    auto root = raison::open_root((t.dir / "layer.gz").string(), t.options());
    CHECK(content(*root, "/etc/os-release") == "ID=test\n");
    CHECK(content(*root, "/usr/data") == big);
    const auto& l = image(root).layers()[0];
    CHECK(l.diff_id == "sha256:" + raison::sha256_hex(tar));
    CHECK(l.digest == "sha256:" + raison::sha256_hex(stored));
  }
  t.check_clean();
}

TEST_CASE("image input: a gzip layer with a wrong CRC, or cut short, is refused in one line") {
  Temp t;
  std::string tar = make_tar({{"etc/", 'd'}, {"etc/os-release", 'f', "ID=test\n"}});
  std::string gz = compress(tar, ARCHIVE_FILTER_GZIP);
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 8] ^= 1;  // the trailer: CRC-32, then the size
  spit(t.dir / "crc.gz", bad_crc);
  CHECK(has(error_of((t.dir / "crc.gz").string(), t.options()), "decompression failed (CRC or size check failed)"));
  spit(t.dir / "cut.gz", gz.substr(0, gz.size() - 12));
  CHECK(has(error_of((t.dir / "cut.gz").string(), t.options()), "truncated gzip input"));
  std::string bad_data = gz;
  bad_data[12] ^= 0x55;  // inside the deflate stream
  spit(t.dir / "data.gz", bad_data);
  CHECK(has(error_of((t.dir / "data.gz").string(), t.options()), "decompress"));
  t.check_clean();
}

// Layers of 4 MiB or more are decompressed on a thread of their own, a few chunks ahead of the tar
// reader: the same bytes, digests and errors, and an entry that fails stops the thread.
TEST_CASE("image input: a large gzip layer reads the same on two threads, and its errors stay one line") {
  Temp t;
  std::string noise(5 << 20, '\0');  // incompressible: the layer stays over 4 MiB
  std::uint64_t x = 88172645463325252ull;
  for (auto& c : noise) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  std::string tar = make_tar({{"usr/", 'd'}, {"usr/noise", 'f', noise}, {"etc/", 'd'}, {"etc/os-release", 'f', "ID=test\n"}});
  std::string gz = compress(tar, ARCHIVE_FILTER_GZIP);
  REQUIRE(gz.size() >= (4u << 20));
  spit(t.dir / "big.gz", gz);
  {
    auto root = raison::open_root((t.dir / "big.gz").string(), t.options());
    CHECK(content(*root, "/usr/noise") == noise);
    CHECK(content(*root, "/etc/os-release") == "ID=test\n");
    CHECK(image(root).layers()[0].diff_id == "sha256:" + raison::sha256_hex(tar));
    CHECK(image(root).layers()[0].digest == "sha256:" + raison::sha256_hex(gz));
  }
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 8] ^= 1;
  spit(t.dir / "crc.gz", bad_crc);
  CHECK(has(error_of((t.dir / "crc.gz").string(), t.options()), "decompression failed (CRC or size check failed)"));
  // An entry refused early, while the thread is ahead: the error names it, and nothing waits forever.
  std::string hostile = make_tar({{"usr/", 'd'}, {"usr/a", 'f', "a"}, {"../escape", 'f', "x"}, {"usr/noise", 'f', noise}});
  spit(t.dir / "hostile.gz", compress(hostile, ARCHIVE_FILTER_GZIP));
  CHECK(has(error_of((t.dir / "hostile.gz").string(), t.options()), "entry ../escape: '..' component"));
  t.check_clean();
}

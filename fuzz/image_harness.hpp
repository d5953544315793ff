// Shared by the image harnesses (OCI layout, docker-archive, layers): a private directory made once per
// process, where each input is written as files and where open_root() creates its staging directory,
// and the checks after each input: every staging directory removed (on success, when the root goes;
// on error, before the error leaves open_root), nothing left behind. A leftover is a bug: abort().
//
// Inputs hold several documents separated by a line "--8<--". So that the fuzzer reaches past the
// digest checks, placeholders in a document are replaced by the digest and size of another (written
// out by the harness): @LAYER@ @LAYER_SIZE@ @CONFIG@ @CONFIG_SIZE@ @MANIFEST@ @MANIFEST_SIZE@ give
// "sha256:HEX" and decimal sizes (@NESTED@: a nested index, fuzz_oci_layout); @LAYER_HEX@ @CONFIG_HEX@ the bare hex (docker-archive member names).
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "input/image.hpp"
#include "util/sha256.hpp"

namespace raison::fuzz {

// The process's private directory, removed at exit: in $RAISON_FUZZ_TMPDIR, else in /dev/shm when it is
// a writable directory (each input creates and removes a tree: on a busy ext4 /tmp a mkdir took ~1 ms
// and the harnesses ran 5 times slower), else in $TMPDIR or /tmp.
inline const std::string& private_dir() {
  static const std::string dir = [] {
    const char* t = std::getenv("RAISON_FUZZ_TMPDIR");
    if (!t || !*t) t = ::access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : std::getenv("TMPDIR");
    std::string tmpl = std::string(t && *t ? t : "/tmp") + "/raison-fuzz-image.XXXXXX";
    if (!::mkdtemp(tmpl.data())) std::abort();
    static std::string for_exit = tmpl;
    std::atexit([] { std::error_code ec; std::filesystem::remove_all(for_exit, ec); });
    return tmpl;
  }();
  return dir;
}

inline std::vector<std::string> split_documents(std::string_view in) {
  std::vector<std::string> out;
  const std::string_view sep = "\n--8<--\n";
  for (;;) {
    size_t p = in.find(sep);
    out.emplace_back(in.substr(0, p));
    if (p == std::string_view::npos) break;
    in.remove_prefix(p + sep.size());
  }
  return out;
}

inline void replace_all(std::string& s, std::string_view from, const std::string& to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
}

// Replaces @NAME@, @NAME_SIZE@ and @NAME_HEX@ in `doc` by what they say of `blob`.
inline void substitute(std::string& doc, std::string_view name, const std::string& blob) {
  const std::string hex = sha256_hex(blob);
  std::string n(name);
  replace_all(doc, "@" + n + "_SIZE@", std::to_string(blob.size()));
  replace_all(doc, "@" + n + "_HEX@", hex);
  replace_all(doc, "@" + n + "@", "sha256:" + hex);
}

inline void write_file(const std::string& path, std::string_view bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), std::streamsize(bytes.size()));
  if (!f) std::abort();
}

// The options every image harness opens with: staging in the private directory; small caps so that
// one input cannot take the machine's memory or disk (each cap's own edge is tested elsewhere).
inline ImageOpenOptions options(const std::string& staging_parent) {
  ImageOpenOptions o;
  o.temp_dir = staging_parent;
  o.max_unpacked_bytes = 64ull << 20;
  o.ratio_floor = 1ull << 20;
  o.max_entries = 20'000;
  o.max_xattr_bytes = 1ull << 20;
  o.max_layers = 16;
  o.max_layer_member_steps = 100'000;
  return o;
}

// Every path of the root (bounded: 2,000 directories), each with its lstat (nullopt: listed but absent).
template <class Visit>
void walk_root(const Root& root, Visit visit) {
  std::vector<std::string> todo = {"/"};
  for (size_t n = 0; !todo.empty() && n < 2000; ++n) {
    std::string dir = todo.back();
    todo.pop_back();
    for (const std::string& name : root.list_dir(dir)) {
      std::string p = dir == "/" ? "/" + name : dir + "/" + name;
      const std::optional<Stat> st = root.lstat(p);
      if (st && st->type == FileType::Directory) todo.push_back(p);
      visit(p, st);
    }
  }
}

// Reads what the root serves, as the analysis would: every path's lstat, each link resolved.
inline void touch_root(const Root& root) {
  walk_root(root, [&](const std::string& p, const std::optional<Stat>& st) {
    if (st && st->type == FileType::Symlink) (void)root.resolve(p);  // the link walked inside the root
  });
  if (const ImageRoot* img = as_image(root)) {
    for (const std::string& line : img->diagnostics()) (void)line;
  }
}

// What the root serves, as one string: every path in order with its mode, owners and size, a regular
// file's bytes, a link's target. Two ways of unpacking one image (eager, lazy) must give the same.
inline std::string describe_root(const Root& root) {
  std::string out;
  walk_root(root, [&](const std::string& p, const std::optional<Stat>& st) {
    if (!st) {
      out += p + " listed but absent\n";
      return;
    }
    out += p + " " + std::to_string(st->mode) + " " + std::to_string(st->uid) + ":" + std::to_string(st->gid);
    // A directory's size and link count are the staging filesystem's, not the image's.
    if (st->type != FileType::Directory) out += " " + std::to_string(st->size) + " " + std::to_string(st->nlink);
    if (st->type == FileType::Symlink) out += " -> " + root.readlink(p);
    if (st->type == FileType::Regular) out += " = " + read_file(root, p, 1u << 20);
    out += "\n";
  });
  return out;
}

// Aborts unless `dir` is empty: a staging directory (or anything) left behind is a bug.
inline void expect_empty(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    std::fprintf(stderr, "left behind in %s: %s\n", dir.c_str(), n.c_str());
    std::abort();
  }
  ::closedir(d);
}

// A fresh, empty subdirectory of the private directory for one input's files.
inline std::string fresh(const std::string& name) {
  std::string p = private_dir() + "/" + name;
  std::error_code ec;
  std::filesystem::remove_all(p, ec);
  std::filesystem::create_directories(p);
  return p;
}

}  // namespace raison::fuzz

// Image outputs: the image config, and the two image layouts (OCI, docker-archive) around the one
// layer, or the bare layer. Every output is built under a temporary name beside the destination and
// renamed into place only when complete (emit/destination.hpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>

#include "emit/image_writer.hpp"

#include "analyzers/elf/machines.hpp"
#include "emit/destination.hpp"
#include "emit/transport_out.hpp"
#include "input/image.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"
#include "util/sha256.hpp"

namespace raison {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
constexpr const char* kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";

std::string rfc3339(std::int64_t t) {
  std::time_t tt = std::time_t(t);
  std::tm tm{};
  char buf[64];
  if (!::gmtime_r(&tt, &tm) || std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    throw Error("time " + std::to_string(t) + " cannot be written as a date");
  return buf;
}

Fd create_file(const std::string& p) {
  Fd fd{::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)};
  if (!fd.valid()) throw_errno("creating " + p);
  return fd;
}

void write_text(const std::string& p, std::string_view text) {
  Fd f = create_file(p);
  for (std::size_t done = 0; done < text.size();) {
    ssize_t w = ::write(f.get(), text.data() + done, text.size() - done);
    if (w < 0) throw_errno("writing " + p);
    done += std::size_t(w);
  }
  close_output(f, p);
}

// An existing destination is an error unless it is to be replaced (whole: an OCI layout is not added to).
void refuse_existing(const StagedOutput& st, const OutputSpec& spec, bool replace) {
  if (st.dest_exists() && !replace) throw Error(spec.path + ": exists (use --force to replace it)");
}

void write_oci(const Root& root, const Analysis& analysis, const OutputSpec& spec, const json* source,
               const std::string& arch, const std::string& os, bool replace, std::int64_t mtime,
               const ProgressObserver& progress) {
  StagedOutput st(spec.path);
  refuse_existing(st, spec, replace);
  const std::string blobs = st.tmp() + "/blobs/sha256";
  for (const std::string& d : {st.tmp(), st.tmp() + "/blobs", blobs})
    if (::mkdir(d.c_str(), 0755) != 0) throw_errno("creating " + d);

  const std::string layer_tmp = blobs + "/.layer";
  Fd lf = create_file(layer_tmp);
  StreamDigests layer = write_layer(root, analysis, Compression::Gzip, lf.get(), mtime, progress);
  close_output(lf, layer_tmp);
  const std::string layer_blob = blobs + "/" + layer.digest.substr(7);
  if (::rename(layer_tmp.c_str(), layer_blob.c_str()) != 0) throw_errno("renaming " + layer_tmp + " to " + layer_blob);

  auto blob = [&](const std::string& text) {
    std::string hex = sha256_hex(text);
    write_text(blobs + "/" + hex, text);
    return json{{"digest", "sha256:" + hex}, {"size", text.size()}};
  };
  json config = blob(make_image_config(source, arch, os, layer.diff_id, mtime).dump());
  config["mediaType"] = kOciConfig;
  json manifest_doc = {{"schemaVersion", 2},
                       {"mediaType", kOciManifest},
                       {"config", config},
                       {"layers", json::array({{{"mediaType", kOciLayerGzip}, {"digest", layer.digest}, {"size", layer.size}}})}};
  json manifest = blob(manifest_doc.dump());
  manifest["mediaType"] = kOciManifest;
  manifest["annotations"] = {{"org.opencontainers.image.ref.name", spec.tag_or_ref}};
  json index = {{"schemaVersion", 2}, {"mediaType", kOciIndex}, {"manifests", json::array({manifest})}};
  write_text(st.tmp() + "/index.json", index.dump());
  write_text(st.tmp() + "/oci-layout", json{{"imageLayoutVersion", "1.0.0"}}.dump());
  st.commit();
}

// The layout `docker save` and skopeo write: manifest.json naming the config "<sha256>.json" and the
// layers, here one uncompressed "<diff_id hex>.tar" (so its digest is its diff_id, as docker load expects).
void write_docker_archive(const Root& root, const Analysis& analysis, const OutputSpec& spec, const json* source,
                          const std::string& arch, const std::string& os, bool replace, std::int64_t mtime,
                          const ProgressObserver& progress) {
  StagedOutput st(spec.path);
  refuse_existing(st, spec, replace);
  // The layer goes to an anonymous file first: the archive names it by a digest known only at its end.
  const std::string dir = fs::path(st.tmp()).parent_path().string();
  Fd lf{::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)};
  if (!lf.valid()) {
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) throw_errno("creating a temporary file in " + dir);
    const std::string p = st.tmp() + "-layer";
    lf.reset(::open(p.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!lf.valid()) throw_errno("creating " + p);
    ::unlink(p.c_str());
  }
  StreamDigests layer = write_layer(root, analysis, Compression::None, lf.get(), mtime, progress);
  if (::lseek(lf.get(), 0, SEEK_SET) != 0) throw_errno("rewinding the layer");

  const std::string config = make_image_config(source, arch, os, layer.diff_id, mtime).dump();
  const std::string config_name = sha256_hex(config) + ".json";
  const std::string layer_name = layer.diff_id.substr(7) + ".tar";
  json manifest = json::array({{{"Config", config_name},
                                {"RepoTags", spec.tag_or_ref.empty() ? json::array() : json::array({spec.tag_or_ref})},
                                {"Layers", json::array({layer_name})}}});

  Fd out = create_file(st.tmp());
  TarStream tar(out.get(), Compression::None, mtime, /*hash=*/false);
  tar.add_bytes(config_name, 0644, config);
  tar.add_file(layer_name, 0644, 0, 0, layer.uncompressed_size, lf.get());
  tar.add_bytes("manifest.json", 0644, manifest.dump());
  tar.finish();
  close_output(out, st.tmp());
  st.commit();
}

void write_bare_layer(const Root& root, const Analysis& analysis, const OutputSpec& spec, bool replace,
                      std::int64_t mtime, const ProgressObserver& progress) {
  StagedOutput st(spec.path);
  refuse_existing(st, spec, replace);
  Fd out = create_file(st.tmp());
  write_layer(root, analysis, spec.compression, out.get(), mtime, progress);
  close_output(out, st.tmp());
  st.commit();
}

const json* member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

bool is_string_array(const json& v) {
  if (!v.is_array()) return false;
  for (const auto& e : v)
    if (!e.is_string()) return false;
  return true;
}

}  // namespace

bool is_image_spec(const std::string& spec) { return output_kind(spec) != OutputSpec::Kind::Directory; }

const json* source_config(const Root& root) {
  const ImageRoot* image = as_image(root);
  return image && !image->config_json().is_null() ? &image->config_json() : nullptr;
}

std::string image_arch(const Analysis& analysis) {
  std::string arch = elf::go_arch({analysis.elf_machine, analysis.elf_class, analysis.elf_data});
  if (!arch.empty()) return arch;
#if defined(__aarch64__)
  return "arm64";
#else
  return "amd64";
#endif
}

json make_image_config(const json* source, const std::string& arch, const std::string& os,
                       const std::string& diff_id, std::int64_t mtime) {
  json out = json::object();
  json run = json::object();
  if (source) {
    // The source config is image data: check each kept field's type before copying it.
    if (!source->is_object()) throw Error("source image config: not a JSON object");
    for (const char* key : {"architecture", "os", "variant"})
      if (const json* v = member(*source, key)) {
        if (!v->is_string()) throw Error(std::string("source image config: ") + key + " is not a string");
        out[key] = *v;
      }
    if (const json* c = member(*source, "config")) {
      if (!c->is_object()) throw Error("source image config: config is not an object");
      for (const char* key : {"Entrypoint", "Cmd", "Env"})
        if (const json* v = member(*c, key)) {
          if (!is_string_array(*v)) throw Error(std::string("source image config: ") + key + " is not an array of strings");
          run[key] = *v;
        }
      for (const char* key : {"WorkingDir", "User", "StopSignal"})
        if (const json* v = member(*c, key)) {
          if (!v->is_string()) throw Error(std::string("source image config: ") + key + " is not a string");
          if (!v->get_ref<const std::string&>().empty()) run[key] = *v;
        }
      if (const json* v = member(*c, "ExposedPorts")) {
        if (!v->is_object()) throw Error("source image config: ExposedPorts is not an object");
        run["ExposedPorts"] = *v;
      }
      if (const json* v = member(*c, "Labels")) {
        if (!v->is_object()) throw Error("source image config: Labels is not an object");
        for (const auto& [k, val] : v->items())
          if (!val.is_string()) throw Error("source image config: label " + k + " is not a string");
        run["Labels"] = *v;
      }
    }
  }
  if (!out.contains("architecture")) {
    if (arch.empty()) throw Error("image config: no architecture (the source has none and none was given)");
    out["architecture"] = arch;
  }
  if (!out.contains("os")) out["os"] = os.empty() ? "linux" : os;
  const std::string created = rfc3339(mtime);
  out["config"] = std::move(run);
  out["created"] = created;
  out["rootfs"] = {{"type", "layers"}, {"diff_ids", json::array({diff_id})}};
  out["history"] = json::array({{{"created", created}, {"created_by", "raison shrink"}}});
  return out;
}

void write_image(const Root& root, const Analysis& analysis, const std::string& spec, const json* source_config,
                 const std::string& arch, const std::string& os, bool replace, const TransportOptions& transport,
                 const std::string& temp_dir, const ProgressObserver& progress) {
  write_image(root, analysis, parse_output_spec(spec), source_config, arch, os, replace, transport, temp_dir, progress);
}

void write_image(const Root& root, const Analysis& analysis, const OutputSpec& s, const json* source_config,
                 const std::string& arch, const std::string& os, bool replace, const TransportOptions& transport,
                 const std::string& temp_dir, const ProgressObserver& progress) {
  const std::string& spec = s.text;
  if (!s.is_image()) throw Error(spec + ": not an image output (oci:DIR, docker-archive:FILE, *.tar, *.tar.gz, *.tar.zst)");
  if (s.kind == OutputSpec::Kind::Transport) {  // errors name the spec already
    push_image(root, analysis, s, source_config, arch, os, replace, transport, temp_dir);
    return;
  }
  const std::int64_t mtime = reproducible_time();
  try {
    switch (s.kind) {
      case OutputSpec::Kind::Oci: write_oci(root, analysis, s, source_config, arch, os, replace, mtime, progress); break;
      case OutputSpec::Kind::DockerArchive:
        write_docker_archive(root, analysis, s, source_config, arch, os, replace, mtime, progress);
        break;
      case OutputSpec::Kind::Layer: write_bare_layer(root, analysis, s, replace, mtime, progress); break;
      case OutputSpec::Kind::Directory:
      case OutputSpec::Kind::Transport: break;
    }
  } catch (const json::exception& e) {  // a source config value that cannot be serialised
    throw Error(spec + ": image config: " + e.what());
  } catch (const Error& e) {
    throw e.context("writing " + spec);
  }
}

}  // namespace raison

// Output specs: the prefixes and suffixes that name an image output, the reference grammars of OCI
// tags and docker names. Everything else is a directory.
#include "emit/output_spec.hpp"

#include <regex>
#include <string_view>

#include "raison/error.hpp"
#include "util/skopeo.hpp"

namespace raison {

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Docker's reference grammar, [HOST[:PORT]/]PATH[:TAG]: the first component is a host only if it has
// a '.' or ':' or is "localhost"; path components are lowercase; digests are not taken.
bool valid_docker_reference(const std::string& ref) {
  static const std::regex host(R"(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(:[0-9]+)?)");
  static const std::regex component(R"([a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)");
  static const std::regex tag(R"([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
  std::string name = ref;
  const std::size_t slash = ref.rfind('/'), colon = ref.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    if (!std::regex_match(ref.substr(colon + 1), tag)) return false;
    name.resize(colon);
  }
  std::size_t pos = 0;
  if (const std::size_t first = name.find('/'); first != std::string::npos) {
    const std::string head = name.substr(0, first);
    if (head.find_first_of(".:") != std::string::npos || head == "localhost") {
      if (!std::regex_match(head, host)) return false;
      pos = first + 1;
    }
  }
  for (;;) {
    const std::size_t end = name.find('/', pos);
    if (!std::regex_match(name.substr(pos, end - pos), component)) return false;
    if (end == std::string::npos) return true;
    pos = end + 1;
  }
}

// PREFIX PATH [":" REF]: the path ends at the first ':', as skopeo splits "oci:PATH:REF" on Linux.
OutputSpec split(const std::string& spec, std::string_view prefix, OutputSpec::Kind kind) {
  OutputSpec s{.kind = kind, .text = spec, .path = spec.substr(prefix.size())};
  if (auto colon = s.path.find(':'); colon != std::string::npos) {
    s.tag_or_ref = s.path.substr(colon + 1);
    s.path.resize(colon);
  }
  if (s.path.empty()) throw Error(spec + ": no path before the reference");
  return s;
}

OutputSpec parse_oci(const std::string& spec) {
  OutputSpec s = split(spec, "oci:", OutputSpec::Kind::Oci);
  if (s.tag_or_ref.empty()) s.tag_or_ref = "latest";
  // The image-spec grammar for org.opencontainers.image.ref.name.
  static const std::regex ref(R"([A-Za-z0-9]+(([-._:@+]|--)[A-Za-z0-9]+)*)");
  if (!std::regex_match(s.tag_or_ref, ref)) throw Error(spec + ": '" + s.tag_or_ref + "' is not a valid OCI reference name");
  return s;
}

OutputSpec parse_docker_archive(const std::string& spec) {
  OutputSpec s = split(spec, "docker-archive:", OutputSpec::Kind::DockerArchive);
  if (s.tag_or_ref.empty()) return s;  // untagged
  if (!valid_docker_reference(s.tag_or_ref)) throw Error(spec + ": '" + s.tag_or_ref + "' is not a valid NAME[:TAG]");
  const std::size_t slash = s.tag_or_ref.rfind('/'), colon = s.tag_or_ref.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) s.tag_or_ref += ":latest";
  return s;
}

OutputSpec parse_layer(const std::string& spec) {
  const Compression c = ends_with(spec, ".tar.gz") || ends_with(spec, ".tgz") ? Compression::Gzip
                        : ends_with(spec, ".tar.zst")                          ? Compression::Zstd
                                                                               : Compression::None;
  return {.kind = OutputSpec::Kind::Layer, .text = spec, .path = spec, .compression = c};
}

}  // namespace

OutputSpec::Kind output_kind(const std::string& spec) {
  if (is_transport_spec(spec)) return OutputSpec::Kind::Transport;
  if (spec.starts_with("oci:")) return OutputSpec::Kind::Oci;
  if (spec.starts_with("docker-archive:")) return OutputSpec::Kind::DockerArchive;
  for (std::string_view suffix : {".tar", ".tar.gz", ".tgz", ".tar.zst"})
    if (ends_with(spec, suffix)) return OutputSpec::Kind::Layer;
  return OutputSpec::Kind::Directory;
}

OutputSpec parse_output_spec(const std::string& spec) {
  switch (output_kind(spec)) {
    case OutputSpec::Kind::Oci: return parse_oci(spec);
    case OutputSpec::Kind::DockerArchive: return parse_docker_archive(spec);
    case OutputSpec::Kind::Layer: return parse_layer(spec);
    case OutputSpec::Kind::Transport:
      // skopeo parses the reference; only oci-archive's file is ours to check (its directory exists).
      if (spec.starts_with("oci-archive:")) return split(spec, "oci-archive:", OutputSpec::Kind::Transport);
      return {.kind = OutputSpec::Kind::Transport, .text = spec};
    case OutputSpec::Kind::Directory: break;
  }
  return {.kind = OutputSpec::Kind::Directory, .text = spec, .path = spec};
}

}  // namespace raison

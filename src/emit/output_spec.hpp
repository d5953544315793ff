// What an output spec (-o) names: a directory, a bare tar layer, an OCI image layout or a
// docker-archive, with its path, tag and compression. Parsed here and nowhere else; the writers and
// the CLI (which checks the destination's directory before the run) take the parsed form.
#pragma once

#include <string>

namespace raison {

enum class Compression { None, Gzip, Zstd };

struct OutputSpec {
  enum class Kind {
    Directory,      // anything that names no image: the minimal root as a directory tree
    Layer,          // X.tar, X.tar.gz / X.tgz, X.tar.zst: the bare layer
    Oci,            // oci:DIR[:TAG], an OCI image layout
    DockerArchive,  // docker-archive:FILE[:NAME[:TAG]], what `docker save` writes
    Transport,      // docker://REF, docker-daemon:REF, containers-storage:REF, oci-archive:PATH[:REF]: skopeo's
  };
  Kind kind = Kind::Directory;
  std::string text{};        // the spec as given, for messages
  std::string path{};        // the directory or file written; Transport: oci-archive's PATH, else empty
  std::string tag_or_ref{};  // Oci: the tag ("latest" when none); DockerArchive: "NAME:TAG", or empty (untagged)
  Compression compression = Compression::None;  // Layer only

  bool is_image() const { return kind != Kind::Directory; }
};

// Which kind `spec` names, from its prefix or suffix alone (never throws).
OutputSpec::Kind output_kind(const std::string& spec);

// Parses `spec`. Oci and DockerArchive paths end at the first ':' after the prefix (as skopeo splits
// them on Linux); an OCI tag must be a valid org.opencontainers.image.ref.name, a docker-archive
// NAME[:TAG] a valid docker reference (NAME alone gets ":latest"). Throws Error naming the spec
// otherwise.
OutputSpec parse_output_spec(const std::string& spec);

}  // namespace raison

// The emit stage: the minimal root as a directory, and the manifest that explains every file in it,
// written and read back (images: emit/image_writer.hpp). Outputs are written under a temporary name
// beside their destination and renamed into place at the end, so a failed run leaves no half-written
// output.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "raison/analysis.hpp"
#include "raison/closure.hpp"
#include "raison/packages.hpp"
#include "raison/progress.hpp"

namespace raison {

struct EmitOptions {
  bool replace = false;  // replace an existing non-empty output
  // Keep setuid/setgid bits and security.capability in a directory output. Off: a directory output is
  // files on this machine, where an image's setuid-root program would work as one; tar and image
  // outputs always keep them (they are the image's, to run in a container).
  bool preserve_privileges = false;
  // Told of the paths written ("writing": path n of N, file bytes so far) once per path.
  ProgressObserver progress{};
};

// Writes the closure of `analysis` as a directory tree at `outdir` with the source's modes (less
// setuid/setgid unless options.preserve_privileges), numeric owners (when running as root), mtimes,
// symlinks, hardlinks, and security.capability xattrs only with options.preserve_privileges. The top
// directory is the user's: mode from the umask, owner the user, whatever the image's "/" says.
// Sparse files stay sparse (holes are not written).
// Throws Error if outdir exists and is not empty (unless options.replace) or on any write failure.
void write_root_dir(const Root& root, const Analysis& analysis, const std::string& outdir, const EmitOptions& options);

// The manifest: every kept path with its type, size, sha256, mode, owners and reasons. Schema in the
// README ("raison-manifest/1"). With `packages`, each file names the packages that own it and the
// manifest lists the packages kept (what SBOMs are made from).
nlohmann::json make_manifest(const Root& root, const Analysis& analysis, const Options& options,
                             const PackageIndex* packages = nullptr);

// Writes make_manifest() to `path` (atomically). Throws Error naming `path` if it cannot be written,
// or if the root has a name that JSON cannot hold (not UTF-8).
void write_manifest(const std::string& path, const Root& root, const Analysis& analysis, const Options& options,
                    const PackageIndex* packages = nullptr);

// Writes a manifest made by make_manifest() to `path` (atomically), as write_manifest() above does.
void write_manifest(const std::string& path, const nlohmann::json& manifest);

// Writes `text` to `path` atomically (temporary file in the same directory, then rename).
void write_file_atomically(const std::string& path, const std::string& text);

// Throws Error unless the directory `path` goes into exists ("PATH: directory DIR: No such file or
// directory"). Checked before anything is read or written: a missing directory is found before
// minutes of unpacking, and a manifest that could not be written after its image would leave that
// image behind.
void check_output_dir(const std::string& path);

// The manifest's word for a file's type: "file", "dir", "symlink", "other".
const char* manifest_type_name(FileType type);

// A manifest read back (emit/manifest_read.cpp): what it was made with, and the whole document.
struct Manifest {
  std::string file{};     // the file it was read from
  std::string source{};   // "source": how to open the root it was made from again; empty if unknown
  Options options{};      // "seeds", "analyzers" and "env"; the other options are not recorded
  nlohmann::json json{};  // the document, checked to be a raison-manifest/1 object
};

// Reads the manifest at `path`. Throws Error naming the file if it cannot be read, is not JSON, is
// not a raison-manifest/1 document, or its files, seeds, analyzers, env or source have the wrong type.
Manifest read_manifest(const std::string& path);

// The packages a manifest's file entry names ("packages": their names joined by ","; an older "package"
// string as it is); "" when it names none. `manifest_records_packages` says whether the manifest was
// written with ownership at all (a top-level "packages" list), so that "" means "no package".
std::string manifest_package_label(const nlohmann::json& file);
bool manifest_records_packages(const nlohmann::json& manifest);

// True if `path` is a regular file whose first non-blank byte is '{': a manifest rather than a root.
bool looks_like_manifest(const std::string& path);

// Rebuilds the graph a manifest describes (for `why MANIFEST PATH`). Throws Error if it is not one or
// a file's reasons are malformed; the second form names the manifest's file in the message.
Graph graph_from_manifest(const nlohmann::json& manifest);
Graph graph_from_manifest(const Manifest& manifest);

}  // namespace raison

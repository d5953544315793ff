// skopeo, the one way raison speaks to registries, container engines and archives it does not read
// itself (README, "Transports"): `skopeo copy SRC DEST` run as a child, its failure one line naming the
// image. Shared by the input (fetch into a private `oci:` layout) and emit (push from one) stages.
#pragma once

#include <optional>
#include <string>

namespace raison {

// skopeo's options users need, passed through as skopeo spells them. Credentials, auth file and TLS
// apply to the `docker://` side of a copy only (the others ignore them); a src-/dest- value wins over
// the one for both sides.
struct TransportOptions {
  std::string creds;       // --creds USER[:PASSWORD]: both sides
  std::string src_creds;   // --src-creds
  std::string dest_creds;  // --dest-creds
  std::string authfile;    // --authfile FILE: both sides
  std::optional<bool> tls_verify;       // --tls-verify=BOOL: both sides; unset: skopeo's default (true)
  std::optional<bool> src_tls_verify;   // --src-tls-verify=BOOL
  std::optional<bool> dest_tls_verify;  // --dest-tls-verify=BOOL
  std::string daemon_host;  // --daemon-host URL of a docker-daemon: side (skopeo ignores $DOCKER_HOST)
};

// True for the specs skopeo carries: docker://REF, docker-daemon:REF, containers-storage:REF,
// oci-archive:PATH[:REF].
bool is_transport_spec(const std::string& spec);

// Runs `skopeo copy` from `src` to `dest` with `options` (src- options to a docker:// `src`, dest- ones
// to a docker:// `dest`). `image` is the user's spec, named in errors. Throws Error
// "IMAGE: skopeo not found on PATH (Debian package skopeo)" when there is none, and
// "IMAGE: skopeo copy failed: CAUSE" (skopeo's own message, one printable line) when it fails.
// `platform` ("os/arch[/variant]", may be empty: this machine's) picks from a multi-platform source.
// skopeo's own temporary files (an oci-archive unpacked, blobs on their way) go to `work_dir` (its
// $TMPDIR), inside the transfer directory, so that they go with it even when skopeo is killed.
void skopeo_copy(const std::string& src, const std::string& dest, const TransportOptions& options,
                 const std::string& image, const std::string& work_dir, const std::string& platform = {});

// A private directory for one transfer: `temp_dir`/raison-XXXXXX (mode 0700; empty `temp_dir`: $TMPDIR,
// else /tmp), marked and locked as a staging directory is (util/cleanup.hpp): removed on SIGINT/SIGTERM,
// reclaimed by a later run after a SIGKILL, and removed, tree and all, when the object goes.
class TransferDir {
 public:
  explicit TransferDir(const std::string& temp_dir);
  ~TransferDir();
  TransferDir(const TransferDir&) = delete;
  TransferDir& operator=(const TransferDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace raison

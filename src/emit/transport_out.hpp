// Image outputs behind a transport (docker://, docker-daemon:, containers-storage:, oci-archive:): the
// OCI image is written into a private temporary layout, then skopeo copies it to the destination
// (README "Transports"). Called by write_image() for OutputSpec::Kind::Transport.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "emit/output_spec.hpp"
#include "raison/analysis.hpp"
#include "raison/root.hpp"
#include "util/skopeo.hpp"

namespace raison {

void push_image(const Root& root, const Analysis& analysis, const OutputSpec& spec,
                const nlohmann::json* source_config, const std::string& arch, const std::string& os, bool replace,
                const TransportOptions& transport, const std::string& temp_dir);

}  // namespace raison

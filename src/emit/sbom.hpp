// SBOMs of an output, made from its manifest alone (so `raison sbom MANIFEST` and `closure --sbom`
// give the same document): SPDX 2.3 JSON and CycloneDX 1.5 JSON, listing the packages kept (with
// purls), the files (SHA-256), which package contains which file, what depends on what (from the
// reasons), and each file's chain of reasons. Deterministic: ids are derived from the manifest, and
// the only time written is reproducible_time() (SOURCE_DATE_EPOCH, else 1970-01-01T00:00:00Z).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace raison {

enum class SbomFormat { Spdx, CycloneDx };

// "spdx" / "cyclonedx"; nullopt for anything else.
std::optional<SbomFormat> parse_sbom_format(std::string_view name);

// The SBOM of the manifest (a raison-manifest/1 document made with package ownership). Throws Error
// if the manifest has no "packages" (made by a raison without ownership) or its reasons are malformed.
nlohmann::json make_sbom(const nlohmann::json& manifest, SbomFormat format);

// make_sbom() written to `path` atomically.
void write_sbom(const std::string& path, const nlohmann::json& manifest, SbomFormat format);

}  // namespace raison

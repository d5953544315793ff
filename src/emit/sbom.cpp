// The SBOMs (see sbom.hpp). Both documents say the same things in their own vocabulary:
//   the root                       SPDX package SPDXRef-Root      CycloneDX metadata.component
//   a package kept (deb/apk/pypi)  SPDX package + purl externalRef CycloneDX library component + purl
//   a kept file (not a directory)  SPDX file (SHA256)             CycloneDX file component (SHA-256)
//   package P holds file F         P CONTAINS F                   F nested in P's components
//   F needs G (a reason)           F DEPENDS_ON G, and their      dependencies: F dependsOn G, and
//                                  packages' DEPENDS_ON           their packages'
//   why F is kept                  an annotation on F             property raison:reason (the chain)
// SPDX files need a checksum, so symlinks are listed only by CycloneDX.
#include "emit/sbom.hpp"

#include <fmt/format.h>

#include <ctime>
#include <map>
#include <set>

#include "emit/image_writer.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "util/sha256.hpp"

namespace raison {

namespace {

constexpr const char* kTool = "raison";
constexpr const char* kVersion = "0.1.0";

std::string iso_time(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// What both formats are made from, read once from the manifest.
struct Model {
  struct Pkg {
    nlohmann::json json;  // the manifest's entry
    std::string ref;      // unique: the purl, "#N" added for a repeated one
  };
  struct File {
    const nlohmann::json* json;
    std::vector<std::size_t> owners;  // indices into pkgs
    std::string chain;                // the shortest chain of reasons from a seed, one hop after another
  };
  std::string root, digest;
  std::vector<Pkg> pkgs;
  std::vector<File> files;
  std::map<std::string, std::size_t> file_at;               // path -> index into files
  std::set<std::pair<std::size_t, std::size_t>> file_deps;  // (needs, needed) file indices
  std::set<std::pair<std::size_t, std::size_t>> pkg_deps;   // (needs, needed) package indices
};

std::string key_of(const nlohmann::json& p) {
  return p.value("ecosystem", "") + "\n" + p.value("name", "") + "\n" + p.value("version", "") + "\n" + p.value("arch", "");
}

Model read_model(const nlohmann::json& manifest) {
  if (!manifest.contains("packages") || !manifest["packages"].is_array())
    throw Error("the manifest has no \"packages\": it was made by a raison that did not read package databases");
  Model m;
  m.root = manifest.value("root", "root");
  m.digest = sha256_hex(manifest.dump());
  std::map<std::string, std::size_t> pkg_at;
  std::map<std::string, int> refs;
  for (const auto& p : manifest["packages"]) {
    std::string ref = p.value("purl", "");
    if (int n = refs[ref]++; n) ref += fmt::format("#{}", n + 1);
    pkg_at[key_of(p)] = m.pkgs.size();
    m.pkgs.push_back({p, ref});
  }
  const Graph g = graph_from_manifest(manifest);
  for (const auto& f : manifest["files"]) {
    const std::string type = f.value("type", "");
    if (type == "dir") continue;
    Model::File file{&f, {}, {}};
    for (const auto& o : f.value("packages", nlohmann::json::array()))
      if (auto it = pkg_at.find(key_of(o)); it != pkg_at.end()) file.owners.push_back(it->second);
    if (auto v = g.find(f.value("path", ""))) {
      for (const auto& hop : g.why(*v)) {
        if (!file.chain.empty()) file.chain += " -> ";
        file.chain += fmt::format("{} [{}: {}]", g.node(hop.to).path, to_string(hop.reason.kind), hop.reason.detail);
      }
    }
    m.file_at[f.value("path", "")] = m.files.size();
    m.files.push_back(std::move(file));
  }
  for (std::size_t i = 0; i < m.files.size(); ++i)
    for (const auto& r : (*m.files[i].json)["reasons"]) {
      const auto from = m.file_at.find(r.value("from", ""));
      if (from == m.file_at.end() || from->second == i || r.value("kind", "") == "parent") continue;
      m.file_deps.insert({from->second, i});
      for (const auto a : m.files[from->second].owners)
        for (const auto b : m.files[i].owners)
          if (a != b) m.pkg_deps.insert({a, b});
    }
  return m;
}

std::string file_comment(const Model::File& f) { return "kept because: " + (f.chain.empty() ? "(no chain)" : f.chain); }

nlohmann::json spdx(const Model& m) {
  const std::string created = iso_time(reproducible_time());
  const std::string tool = fmt::format("Tool: {}-{}", kTool, kVersion);
  nlohmann::json packages = nlohmann::json::array(), files = nlohmann::json::array(), rels = nlohmann::json::array();
  auto rel = [&](const std::string& a, const char* type, const std::string& b) {
    rels.push_back({{"spdxElementId", a}, {"relationshipType", type}, {"relatedSpdxElement", b}});
  };
  rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Root");
  packages.push_back({{"SPDXID", "SPDXRef-Root"},
                      {"name", m.root},
                      {"downloadLocation", "NOASSERTION"},
                      {"filesAnalyzed", false},
                      {"primaryPackagePurpose", "CONTAINER"},
                      {"comment", "the output root as raison wrote it"}});
  auto pkg_id = [](std::size_t i) { return fmt::format("SPDXRef-Package-{}", i + 1); };
  auto file_id = [](std::size_t i) { return fmt::format("SPDXRef-File-{}", i + 1); };
  for (std::size_t i = 0; i < m.pkgs.size(); ++i) {
    const auto& p = m.pkgs[i].json;
    nlohmann::json j = {{"SPDXID", pkg_id(i)},
                        {"name", p.value("name", "")},
                        {"versionInfo", p.value("version", "")},
                        {"downloadLocation", "NOASSERTION"},
                        {"filesAnalyzed", false},
                        {"licenseConcluded", "NOASSERTION"},
                        {"licenseDeclared", "NOASSERTION"},
                        {"copyrightText", "NOASSERTION"},
                        {"externalRefs", {{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", p.value("purl", "")}}}},
                        {"comment", fmt::format("{} package; {} of its {} files kept ({} bytes){}", p.value("ecosystem", ""),
                                                p.value("kept_files", 0), p.value("listed_files", 0), p.value("kept_bytes", 0),
                                                p.value("partial", false) ? ", partially installed" : "")}};
    packages.push_back(std::move(j));
    rel("SPDXRef-Root", "CONTAINS", pkg_id(i));
  }
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    const auto& f = *m.files[i].json;
    if (!f.contains("sha256")) continue;  // a symlink, or a hardlink (its first name carries the file)
    files.push_back({{"SPDXID", file_id(i)},
                     {"fileName", "." + f.value("path", "")},
                     {"checksums", {{{"algorithm", "SHA256"}, {"checksumValue", f.value("sha256", "")}}}},
                     {"licenseConcluded", "NOASSERTION"},
                     {"copyrightText", "NOASSERTION"},
                     {"annotations", {{{"annotationDate", created}, {"annotationType", "OTHER"}, {"annotator", tool}, {"comment", file_comment(m.files[i])}}}}});
    if (m.files[i].owners.empty()) rel("SPDXRef-Root", "CONTAINS", file_id(i));
    for (const auto o : m.files[i].owners) rel(pkg_id(o), "CONTAINS", file_id(i));
  }
  for (const auto& [a, b] : m.file_deps)
    if ((*m.files[a].json).contains("sha256") && (*m.files[b].json).contains("sha256")) rel(file_id(a), "DEPENDS_ON", file_id(b));
  for (const auto& [a, b] : m.pkg_deps) rel(pkg_id(a), "DEPENDS_ON", pkg_id(b));
  return {{"spdxVersion", "SPDX-2.3"},
          {"dataLicense", "CC0-1.0"},
          {"SPDXID", "SPDXRef-DOCUMENT"},
          {"name", "raison output of " + m.root},
          {"documentNamespace", "https://raison.invalid/spdx/" + m.digest},
          {"creationInfo", {{"created", created}, {"creators", {tool}}}},
          {"packages", std::move(packages)},
          {"files", std::move(files)},
          {"relationships", std::move(rels)}};
}

nlohmann::json cyclonedx(const Model& m) {
  auto prop = [](const char* name, const std::string& value) { return nlohmann::json{{"name", name}, {"value", value}}; };
  auto file_ref = [&](std::size_t i) { return "file:" + (*m.files[i].json).value("path", ""); };
  std::vector<nlohmann::json> held(m.pkgs.size(), nlohmann::json::array());
  nlohmann::json loose = nlohmann::json::array();
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    const auto& f = *m.files[i].json;
    nlohmann::json c = {{"type", "file"}, {"bom-ref", file_ref(i)}, {"name", f.value("path", "")}};
    if (f.contains("sha256")) c["hashes"] = {{{"alg", "SHA-256"}, {"content", f.value("sha256", "")}}};
    nlohmann::json props = nlohmann::json::array({prop("raison:type", f.value("type", "")), prop("raison:reason", file_comment(m.files[i]))});
    // A file several packages own is nested in the first; the others are named here.
    for (const auto o : m.files[i].owners) props.push_back(prop("raison:package", m.pkgs[o].ref));
    c["properties"] = std::move(props);
    (m.files[i].owners.empty() ? loose : held[m.files[i].owners[0]]).push_back(std::move(c));
  }
  nlohmann::json components = nlohmann::json::array();
  for (std::size_t i = 0; i < m.pkgs.size(); ++i) {
    const auto& p = m.pkgs[i].json;
    nlohmann::json c = {{"type", "library"},
                        {"bom-ref", m.pkgs[i].ref},
                        {"name", p.value("name", "")},
                        {"version", p.value("version", "")},
                        {"purl", p.value("purl", "")},
                        {"properties",
                         {prop("raison:ecosystem", p.value("ecosystem", "")), prop("raison:arch", p.value("arch", "")),
                          prop("raison:kept_files", std::to_string(p.value("kept_files", 0))),
                          prop("raison:listed_files", std::to_string(p.value("listed_files", 0))),
                          prop("raison:partial", p.value("partial", false) ? "true" : "false")}}};
    if (!held[i].empty()) c["components"] = std::move(held[i]);
    components.push_back(std::move(c));
  }
  for (auto& c : loose) components.push_back(std::move(c));
  std::map<std::string, std::set<std::string>> deps;
  deps["raison-root"];
  for (std::size_t i = 0; i < m.pkgs.size(); ++i) deps["raison-root"].insert(m.pkgs[i].ref);
  for (const auto& [a, b] : m.file_deps) deps[file_ref(a)].insert(file_ref(b));
  for (const auto& [a, b] : m.pkg_deps) deps[m.pkgs[a].ref].insert(m.pkgs[b].ref);
  nlohmann::json dependencies = nlohmann::json::array();
  for (const auto& [ref, on] : deps) dependencies.push_back({{"ref", ref}, {"dependsOn", on}});
  // A UUID (version 5 layout) from the manifest's digest: the same manifest, the same serial number.
  const std::string h = m.digest;
  const std::string uuid = h.substr(0, 8) + "-" + h.substr(8, 4) + "-5" + h.substr(13, 3) + "-" +
                           "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3] + h.substr(17, 3) + "-" + h.substr(20, 12);
  return {{"$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json"},
          {"bomFormat", "CycloneDX"},
          {"specVersion", "1.5"},
          {"serialNumber", "urn:uuid:" + uuid},
          {"version", 1},
          {"metadata",
           {{"timestamp", iso_time(reproducible_time())},
            {"tools", {{"components", {{{"type", "application"}, {"name", kTool}, {"version", kVersion}}}}}},
            {"component", {{"type", "container"}, {"bom-ref", "raison-root"}, {"name", m.root}}}}},
          {"components", std::move(components)},
          {"dependencies", std::move(dependencies)}};
}

}  // namespace

std::optional<SbomFormat> parse_sbom_format(std::string_view name) {
  if (name == "spdx") return SbomFormat::Spdx;
  if (name == "cyclonedx") return SbomFormat::CycloneDx;
  return std::nullopt;
}

nlohmann::json make_sbom(const nlohmann::json& manifest, SbomFormat format) {
  const Model m = read_model(manifest);
  return format == SbomFormat::Spdx ? spdx(m) : cyclonedx(m);
}

void write_sbom(const std::string& path, const nlohmann::json& manifest, SbomFormat format) {
  std::string text;
  try {
    text = make_sbom(manifest, format).dump(1) + "\n";
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": the SBOM cannot be written as JSON: " + e.what());
  }
  write_file_atomically(path, text);
}

}  // namespace raison

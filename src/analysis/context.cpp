// What every analyzer may ask of the Context whatever drives it: lookups that turn a bad path into a
// diagnostic, diagnostics recorded once with the analyzer's name, whether a file is run, and the
// words for a loader's answer.
#include "analysis/analyzer.hpp"

#include "raison/error.hpp"

namespace raison {

bool Analysis::incomplete() const {
  for (const auto& d : diagnostics)
    if (d.severity != Diagnostic::Severity::Note) return true;
  return false;
}

std::string_view to_string(Diagnostic::Severity severity) {
  switch (severity) {
    case Diagnostic::Severity::Note: return "note";
    case Diagnostic::Severity::Incomplete: return "incomplete";
    case Diagnostic::Severity::Error: return "error";
  }
  return "error";
}

std::string_view to_string(Diagnostic::Code code) {
  switch (code) {
    case Diagnostic::Code::NotFound: return "not-found";
    case Diagnostic::Code::Unreadable: return "unreadable";
    case Diagnostic::Code::Remark: return "remark";
  }
  return "remark";
}

std::string to_string(const LibraryVia& via) {
  using Rule = LibraryVia::Rule;
  std::string list;
  switch (via.rule) {
    case Rule::Path: return via.written == via.dir ? "path" : "path " + via.written;
    case Rule::LdCache: return "ld.so.cache (" + via.dir + ")";
    case Rule::Rpath: list = "RPATH of " + via.object; break;
    case Rule::Runpath: list = "RUNPATH of " + via.object; break;
    case Rule::LdLibraryPath: list = "LD_LIBRARY_PATH"; break;
    case Rule::DefaultDirectory: list = "default directory"; break;
    case Rule::MuslPathFile: list = via.file; break;
    case Rule::MuslDefaultPath: list = "musl default path"; break;
  }
  std::string out = list + " " + via.written;
  if (via.written != via.dir) out += " (" + via.dir + ")";
  if (!via.subdir.empty()) out += " in " + via.subdir;
  return out;
}

std::optional<Resolved> Context::lookup(std::string_view path, bool follow_last) {
  try {
    return root.resolve(path, follow_last);
  } catch (const Error& e) {
    diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, std::string(path), e.what());
    return std::nullopt;
  }
}

std::optional<Resolved> Context::lookup_file(std::string_view path) {
  auto r = lookup(path);
  if (!r || !r->exists || r->stat.type != FileType::Regular) return std::nullopt;
  return r;
}

std::optional<std::string> Context::read(const std::string& canonical, std::size_t limit) {
  try {
    return read_file(root, canonical, limit);
  } catch (const Error& e) {
    diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, canonical, e.what());
    return std::nullopt;
  }
}

bool Context::is_run(Vertex v) const {
  for (const auto& r : analysis.graph.reasons_of(v))
    switch (r.kind) {
      case ReasonKind::Seed:
      case ReasonKind::Keep:
      case ReasonKind::Shebang:
      case ReasonKind::Exec:
        return true;
      default:
        break;
    }
  return false;
}

void Context::diagnose(Diagnostic::Severity severity, Diagnostic::Code code, std::string file, std::string message) {
  Diagnostic d{.severity = severity, .code = code, .analyzer = analyzer_, .file = std::move(file), .message = std::move(message)};
  // One problem, one line: the same finding by a second analyzer (a loop met by the loader and by a
  // rule) is not repeated.
  for (const auto& e : analysis.diagnostics)
    if (e.severity == d.severity && e.code == d.code && e.file == d.file && e.message == d.message) return;
  analysis.diagnostics.push_back(std::move(d));
}

}  // namespace raison

// Names of reason kinds as they appear in manifests and messages.
#include "raison/reason.hpp"

#include <array>
#include <utility>

namespace raison {

namespace {
constexpr std::array<std::pair<ReasonKind, std::string_view>, 15> kNames{{
    {ReasonKind::Seed, "seed"},       {ReasonKind::Interp, "interp"},   {ReasonKind::Needed, "needed"},
    {ReasonKind::Symlink, "symlink"}, {ReasonKind::Parent, "parent"},   {ReasonKind::Hardlink, "hardlink"},
    {ReasonKind::Dlopen, "dlopen"},   {ReasonKind::Shebang, "shebang"}, {ReasonKind::Import, "import"},
    {ReasonKind::Data, "data"},       {ReasonKind::Loader, "loader"},   {ReasonKind::Trace, "trace"},
    {ReasonKind::Exec, "exec"},       {ReasonKind::Keep, "keep"},
    {ReasonKind::Package, "package"},
}};
}  // namespace

std::string_view to_string(ReasonKind kind) {
  for (auto& [k, n] : kNames)
    if (k == kind) return n;
  return "?";
}

std::optional<ReasonKind> reason_kind_from_string(std::string_view name) {
  for (auto& [k, n] : kNames)
    if (n == name) return k;
  return std::nullopt;
}

bool is_entry_kind(ReasonKind kind) {
  switch (kind) {
    case ReasonKind::Seed:
    case ReasonKind::Dlopen:
    case ReasonKind::Shebang:
    case ReasonKind::Import:
    case ReasonKind::Trace:
    case ReasonKind::Exec:
    case ReasonKind::Keep:
      return true;
    default:
      return false;
  }
}

}  // namespace raison

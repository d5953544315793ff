// Reads the JSON of FDO dlopen metadata notes into DlopenDependency values. The bytes come from an
// untrusted ELF file: every deviation from the spec's well-known keys is an error naming the entry and
// the key; keys the spec does not know are ignored, as it asks parsers to do.
#include "analyzers/elf/dlopen_note.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "analyzers/elf/elf_file.hpp"
#include "raison/error.hpp"

namespace raison::elf {
namespace {

using nlohmann::json;

// Real notes are two levels deep; the bound keeps hostile nesting from costing stack or memory.
constexpr int kMaxDepth = 32;

bool has_control_character(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string checked_string(const json& value, const std::string& key) {
  if (!value.is_string()) throw Error("\"" + key + "\" must be a string");
  const auto& s = value.get_ref<const std::string&>();
  if (has_control_character(s)) throw Error("\"" + key + "\" contains a control character");
  return s;
}

Priority parse_priority(const json& value) {
  auto s = checked_string(value, "priority");
  if (s == "required") return Priority::Required;
  if (s == "recommended") return Priority::Recommended;
  if (s == "suggested") return Priority::Suggested;
  throw Error("\"priority\" must be required, recommended or suggested, not \"" + s + "\"");
}

DlopenDependency parse_entry(const json& entry) {
  if (!entry.is_object()) throw Error("not a JSON object");
  DlopenDependency dep;
  auto soname = entry.find("soname");
  if (soname == entry.end()) throw Error("no \"soname\" (it is mandatory)");
  if (!soname->is_array() || soname->empty()) throw Error("\"soname\" must be a non-empty array of strings");
  for (const auto& name : *soname) {
    auto s = checked_string(name, "soname");
    if (s.empty()) throw Error("\"soname\" has an empty name");
    dep.sonames.push_back(std::move(s));
  }
  if (auto it = entry.find("feature"); it != entry.end()) dep.feature = checked_string(*it, "feature");
  if (auto it = entry.find("description"); it != entry.end()) dep.description = checked_string(*it, "description");
  if (auto it = entry.find("priority"); it != entry.end()) dep.priority = parse_priority(*it);
  return dep;
}

// nlohmann keeps the last of duplicated keys silently; the spec requires unique keys, and a note that
// says "soname" twice is ambiguous, so the parse callback refuses it.
json parse_json(std::string_view text) {
  std::vector<std::set<std::string>> keys;
  auto check = [&keys](int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxDepth) throw Error("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
    if (event == json::parse_event_t::object_start) keys.emplace_back();
    if (event == json::parse_event_t::object_end && !keys.empty()) keys.pop_back();
    if (event == json::parse_event_t::key && !keys.empty() && !keys.back().insert(parsed.get<std::string>()).second)
      throw Error("duplicate key \"" + parsed.get<std::string>() + "\"");
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), check);
  } catch (const json::exception& e) {
    throw Error(std::string("not valid JSON: ") + e.what());
  }
}

}  // namespace

std::vector<DlopenDependency> parse_dlopen_note(std::string_view descriptor) {
  auto nul = descriptor.find('\0');
  if (nul == std::string_view::npos) throw Error("descriptor is not NUL-terminated");
  if (descriptor.find_first_not_of('\0', nul) != std::string_view::npos)
    throw Error("descriptor has bytes after its NUL terminator");
  json doc = parse_json(descriptor.substr(0, nul));
  if (!doc.is_array()) throw Error("the JSON is not an array of objects");
  std::vector<DlopenDependency> deps;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    try {
      deps.push_back(parse_entry(doc[i]));
    } catch (const Error& e) {
      throw e.context("entry " + std::to_string(i));
    }
  }
  return deps;
}

bool is_dlopen_note(const Note& note) { return note.owner == kDlopenNoteOwner && note.type == kDlopenNoteType; }

std::vector<DlopenDependency> dlopen_dependencies(const std::vector<Note>& notes) {
  std::vector<DlopenDependency> deps;
  std::size_t index = 0;
  for (const auto& note : notes) {
    if (!is_dlopen_note(note)) continue;
    try {
      auto some = parse_dlopen_note(note.desc);
      deps.insert(deps.end(), std::make_move_iterator(some.begin()), std::make_move_iterator(some.end()));
    } catch (const Error& e) {
      throw e.context("dlopen note " + std::to_string(index));
    }
    ++index;
  }
  return deps;
}

}  // namespace raison::elf

// The freedesktop "ELF dlopen metadata" note (.note.dlopen, owner "FDO", type 0x407c0c0a): a program's
// own list of the libraries it may dlopen(), each with alternative sonames and a priority. Follows
// systemd's docs/ELF_DLOPEN_METADATA.md (the uapi-group spec): the descriptor is a NUL-terminated JSON
// array of objects; "soname" (non-empty array of strings) is mandatory, unknown keys are allowed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "raison/options.hpp"

namespace raison::elf {

struct Note;

inline constexpr std::string_view kDlopenNoteOwner = "FDO";
inline constexpr std::uint32_t kDlopenNoteType = 0x407c0c0a;

struct DlopenDependency {
  // Alternatives for one library, most preferred first: the program loads the first one present.
  std::vector<std::string> sonames;
  std::string feature;      // may be empty; entries sharing a feature all need to be present for it
  std::string description;  // may be empty
  Priority priority = Priority::Recommended;  // the spec's default when "priority" is absent
};

// Parses one note's descriptor (the JSON text, its NUL terminator and any zero padding after it).
// Throws raison::Error naming the cause (entry index and key) if the JSON or a well-known key is invalid.
std::vector<DlopenDependency> parse_dlopen_note(std::string_view descriptor);

// True for the owner and type of a dlopen metadata note.
bool is_dlopen_note(const Note& note);

// The dependencies of every dlopen metadata note among `notes`, in order; other notes are skipped.
// Throws raison::Error ("dlopen note N: cause") for the first invalid one.
std::vector<DlopenDependency> dlopen_dependencies(const std::vector<Note>& notes);

}  // namespace raison::elf

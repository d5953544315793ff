// Rules: what runtimes load or read without saying so in any header (NSS modules, gconv converters,
// CA certificates, zoneinfo), as data. The shipped rules are src/analyzers/rules/default_rules.json,
// compiled in; users add their own with --rules FILE (same schema, documented in the README).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyzer.hpp"
#include "input/glob.hpp"

namespace raison::rules {

using raison::Priority;

struct Rule {
  std::string name;
  std::string doc;
  std::vector<std::string> when;   // globs over kept paths that trigger the rule
  bool output = false;             // fires once, with no `when`, when the closure is written as a root or an image
  std::vector<std::string> keep;   // globs inside the root to keep (a directory keeps its tree)
  std::vector<std::string> directories;  // paths kept themselves, not what they hold (a link stays a link)
  std::vector<std::string> dlopen;  // library names dlopen'ed by the triggering file
  std::string nsswitch;            // an nsswitch.conf whose services' modules are dlopen'ed
  bool gconv = false;              // keep every gconv converter beside gconv-modules
  bool entry = false;              // kept files are entry points (their own dependencies follow)
  Priority priority = Priority::Required;
  std::string source;              // "built-in" or the rules file
};

// Parses a rules document; throws Error with the cause (the caller names the file).
std::vector<Rule> parse_rules(std::string_view json_text, const std::string& source);
std::vector<Rule> builtin_rules();
std::optional<Priority> priority_from_string(std::string_view s);

// The NSS service names of an nsswitch.conf (each is a module libnss_NAME.so.2 unless built into
// libc), in order of first use, without [action] items.
std::vector<std::string> nss_services(std::string_view nsswitch_conf);

// The built-in rules plus those of each rules file given (--rules). Throws Error naming a file that
// cannot be read or is not a rules document: a rules file is the user's own input, not the root's.
std::unique_ptr<Analyzer> make_rules_analyzer(const std::vector<std::string>& rules_files);

}  // namespace raison::rules

// Installed distributions, as importlib.metadata finds them: a "NAME-VERSION.dist-info" or
// "NAME-VERSION.egg-info" entry (directory, or an old-style .egg-info file) in a directory of sys.path.
// Which top-level modules each provides comes from its top_level.txt, else its RECORD (dist-info) or
// installed-files.txt (egg-info), else its own name; its entry points from entry_points.txt.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"

namespace raison::python {

struct Distribution {
  std::string name;      // as its metadata entry names it: "Flask", "PyYAML", "cryptography"
  std::string metadata;  // canonical path of the .dist-info/.egg-info entry
  std::vector<std::string> top_level;  // importable top-level names it provides ("yaml", "_yaml")
};

// One entry point of entry_points.txt: "flask = flask.cli:main" in group [console_scripts].
struct EntryPoint {
  std::string module;  // "flask.cli"
  std::string object;  // "main" (may be empty)
};

class Distributions {
 public:
  // The distributions in `site_dir` that provide top-level module `top`.
  std::vector<const Distribution*> providing(Context& ctx, const std::string& site_dir, const std::string& top);
  // The distribution named `name` (compared as importlib.metadata normalises: case, and '-', '_', '.'
  // alike) in the first of `dirs` that has one.
  const Distribution* named(Context& ctx, const std::vector<std::string>& dirs, const std::string& name);
  // Entry point `name` of `group` in the distribution's entry_points.txt.
  std::optional<EntryPoint> entry_point(Context& ctx, const Distribution& dist, const std::string& group,
                                        const std::string& name);

 private:
  const std::vector<Distribution>& in(Context& ctx, const std::string& dir);
  std::map<std::string, std::vector<Distribution>> by_dir_;
};

// importlib.metadata's normal form of a distribution name: lower case, runs of '-', '_', '.' as '_'.
std::string normalize_distribution_name(std::string_view name);

}  // namespace raison::python

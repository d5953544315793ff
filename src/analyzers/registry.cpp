// The analyzers this build knows, made from the options, and analyze(): the analysis stage as the rest
// of raison calls it (the driver in src/analysis/ knows analyzers only through their contract).
#include "analysis/driver.hpp"
#include "analyzers/elf/elf_analyzer.hpp"
#include "analyzers/python/python_analyzer.hpp"
#include "analyzers/rules/rules.hpp"
#include "analyzers/script/shebang.hpp"
#include "analyzers/trace/trace_analyzer.hpp"
#include "raison/error.hpp"

namespace raison {

std::vector<std::string> known_analyzers() { return {"elf", "script", "python", "rules", "trace"}; }

namespace {

std::vector<std::unique_ptr<Analyzer>> make_analyzers(const Options& options) {
  for (const auto& name : options.analyzers) {
    bool known = false;
    for (const auto& k : known_analyzers()) known |= k == name;
    if (!known) throw Error("unknown analyzer '" + name + "'");
  }
  auto wanted = [&](std::string_view name) {
    return options.analyzers.empty() || options.analyzers.count(std::string(name)) > 0;
  };
  // Every ELF file is read once, whichever analyzers look into it.
  auto elf_files = std::make_shared<elf::ElfCache>(options.elf_reader);
  std::vector<std::unique_ptr<Analyzer>> out;
  if (wanted("elf")) out.push_back(elf::make_elf_analyzer(elf_files));
  if (wanted("script")) out.push_back(script::make_script_analyzer());
  if (wanted("python")) out.push_back(python::make_python_analyzer(elf_files));
  if (wanted("trace")) out.push_back(trace::make_trace_analyzer(options.traces));
  if (wanted("rules")) out.push_back(rules::make_rules_analyzer(options.rules_files));
  return out;
}

}  // namespace

Analysis analyze(const Root& root, const Options& options) { return run_analysis(root, options, make_analyzers(options)); }

}  // namespace raison

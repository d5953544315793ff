// The option groups the subcommands share, and how their text becomes a raison::Options. CLI11 stays
// in src/cli/ (here and main.cpp); every command and the library take plain structs.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "raison/options.hpp"

namespace raison::cli {

// The analysis options kept as text until finish_options() checks and splits them.
struct AnalysisText {
  std::vector<std::string> env;        // --env KEY=VALUE
  std::vector<std::string> analyzers;  // --analyzers a,b
  std::string hwcaps;                  // --hwcaps a,b or "none"
  std::string legacy_hwcaps;           // --legacy-hwcaps a,b or "none"
  std::string elf_reader = "direct";   // --elf-reader
};

// The options that decide a closure (closure, shrink, why): into `options`, or into `text`.
void add_analysis_options(CLI::App& cmd, Options& options, AnalysisText& text);

// The options closure and shrink share: where images unpack and which one, the outputs, verbosity.
void add_output_options(CLI::App& cmd, ClosureArgs& args);

// skopeo's options for transport roots and outputs (docker://, containers-storage:, ...).
void add_transport_options(CLI::App& cmd, TransportOptions& t);

// Completes `options` from `text`. Throws CLI::ValidationError for an --env without '='.
void finish_options(Options& options, const AnalysisText& text);

}  // namespace raison::cli

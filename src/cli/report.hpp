// What the commands print about a run: diagnostics and summaries on stderr, one "raison: ..." line
// each, and the lists asked for (--list, --list-loaded) on stdout. The facts come from the analysis
// and the graph stage; this is the only place closure and shrink turn them into text.
#pragma once

#include <cstdint>
#include <string>

#include "raison/analysis.hpp"
#include "raison/closure.hpp"
#include "raison/packages.hpp"
#include "raison/root.hpp"

namespace raison::cli {

// "12 B", "3.4 KiB", "5.6 MiB".
std::string human_bytes(std::uint64_t bytes);

// One line each, "raison: SEVERITY: FILE: MESSAGE [ANALYZER]"; notes only when `verbose`.
void print_diagnostics(const Analysis& analysis, bool verbose);

// The entries of an image that were not extracted (device nodes, fifos...): each one when `verbose`,
// else how many. Nothing for a directory.
void print_image_notes(const Root& root, bool verbose);
// With --verbose: how many files of an image stayed in their layers (lazy unpacking), how many were
// read again and in how many passes.
void print_deferred_note(const Root& root);

// "raison: N seeds: kept P paths, F regular files, SIZE", saying when the closure is incomplete and
// how many notes --verbose would show.
void print_summary(const Analysis& analysis, const Options& options, bool verbose);

// With traces: the kept files only a trace explains, and the statically required files no trace
// touched (the first five of each).
void print_trace_summary(const Analysis& analysis);

// shrink: what was kept of the whole image, and the five directories that lost the most.
void print_footprint(const Footprint& footprint);

// What the closure keeps of each package: how many packages (and how many only in part), then the
// `top` largest, one line each ("raison:   NAME VERSION (ECOSYSTEM): F files, SIZE of N files").
void print_packages(const PackageIndex& index, const Graph& graph, std::size_t top);

// --list: the kept paths but directories, sorted, one a line (stdout).
void print_kept_paths(const Graph& graph);

// --list-loaded: "ENTRY<TAB>OBJECT" for every object the loader maps for each ELF entry point (stdout).
void print_loaded_objects(const Analysis& analysis);

// --json of closure and shrink (README, "closure --json"): the seeds, what is kept, whether the
// closure is complete, and with `list` the kept paths, with `list_loaded` the loaded objects by entry.
void print_closure_json(const Analysis& analysis, const Options& options, bool list, bool list_loaded);

// `text` as it is on stdout.
void print_stdout(const std::string& text);

}  // namespace raison::cli

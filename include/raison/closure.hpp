// Questions asked of a closure graph, answered as facts for the emitters and the CLI to write out:
// which paths it keeps and under which names (kept.cpp), why one path is kept (why.cpp), and how much
// of a whole root it keeps (footprint.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "raison/graph.hpp"
#include "raison/root.hpp"

namespace raison {

// One kept path of the closure, in the order it is written (sorted by path, so a directory precedes
// what it holds).
struct KeptPath {
  std::string path;
  Graph::Vertex vertex;
  bool first_name;  // false: another name (hardlink) of a file kept under an earlier path
};
// Every name of every vertex the seeds reach; the first name of a file in sorted order is the one
// written, later ones become hardlinks to it.
std::vector<KeptPath> kept_paths(const Graph& graph);
// The regular files among `kept`, by first name: what an output reads the bytes of (Root::prefetch).
std::vector<std::string> kept_regular_files(const Graph& graph, const std::vector<KeptPath>& kept);

// What a closure holds: every kept path, and its regular files counted once each (by first name).
struct KeptSize {
  std::uint64_t paths = 0;
  std::uint64_t regular_files = 0;
  std::uint64_t bytes = 0;  // of those regular files, as they are in the root
};
KeptSize kept_size(const Graph& graph);

// The `why` report for `path`: the shortest chain from a seed, one hop a line. Returns false (and a
// text saying so) if the path is not in the closure.
bool explain(const Graph& graph, const std::string& path, std::string& out);

// How much of a whole root a closure keeps. Every regular file of the root is counted once (a file is
// its FileId: hardlinks and paths through linked directories are one file), kept when the closure
// keeps the path the walk meets it by first, dropped otherwise.
struct Footprint {
  std::uint64_t total_files = 0;
  std::uint64_t total_bytes = 0;
  std::uint64_t kept_files = 0;
  std::uint64_t kept_bytes = 0;
  // The dropped bytes by directory two levels deep ("/usr/share"; a file directly under "/usr" counts
  // for "/usr"), most bytes first.
  struct Dropped {
    std::string dir;
    std::uint64_t bytes = 0;
  };
  std::vector<Dropped> dropped;
};
// Walks all of `root` (directories it cannot list are skipped); `graph` is the closure over it.
Footprint measure_footprint(const Root& root, const Graph& graph);

}  // namespace raison

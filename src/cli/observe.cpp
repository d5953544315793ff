// `raison observe CONTAINER -o LOG`: what a running container uses, without restarting it — a
// snapshot of its processes from /proc, then their file activity under strace for a while — written
// as a path list `--trace` reads. And `raison shrink CONTAINER --observe DURATION -o OUT`: observe,
// save the container's image through its engine, and shrink it with the observation as evidence.
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include "analyzers/trace/observe.hpp"
#include "cli/commands.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "util/temp_dir.hpp"

namespace raison::cli {
namespace {

struct Observation {
  trace::Container container;
  std::vector<std::pair<int, std::vector<std::string>>> commands;
  std::string log;  // the text --trace reads
};

double seconds_of(const std::string& duration) {
  if (duration.empty()) return 0;  // until SIGINT
  const double s = trace::parse_duration(duration);
  if (s <= 0) throw Error(duration + ": not a duration (5, 5s, 500ms, 2m, 1h)");
  return s;
}

Observation observe(const std::string& name, double seconds) {
  // Find the container and its processes; snapshot what they hold now.
  Observation o{trace::find_container(name), {}, {}};
  const trace::Container& c = o.container;
  const std::vector<int> pids = trace::container_processes(c.pid);
  o.commands = trace::command_lines(pids);
  char cwd[4096];
  const ssize_t n = ::readlink(("/proc/" + std::to_string(c.pid) + "/cwd").c_str(), cwd, sizeof cwd - 1);
  const std::string first_cwd = n > 0 ? std::string(cwd, std::size_t(n)) : "/";
  std::vector<trace::Sighting> sightings = trace::snapshot(pids);
  const std::size_t snapped = sightings.size();
  fmt::print(stderr, "raison: {} container {}: {} process{}, first pid {}; snapshot: {} paths\n", c.engine, name, pids.size(),
             pids.size() == 1 ? "" : "es", c.pid, snapped);

  // Watch their file activity for the duration; strace detaches at the end.
  const std::string raw = trace::watch(pids, seconds, [seconds](const std::vector<int>& p) {
    if (seconds > 0) fmt::print(stderr, "raison: watching {} process{} for {} s\n", p.size(), p.size() == 1 ? "" : "es", seconds);
    else fmt::print(stderr, "raison: watching {} process{} until SIGINT\n", p.size(), p.size() == 1 ? "" : "es");
  });
  for (auto& s : trace::sightings_of_strace(raw, first_cwd)) sightings.push_back(std::move(s));
  o.log = trace::format_observation(c, o.commands, sightings);

  // The container runs on as before.
  const bool alive = ::kill(c.pid, 0) == 0;
  fmt::print(stderr, "raison: traced {} more path uses; {} {} (first pid {})\n", sightings.size() - snapped, name,
             alive ? "still running" : "HAS STOPPED", c.pid);
  return o;
}

}  // namespace

int run_observe(const ObserveArgs& args) {
  const Observation o = observe(args.container, seconds_of(args.duration));
  write_file_atomically(args.log, o.log);
  fmt::print(stderr, "raison: observation written to {}\n", args.log);
  return kOk;
}

int run_shrink_observed(ClosureArgs args) {
  // Observe first (the log to a private temporary file), then save the image the container runs.
  const Observation o = observe(args.root, seconds_of(args.observe));
  TempFile log("raison-observed");
  write_file_atomically(log.path(), o.log);
  TempFile image("raison-image");
  fmt::print(stderr, "raison: saving image {} through {}\n", o.container.image, o.container.engine);
  trace::save_image(o.container, image.path());

  // Shrink it: its Entrypoint and Cmd, what the processes run by module name, and the observation.
  args.root = "docker-archive:" + image.path();
  args.options.traces.push_back(log.path());
  for (const auto& m : trace::modules_run(o.commands)) args.options.python_imports.push_back(m);
  args.print_only_traced = true;
  return run_closure(args);
}

}  // namespace raison::cli

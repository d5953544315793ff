// Runtime evidence from a container that is already running under podman or docker, without
// restarting it: a snapshot of what its processes hold now (/proc, no ptrace), then their file
// activity for a while (`strace -f -p` on each), written as a path list that `--trace` reads, each
// entry naming its evidence. See README, "Observing a running container".
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace raison::trace {

struct Container {
  std::string engine;  // "podman" or "docker": the one whose CLI knows it
  std::string name;    // as the user gave it (name or ID)
  int pid = 0;         // its first process, on the host
  std::string image;   // the image ID the engine names
};

// Asks `podman inspect`, then `docker inspect` (as configured by their environment:
// CONTAINERS_CONF, CONTAINERS_STORAGE_CONF, DOCKER_HOST). Error when neither knows a running
// container of that name.
Container find_container(const std::string& name);

// Every process of the container: those sharing the pid namespace of its first process, or, when
// that is the host's own (--pid=host), the first process and its descendants. Sorted.
std::vector<int> container_processes(int init_pid);

// One path and what showed it: "mapped by pid 12", "open fd of pid 12", "exe of pid 12",
// "cwd of pid 12", "openat by pid 40", "openat by pid 40, created".
struct Sighting {
  std::string path;
  std::string evidence;
  bool operator==(const Sighting&) const = default;
};

// What the processes hold now, read from /proc/PID/{maps,fd,exe,cwd}: paths as the processes see
// them (the kernel prints them against their own root, the container's). Pseudo files (/proc, /sys,
// /dev), deleted files, sockets and pipes are left out. The exe of a process with a listening TCP
// socket says so ("exe of pid 12, listening on tcp port 8000").
std::vector<Sighting> snapshot(const std::vector<int>& pids);

// The command line of each process (from /proc/PID/cmdline), by pid.
std::vector<std::pair<int, std::vector<std::string>>> command_lines(const std::vector<int>& pids);

// The Python modules the processes run by name ("-m MODULE" of a command line): what neither a
// snapshot nor a trace sees once the module is imported, so `shrink --observe` analyses them.
std::vector<std::string> modules_run(const std::vector<std::pair<int, std::vector<std::string>>>& commands);

// Runs `ENGINE save` of the container's image into `file` (a docker-archive); its messages go to
// stderr. Error if it fails.
void save_image(const Container& c, const std::string& file);

// The successful path uses of an strace log as sightings (one per path, call and pid), each named by
// its call ("openat by pid P"); `cwd` is the first process's working directory.
std::vector<Sighting> sightings_of_strace(std::string_view log, const std::string& cwd);

// The log `--trace` reads: a header of comments (the container, each process's command line), then
// "PATH<TAB># EVIDENCE" lines.
std::string format_observation(const Container& c, const std::vector<std::pair<int, std::vector<std::string>>>& commands,
                               const std::vector<Sighting>& sightings);

// Attaches `strace -f` to every pid and returns its log once `seconds` have passed (or, with
// seconds <= 0, once raison gets SIGINT or SIGTERM); strace then detaches and the processes run on
// as before. `on_attached` is called once strace has attached to the first pid.
std::string watch(const std::vector<int>& pids, double seconds, const std::function<void(const std::vector<int>&)>& on_attached = {});

// "5", "5s", "500ms", "2m", "1h" as seconds; nullopt-like -1 for a malformed duration.
double parse_duration(const std::string& text);

}  // namespace raison::trace

// Seeds from an image's config: its Entrypoint + Cmd, read as the container runtime would start them
// (the program found through the image's PATH, relative arguments from WorkingDir), each argument that
// is a file of the root a seed of its own.
#include "analysis/seeds.hpp"

#include "raison/error.hpp"

namespace raison {

namespace {

// A regular file of the root at `path` (a loop of links is no file).
bool is_regular_file(const Root& root, const std::string& path) {
  try {
    const Resolved r = root.resolve(path);
    return r.exists && r.stat.type == FileType::Regular;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

void add_image_seeds(const Root& root, Options& options) {
  const ImageConfig* c = root.image_config();
  if (!c) throw Error(root.describe() + " has no image config: name the programs with --seed");
  std::vector<std::string> argv = c->entrypoint;
  argv.insert(argv.end(), c->cmd.begin(), c->cmd.end());
  if (argv.empty()) throw Error(root.describe() + " has no Entrypoint or Cmd: name the programs with --seed");
  const std::string workdir = c->working_dir.empty() ? "/" : c->working_dir;

  // The program: a bare name is looked up in the image's PATH, as execvp does.
  std::string program = argv[0];
  if (program.find('/') == std::string::npos) {
    std::string found = find_in_path(root, program, program_path(root, ""));
    if (found.empty()) throw Error(root.describe() + ": the image runs " + program + ", which is not in its PATH");
    program = found;
  } else if (program[0] != '/') {
    program = join_path(workdir, program);
  }
  options.seeds.push_back(program);

  // Its arguments: "-m MODULE" is a Python module run by name; an argument naming a file is a seed.
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "-m" && i + 1 < argv.size()) {
      options.python_imports.push_back(argv[++i]);
      continue;
    }
    if (a.empty() || a[0] == '-') continue;
    const std::string p = a[0] == '/' ? a : join_path(workdir, a);
    if (is_regular_file(root, p)) options.seeds.push_back(p);
  }
}

}  // namespace raison

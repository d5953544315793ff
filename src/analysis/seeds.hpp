// The seeds an image names itself: the programs its Entrypoint and Cmd run. Used by `shrink` and by
// `why IMAGE PATH`, and by any caller of the library that analyses an image without naming seeds.
#pragma once

#include "raison/options.hpp"
#include "raison/root.hpp"

namespace raison {

// Adds to options.seeds the program of the image's Entrypoint + Cmd (found through the image's PATH
// when it has no '/', relative to WorkingDir when relative) and every later argument that names a
// regular file of the root (a script: ["python3", "/app/main.py"]); "-m MODULE" adds MODULE to
// options.python_imports. Throws Error if the root has no image config, no Entrypoint or Cmd, or runs
// a program that is not in its PATH.
void add_image_seeds(const Root& root, Options& options);

}  // namespace raison

namespace raison {

// Every program of the root, as seeds for an analysis of the whole root (`why` on a dropped file asks
// which files would need it): each regular file that is an ELF executable or shared object, and each
// executable file starting with "#!". /proc, /sys and /dev are not walked. Sorted by path.
std::vector<std::string> whole_root_seeds(const Root& root);

}  // namespace raison

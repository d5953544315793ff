// The host's temporary directory and private temporary files in it.
#include "util/temp_dir.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "raison/error.hpp"
#include "util/cleanup.hpp"
#include "util/fd.hpp"

namespace raison {

std::string temp_dir() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

TempFile::TempFile(std::string_view prefix) {
  std::string tmpl = temp_dir() + "/" + std::string(prefix) + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  Fd fd{::mkostemp(buf.data(), O_CLOEXEC)};  // mkstemp creates it 0600
  if (!fd.valid()) throw_errno("creating a temporary file in " + temp_dir());
  path_ = buf.data();
}

TempFile::~TempFile() { ::unlink(path_.c_str()); }

std::string make_run_dir(const std::string& base_dir, std::string_view what) {
  const std::string base = base_dir.empty() ? temp_dir() : base_dir;
  reclaim_stale_staging(base);  // what runs killed by SIGKILL left
  std::string tmpl = base + "/raison-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw_errno("creating a " + std::string(what) + " directory in " + base);
  return tmpl;
}

}  // namespace raison

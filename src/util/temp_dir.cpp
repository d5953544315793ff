// The host's temporary directory and private temporary files in it.
#include "util/temp_dir.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
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
  // A signal that ends the run waits until the directory is registered for removal: one arriving
  // between mkdtemp and mark_staging would leave it behind.
  sigset_t ending, old;
  sigemptyset(&ending);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&ending, sig);
  ::pthread_sigmask(SIG_BLOCK, &ending, &old);
  const bool made = ::mkdtemp(tmpl.data()) != nullptr;
  const int saved = errno;
  if (made) mark_staging(tmpl);  // locked and marked: removed on SIGINT/SIGTERM, reclaimed after a SIGKILL
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = saved;
  if (!made) throw_errno("creating a " + std::string(what) + " directory in " + base);
  return tmpl;
}

}  // namespace raison

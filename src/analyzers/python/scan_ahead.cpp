// ScanAhead: one worker thread draining a queue of hinted paths (see scan_ahead.hpp). The root is
// only read through open_read, fstat and read (read_file), which share no state between threads.
#include "analyzers/python/scan_ahead.hpp"

#include "raison/error.hpp"

namespace raison::python {

ScanAhead::ScanAhead(const Root& root, std::size_t limit) : root_(root), limit_(limit) {
  // One worker: the analyzer itself keeps the other core busy.
  if (std::thread::hardware_concurrency() > 1) worker_ = std::thread([this] { work(); });
}

ScanAhead::~ScanAhead() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void ScanAhead::hint(const std::string& canonical) {
  if (!parallel()) return;
  {
    std::lock_guard lock(mutex_);
    if (!hinted_.insert(canonical).second) return;
    queue_.push_back(canonical);
  }
  changed_.notify_all();
}

Scanned ScanAhead::take(const std::string& canonical) {
  {
    std::unique_lock lock(mutex_);
    // Queued but not started: the worker need not do it any more, it is done here.
    for (auto it = queue_.begin(); it != queue_.end(); ++it)
      if (*it == canonical) {
        queue_.erase(it);
        break;
      }
    changed_.wait(lock, [&] { return busy_ != canonical; });
    if (auto f = failed_.find(canonical); f != failed_.end()) {
      std::exception_ptr e = f->second;
      failed_.erase(f);
      std::rethrow_exception(e);
    }
    if (auto d = done_.find(canonical); d != done_.end()) {
      Scanned s = std::move(d->second);
      done_.erase(d);
      return s;
    }
  }
  return read_and_scan(canonical);
}

Scanned ScanAhead::read_and_scan(const std::string& canonical) const {
  Scanned s;
  try {
    s.text = read_file(root_, canonical, limit_);
  } catch (const Error& e) {
    s.error = e.what();
    return s;
  }
  s.result = scan(*s.text);
  return s;
}

void ScanAhead::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    busy_ = std::move(queue_.front());
    queue_.pop_front();
    const std::string path = busy_;
    lock.unlock();
    std::optional<Scanned> s;
    std::exception_ptr failure;
    try {
      s = read_and_scan(path);
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    if (failure) failed_[path] = failure;
    else done_[path] = std::move(*s);
    busy_.clear();
    changed_.notify_all();
  }
}

}  // namespace raison::python

// Work done ahead of need on a second core: an analyzer says which inputs it expects to ask for next
// (hint), a worker thread computes them meanwhile, and take() gives the result, computed by the worker
// if it got there (waiting for it when it is on that input) or here and now otherwise. The job must be
// a function of its key alone (a file's bytes, say), so take() gives the same answer wherever the job
// ran, and the analysis stays the same byte for byte whatever the worker managed. The Python analyzer
// scans sources ahead (scan_ahead.hpp); the ELF cache reads ahead every file added to the graph
// (elf_cache.hpp).
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

namespace raison {

template <class Result>
class Ahead {
 public:
  using Job = std::function<Result(const std::string& key)>;

  // No worker on one core: the analyzer's own thread has no core to spare, hints are ignored then.
  explicit Ahead(Job job) : job_(std::move(job)) {
    if (std::thread::hardware_concurrency() > 1)
      worker_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "raison-ahead");  // as top, perf and gdb name it
        work();
      });
  }
  ~Ahead() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) worker_.join();
  }
  Ahead(const Ahead&) = delete;
  Ahead& operator=(const Ahead&) = delete;

  bool parallel() const { return worker_.joinable(); }

  // A key take() will probably be asked for; each key is queued once, in the order given.
  void hint(const std::string& key) {
    if (!parallel()) return;
    {
      std::lock_guard lock(mutex_);
      if (!slots_.try_emplace(key).second) return;
      queue_.push_back(key);
    }
    changed_.notify_all();
  }

  // job(key): the worker's result if it has it or is on it, else computed here. What the job threw
  // is thrown here. Each hinted result is given once; a second take() computes it again.
  Result take(const std::string& key) {
    return take(key, [&] { return job_(key); });
  }
  // The same, computed here by `here()` (the job by another way, with what the caller knows already)
  // when the worker does not have it.
  template <class Here>
  Result take(const std::string& key, Here&& here) {
    {
      std::unique_lock lock(mutex_);
      if (auto it = slots_.find(key); it != slots_.end()) {
        // Queued and not started: the worker skips it, it is done here.
        changed_.wait(lock, [&] { return it->second.state != State::Busy; });
        Slot slot = std::exchange(it->second, Slot{});
        it->second.state = State::Taken;
        if (slot.state == State::Done) {
          lock.unlock();
          if (slot.failure) std::rethrow_exception(slot.failure);
          return std::move(*slot.result);
        }
      }
    }
    return here();
  }

 private:
  enum class State { Queued, Busy, Done, Taken };
  struct Slot {
    State state = State::Queued;
    std::optional<Result> result;
    std::exception_ptr failure;
  };

  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      const std::string key = std::move(queue_.front());
      queue_.pop_front();
      Slot& slot = slots_.at(key);  // unordered_map nodes stay put while others are added
      if (slot.state != State::Queued) continue;
      slot.state = State::Busy;
      lock.unlock();
      std::optional<Result> result;
      std::exception_ptr failure;
      try {
        result.emplace(job_(key));
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      slot.result = std::move(result);
      slot.failure = failure;
      slot.state = State::Done;
      changed_.notify_all();
    }
  }

  const Job job_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;                  // hinted, in order
  std::unordered_map<std::string, Slot> slots_;    // every key ever hinted
  bool stop_ = false;
  std::thread worker_;  // last: started once the rest is built
};

}  // namespace raison

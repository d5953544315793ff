// Ahead (util/ahead.hpp): what take() gives is the job's answer wherever it ran, each hinted result
// once, the job's exception thrown where the result is taken.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "util/ahead.hpp"

using raison::Ahead;

TEST_CASE("ahead: a hinted key is computed by the worker, once, and taken once") {
  std::atomic<int> runs = 0;
  std::mutex m;
  std::vector<std::thread::id> threads;
  Ahead<std::string> ahead([&](const std::string& key) {
    ++runs;
    std::lock_guard lock(m);
    threads.push_back(std::this_thread::get_id());
    return key + "!";
  });
  for (const char* k : {"a", "b", "c", "a"}) ahead.hint(k);  // "a" queued once
  CHECK(ahead.take("c") == "c!");
  CHECK(ahead.take("a") == "a!");
  CHECK(ahead.take("b") == "b!");
  CHECK(runs == 3);
  if (ahead.parallel()) {
    // Taken results are not kept: a second take computes again, here.
    CHECK(ahead.take("a") == "a!");
    CHECK(runs == 4);
    std::lock_guard lock(m);
    CHECK(threads.back() == std::this_thread::get_id());
  }
}

TEST_CASE("ahead: a key never hinted is computed here, by the caller's way when given") {
  Ahead<int> ahead([](const std::string& key) { return int(key.size()); });
  CHECK(ahead.take("four") == 4);
  CHECK(ahead.take("four", [] { return 40; }) == 40);
}

TEST_CASE("ahead: what the job threw on the worker is thrown by take") {
  Ahead<int> ahead([](const std::string& key) -> int {
    if (key == "bad") throw std::runtime_error("bad input");
    return 1;
  });
  ahead.hint("bad");
  ahead.hint("good");
  CHECK_THROWS_WITH(ahead.take("bad"), "bad input");
  CHECK(ahead.take("good") == 1);
}

TEST_CASE("ahead: take waits for the key the worker is on") {
  std::mutex m;
  std::condition_variable cv;
  bool started = false, release = false;
  Ahead<int> ahead([&](const std::string&) {
    std::unique_lock lock(m);
    started = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    return 7;
  });
  if (!ahead.parallel()) return;
  ahead.hint("slow");
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return started; });  // the worker is on it
  }
  std::thread releaser([&] {
    std::lock_guard lock(m);
    release = true;
    cv.notify_all();
  });
  CHECK(ahead.take("slow", [] { return -1; }) == 7);  // the worker's answer, not one made here
  releaser.join();
}

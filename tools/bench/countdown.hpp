#pragma once
// A count the controller waits on with a deadline: clients on I/O threads count down as they reach a point
// (joined, acked, saw the update). Waiting never outlasts the deadline, so no scenario can hang.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace dais::bench {

class Countdown {
 public:
  explicit Countdown(std::int64_t count = 0) : left_(count) {}

  void reset(std::int64_t count) {
    std::lock_guard lock(mutex_);
    left_ = count;
  }
  void arrive() {
    std::lock_guard lock(mutex_);
    if (left_ > 0 && --left_ == 0) done_.notify_all();
  }
  // True when the count reached zero before the timeout.
  bool wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return done_.wait_for(lock, timeout, [this] { return left_ == 0; });
  }
  std::int64_t left() {
    std::lock_guard lock(mutex_);
    return left_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::int64_t left_;
};

}  // namespace dais::bench

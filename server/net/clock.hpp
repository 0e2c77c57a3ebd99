#pragma once
// Where the server's notion of "now" comes from. The engine never reads a clock (time comes in with each
// command); the server reads this one, so tests can drive time by hand while every socket stays real.
#include <atomic>
#include <chrono>

#include "core/state.hpp"

namespace dais::net {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual core::TimeMs now() const = 0;  // milliseconds since the Unix epoch
};

class SystemClock final : public Clock {
 public:
  core::TimeMs now() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// A clock that moves only when told to; safe to read from the I/O threads while a test advances it.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(core::TimeMs start = 1'767'225'600'000) : now_(start) {}
  core::TimeMs now() const override { return now_.load(); }
  void advance(std::chrono::milliseconds by) { now_ += by.count(); }
  void set(core::TimeMs t) { now_ = t; }

 private:
  std::atomic<core::TimeMs> now_;
};

}  // namespace dais::net

#include "net/repeated_log.hpp"

#include <algorithm>

namespace dais::net {

void LogSink::write_line(std::string_view line) {
  std::lock_guard lock(mutex_);
  out_ << line << '\n' << std::flush;
}

RepeatedLog::RepeatedLog(std::string topic, std::int64_t interval_ms, const Clock& clock, LogSink& sink)
    : topic_(std::move(topic)), interval_ms_(interval_ms), clock_(clock), sink_(sink) {}

RepeatedLog::~RepeatedLog() {
  std::lock_guard lock(mutex_);
  write_held_back(clock_.now());
}

void RepeatedLog::write(std::string_view message) {
  const core::TimeMs now = clock_.now();
  std::lock_guard lock(mutex_);
  // A clock set back starts a new interval rather than holding everything back until it catches up.
  if (in_interval_ && now >= interval_start_ && now - interval_start_ < interval_ms_) {
    ++held_back_;
    return;
  }
  write_held_back(now);
  in_interval_ = true;
  interval_start_ = now;
  sink_.write_line(topic_ + ": " + std::string(message));
}

void RepeatedLog::write_held_back(core::TimeMs now) {
  if (held_back_ == 0) return;
  // Whole seconds, rounded up: "in the last 1 s" rather than "0 s" for a burst shorter than a second.
  const std::int64_t seconds = std::max<std::int64_t>(1, (now - interval_start_ + 999) / 1000);
  sink_.write_line(topic_ + ": " + std::to_string(held_back_) + " more in the last " +
                   std::to_string(seconds) + " s");
  held_back_ = 0;
}

ConnectionLogs::ConnectionLogs(std::int64_t interval_ms, const Clock& clock, std::ostream& out)
    : sink(out),
      accept("accept", interval_ms, clock, sink),
      refused("max_http_connections", interval_ms, clock, sink),
      http("http", interval_ms, clock, sink),
      websocket("websocket", interval_ms, clock, sink) {}

}  // namespace dais::net

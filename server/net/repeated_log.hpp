#pragma once
// Log lines that a starved system or an abusive client can repeat without end: accept failing for lack of
// descriptors, strangers sending broken frames. Written unthrottled they cost a core and bury the one line
// that matters, so each topic writes the first occurrence of an interval as it is and only counts the rest;
// the next occurrence after the interval (or the end of the server) writes "<topic>: N more in the last T s"
// first.
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include "net/clock.hpp"

namespace dais::net {

// Where the server's log lines go (stderr in `dais serve`), one whole line at a time from any thread.
class LogSink {
 public:
  explicit LogSink(std::ostream& out) : out_(out) {}
  void write_line(std::string_view line);

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

class RepeatedLog {
 public:
  // interval_ms 0 writes every occurrence.
  RepeatedLog(std::string topic, std::int64_t interval_ms, const Clock& clock, LogSink& sink);
  ~RepeatedLog();  // counts what the last interval held back
  RepeatedLog(const RepeatedLog&) = delete;
  RepeatedLog& operator=(const RepeatedLog&) = delete;

  // Writes "<topic>: <message>", or counts it when the interval already had its line. Thread-safe.
  void write(std::string_view message);

 private:
  void write_held_back(core::TimeMs now);  // with mutex_ held

  const std::string topic_;
  const std::int64_t interval_ms_;
  const Clock& clock_;
  LogSink& sink_;
  std::mutex mutex_;
  bool in_interval_ = false;
  core::TimeMs interval_start_ = 0;
  std::int64_t held_back_ = 0;
};

// The repeated logs of the connection layer, one per topic, shared by the listener and every session.
struct ConnectionLogs {
  ConnectionLogs(std::int64_t interval_ms, const Clock& clock, std::ostream& out);

  LogSink sink;
  RepeatedLog accept;     // the listener's failed accepts
  RepeatedLog refused;    // connections closed at accept because max_http_connections were open
  RepeatedLog http;       // HTTP connections failing (TLS handshakes, reads, writes)
  RepeatedLog websocket;  // WebSocket connections failing, broken frames above all
};

}  // namespace dais::net

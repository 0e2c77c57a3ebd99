#pragma once
// Counters for GET /metrics (Prometheus text format). Lock-free: bumped from every I/O thread.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <dais/codes.hpp>

namespace dais::net {

// Every error code that can go on the wire (protocol/codes.json).
inline constexpr const auto& kWireErrorCodes = protocol::kErrorCodes;

class Metrics {
 public:
  std::atomic<std::int64_t> connections{0};  // open WebSockets (gauge)
  std::atomic<std::int64_t> connections_total{0};
  // HTTP connections not (yet) upgraded to WebSocket (gauge); each http_session counts itself.
  std::atomic<std::int64_t> http_connections{0};
  std::atomic<std::int64_t> http_refused{0};  // closed at accept: max_http_connections were open
  std::atomic<std::int64_t> accept_errors{0};
  std::atomic<std::int64_t> accept_shed{0};  // accepted and closed at once for lack of descriptors
  std::atomic<std::int64_t> http_requests{0};
  std::atomic<std::int64_t> messages_in{0};
  std::atomic<std::int64_t> messages_out{0};
  std::atomic<std::int64_t> bytes_out{0};
  std::atomic<std::int64_t> acks{0};
  std::atomic<std::int64_t> updates{0};      // update buffers built (each shared by many connections)
  std::atomic<std::int64_t> queue_drops{0};  // waiting updates superseded by newer ones
  std::atomic<std::int64_t> slow_client_closes{0};
  std::atomic<std::int64_t> resumes{0};
  std::atomic<std::int64_t> snapshots{0};
  std::atomic<std::int64_t> commits{0};
  std::atomic<std::int64_t> commit_failures{0};
  std::atomic<std::int64_t> heap_trims{0};  // freed memory given back after connections came or went

  void count_error(std::string_view code);
  std::int64_t errors(std::string_view code) const;
  void observe_commit(std::chrono::microseconds latency);
  std::string render() const;

 private:
  static constexpr std::array<double, 12> kBucketsMs = {0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000};
  std::array<std::atomic<std::int64_t>, std::size(kWireErrorCodes) + 1> errors_{};  // last: unknown codes
  std::array<std::atomic<std::int64_t>, kBucketsMs.size() + 1> commit_buckets_{};   // last: +Inf
  std::atomic<std::int64_t> commit_sum_us_{0};
};

}  // namespace dais::net

#include "net/metrics.hpp"

#include <sstream>

namespace dais::net {
namespace {

std::size_t code_index(std::string_view code) {
  for (std::size_t i = 0; i < std::size(kWireErrorCodes); ++i) {
    if (kWireErrorCodes[i] == code) return i;
  }
  return std::size(kWireErrorCodes);
}

void counter(std::ostringstream& out, std::string_view name, std::string_view help, std::int64_t value,
             std::string_view type = "counter") {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
      << name << ' ' << value << '\n';
}

}  // namespace

void Metrics::count_error(std::string_view code) {
  ++errors_[code_index(code)];
}

std::int64_t Metrics::errors(std::string_view code) const {
  return errors_[code_index(code)].load();
}

void Metrics::observe_commit(std::chrono::microseconds latency) {
  const double ms = static_cast<double>(latency.count()) / 1000.0;
  std::size_t i = 0;
  while (i < kBucketsMs.size() && ms > kBucketsMs[i]) ++i;
  ++commit_buckets_[i];
  commit_sum_us_ += latency.count();
  ++commits;
}

std::string Metrics::render() const {
  std::ostringstream out;
  counter(out, "dais_connections", "Open WebSocket connections.", connections.load(), "gauge");
  counter(out, "dais_connections_total", "WebSocket connections accepted.", connections_total.load());
  counter(out, "dais_http_connections", "Open HTTP connections not upgraded to WebSocket.",
          http_connections.load(), "gauge");
  counter(out, "dais_http_refused_total", "HTTP connections closed at once: max_http_connections were open.",
          http_refused.load());
  counter(out, "dais_accept_errors_total", "Failed accepts.", accept_errors.load());
  counter(out, "dais_accept_shed_total", "Connections accepted and closed at once for lack of descriptors.",
          accept_shed.load());
  counter(out, "dais_http_requests_total", "HTTP requests served.", http_requests.load());
  counter(out, "dais_messages_in_total", "WebSocket messages received.", messages_in.load());
  counter(out, "dais_messages_out_total", "WebSocket messages sent.", messages_out.load());
  counter(out, "dais_bytes_out_total", "WebSocket payload bytes sent.", bytes_out.load());
  counter(out, "dais_acks_total", "Requests acknowledged.", acks.load());
  counter(out, "dais_updates_total", "Update messages built (each shared by every connection of a role set).",
          updates.load());
  counter(out, "dais_queue_drops_total", "Waiting updates superseded by a newer one in an outgoing queue.",
          queue_drops.load());
  counter(out, "dais_slow_client_closes_total",
          "Connections closed because their outgoing queue stayed full.", slow_client_closes.load());
  counter(out, "dais_resumes_total", "Joins answered by resuming.", resumes.load());
  counter(out, "dais_snapshots_total", "Joins answered with a full snapshot.", snapshots.load());
  counter(out, "dais_commit_failures_total", "Commits the store refused.", commit_failures.load());
  counter(out, "dais_heap_trims_total",
          "Times freed memory was given back to the system after connections came or went.",
          heap_trims.load());

  out << "# HELP dais_errors_total Error answers sent, by code.\n# TYPE dais_errors_total counter\n";
  for (std::size_t i = 0; i < std::size(kWireErrorCodes); ++i) {
    out << "dais_errors_total{code=\"" << kWireErrorCodes[i] << "\"} " << errors_[i].load() << '\n';
  }

  out << "# HELP dais_commit_latency_seconds Time from submitting a command to its durable commit.\n"
         "# TYPE dais_commit_latency_seconds histogram\n";
  std::int64_t cumulative = 0;
  for (std::size_t i = 0; i < kBucketsMs.size(); ++i) {
    cumulative += commit_buckets_[i].load();
    out << "dais_commit_latency_seconds_bucket{le=\"" << kBucketsMs[i] / 1000.0 << "\"} " << cumulative
        << '\n';
  }
  cumulative += commit_buckets_[kBucketsMs.size()].load();
  out << "dais_commit_latency_seconds_bucket{le=\"+Inf\"} " << cumulative << '\n';
  out << "dais_commit_latency_seconds_sum " << static_cast<double>(commit_sum_us_.load()) / 1e6 << '\n';
  out << "dais_commit_latency_seconds_count " << cumulative << '\n';
  return out.str();
}

}  // namespace dais::net

#pragma once
// Everything `dais serve` can be told: where to listen, what to serve, and every limit. Each setting has one
// name used alike in the config file ("max_queue_bytes"), the environment (DAIS_MAX_QUEUE_BYTES) and
// docs/operations.md; flags override both.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.hpp"

namespace dais::net {

// The limits that keep one client from hurting the others (docs/protocol.md, Limits).
struct Limits {
  std::size_t max_message_bytes = 64 * 1024;  // larger: error too_large; over 4x: close 1009
  double rate_per_s = 20;                     // request token bucket per connection
  double rate_burst = 40;
  std::int64_t max_rate_limited = 50;      // rate-limited requests in a row before close 4008
  std::int64_t max_bad_messages = 10;      // bad messages in a row before close 4009
  std::int64_t connections_per_token = 4;  // open connections per participant token
  std::int64_t max_connections = 20000;    // open WebSockets in total
  std::int64_t hello_timeout_ms = 10000;
  std::int64_t idle_timeout_ms = 30000;       // pings after half of it
  std::size_t max_queue_bytes = 1024 * 1024;  // outgoing queue per connection
  std::size_t max_queue_messages = 1024;
  // A hearing under load starts a batch at most this often, so the votes that arrive meanwhile are stored in
  // one transaction and one sync instead of one each; an idle hearing's batch starts at once. 0: at once
  // always.
  std::int64_t batch_interval_ms = 10;
  double tally_hz = 5;            // coalesced tally/turnout updates per second per hearing; 0: all
  std::size_t count_slice = 256;  // connections a count update reaches before acks get a turn
  // A section whose whole is at least this long goes out as a patch when the patch is at most half of it.
  std::size_t patch_min_bytes = 4096;
  std::size_t resume_window = 4096;  // updates kept per role set for resume
  std::size_t resume_window_bytes = 16 * 1024 * 1024;
  std::size_t http_max_request_bytes = 16 * 1024;
  std::size_t http_max_path_bytes = 1024;  // longest request path (before the query); longer: 400
  std::int64_t http_timeout_ms = 30000;
  std::int64_t close_grace_ms = 2000;  // a closing connection whose write is stuck is cut after this
  // HTTP connections open at once that are not (yet) WebSockets: page loads, exports, idle keep-alives. The
  // next is closed as soon as it is accepted, so idle ones cannot take the descriptors WebSockets need.
  std::int64_t max_http_connections = 4096;
  std::int64_t accept_backoff_ms = 100;  // out of descriptors: the wait before the next accept
  // Freed memory is given back to the system after connections came or went and then none did for this long;
  // 0: never.
  std::int64_t heap_trim_ms = 2000;
  std::int64_t log_interval_ms = 10000;  // a repeating log line is written once per interval, others counted
  // Organizer sessions (/organize): ended after this long without a request, and this long after sign-in.
  std::int64_t organize_idle_timeout_ms = 30 * 60 * 1000;
  std::int64_t organize_session_lifetime_ms = 12 * 60 * 60 * 1000;
  // Largest body of a request to /organize/api/ (a whole definition or roster; 4 MiB holds 10,000 people).
  std::size_t organize_max_request_bytes = 4 * 1024 * 1024;
  // Rows of a roster the organizer's page may send to be checked at once (a whole hall is a few hundred).
  std::int64_t organize_max_roster_rows = 5000;
  // Failed sign-ins in a row that lock an account (also a name with no account) for login_lockout_ms, and
  // failures from one client address that refuse it for as long.
  std::int64_t login_max_failures = 5;
  std::int64_t login_lockout_ms = 15 * 60 * 1000;
  std::int64_t login_max_failures_per_address = 20;
};

struct ServerOptions {
  std::filesystem::path db = "dais.db";
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port
  std::filesystem::path web;  // the built web client (client-web/dist); empty: no static files
  std::int64_t threads = 0;   // I/O threads; 0: one per core
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  // The address phones and tablets reach this server at (http(s)://host[:port], no trailing slash). The
  // chair's QR sheet uses it; empty: the address the chair's browser used.
  std::string public_url;
  // This server's name when several `dais serve` share one database (docs/scale-out.md): it then loads no
  // hearing at start and serves one only while it holds the hearing's lease. Empty: the only node.
  std::string node;
  std::int64_t lease_ms = 3000;  // how long a lease lasts unless renewed (every lease_ms / 3)
  Limits limits;
};

// Sets one setting by name from a JSON value (a number, a string, …). Unknown names and values of the wrong
// type or out of range are refused with an `invalid` error naming the setting.
core::Result<bool> apply_setting(ServerOptions& options, std::string_view name, const nlohmann::json& value);
// A config file: a JSON object of settings.
core::Result<bool> apply_config(ServerOptions& options, const nlohmann::json& config);
// DAIS_<NAME> variables, read through `getenv` (so tests can pass their own environment).
core::Result<bool> apply_environment(
    ServerOptions& options, const std::function<std::optional<std::string>(const std::string&)>& getenv);
// Every setting name, in documentation order.
std::vector<std::string_view> setting_names();
// Where `serve --demo` writes every join link: beside the database, readable only by its owner.
std::filesystem::path demo_tokens_file(const std::filesystem::path& db);

}  // namespace dais::net

#pragma once
// What every session of one server shares: the store, the clock, the settings, the compiled message schemas,
// the live hearings, the registry of open WebSockets, and the metrics.
#include <condition_variable>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include <boost/asio/ssl/context.hpp>

#include "net/clock.hpp"
#include "net/connection.hpp"
#include "net/live_hearing.hpp"
#include "net/metrics.hpp"
#include "net/options.hpp"
#include "net/organize.hpp"
#include "net/protocol.hpp"
#include "store/store.hpp"

namespace dais::net {

class SharedState {
 public:
  SharedState(store::Store& store, const Clock& clock, ServerOptions options,
              std::shared_ptr<const MessageSchemas> schemas);

  store::Store& store() { return store_; }
  std::mutex& store_reads() { return store_reads_; }
  const Clock& clock() const { return clock_; }
  const ServerOptions& options() const { return options_; }
  const Limits& limits() const { return options_.limits; }
  const MessageSchemas& schemas() const { return *schemas_; }
  Metrics& metrics() { return metrics_; }
  OrganizeDesk& organize() { return organize_; }
  HearingContext hearing_context() {
    return HearingContext{store_, store_reads_, clock_, metrics_, options_.limits, options_.public_url};
  }

  // Who a token belongs to; the store compares hashes in constant time. Tokens are never logged.
  std::optional<store::TokenOwner> find_token(std::string_view token);
  void add_hearing(std::shared_ptr<LiveHearing> hearing);
  // A hearing made while the server runs (the organizer's new draft): stored, its tokens issued (and shown
  // to nobody), and live at once.
  core::Result<std::shared_ptr<LiveHearing>> create_hearing(const core::HearingDefinition& def);
  void set_io(boost::asio::io_context& ioc) { ioc_ = &ioc; }
  std::shared_ptr<LiveHearing> hearing(const store::HearingId& id) const;
  std::vector<std::shared_ptr<LiveHearing>> hearings() const;

  // The registry of open WebSockets. enter() refuses past max_connections.
  bool enter(const Connection* c, std::weak_ptr<Connection> weak);
  void leave(const Connection* c);
  void close_all(std::uint16_t code, const std::string& reason);
  // Waits until no WebSocket is open or `timeout` passed; true when none is.
  bool wait_until_empty(std::chrono::milliseconds timeout);

  bool stopping() const { return stopping_.load(); }
  void set_stopping() { stopping_ = true; }
  // After the I/O threads ended: nothing may be posted any more.
  bool stopped() const { return stopped_.load(); }
  void set_stopped() { stopped_ = true; }

  boost::asio::ssl::context* tls() { return tls_.get(); }
  void set_tls(std::unique_ptr<boost::asio::ssl::context> tls) { tls_ = std::move(tls); }

 private:
  store::Store& store_;
  std::mutex store_reads_;
  const Clock& clock_;
  ServerOptions options_;
  std::shared_ptr<const MessageSchemas> schemas_;
  Metrics metrics_;
  OrganizeDesk organize_{std::cerr};
  boost::asio::io_context* ioc_ = nullptr;
  mutable std::mutex hearings_mutex_;
  std::map<store::HearingId, std::shared_ptr<LiveHearing>> hearings_;

  mutable std::mutex registry_mutex_;
  std::condition_variable registry_empty_;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> registry_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace dais::net

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
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "net/clock.hpp"
#include "net/connection.hpp"
#include "net/live_hearing.hpp"
#include "net/metrics.hpp"
#include "net/options.hpp"
#include "net/organize.hpp"
#include "net/protocol.hpp"
#include "store/store.hpp"

namespace dais::net {

// What taking a hearing came to (docs/scale-out.md). At most one of hearing, owner and error is set; none:
// no such hearing.
struct Taken {
  std::shared_ptr<LiveHearing> hearing;  // held here: serve it
  std::string owner;                     // another node holds it
  bool fading = false;                   // … but has not renewed it for over half a lease: it may be gone
  std::string error;                     // the store failed, or the server is stopping

  static Taken held(std::shared_ptr<LiveHearing> h) {
    Taken t;
    t.hearing = std::move(h);
    return t;
  }
  static Taken elsewhere(std::string owner, bool fading) {
    Taken t;
    t.owner = std::move(owner);
    t.fading = fading;
    return t;
  }
  static Taken failed(std::string why) {
    Taken t;
    t.error = std::move(why);
    return t;
  }
};

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
  // An error when the store could not be read: the device is asked to try again (1013), not refused.
  core::Result<std::optional<store::TokenOwner>> find_token(std::string_view token);
  void add_hearing(std::shared_ptr<LiveHearing> hearing);
  // A hearing made while the server runs (the organizer's new draft): stored, its tokens issued (and shown
  // to nobody), and live at once.
  core::Result<std::shared_ptr<LiveHearing>> create_hearing(const core::HearingDefinition& def);
  void set_io(boost::asio::io_context& ioc) { ioc_ = &ioc; }
  std::shared_ptr<LiveHearing> hearing(const store::HearingId& id) const;
  std::vector<std::shared_ptr<LiveHearing>> hearings() const;

  // Node mode (options().node set): hearings are served only under a lease, taken when a join or an
  // organizer's request needs one. Without a node name every hearing is loaded at start and these only look.
  bool node_mode() const { return !options_.node.empty(); }
  // The hearing held here, or taken now if no live node holds it; never waits.
  Taken take_now(const store::HearingId& id);
  // Like take_now, but a hearing whose owner has stopped renewing is waited for: its lease is polled every
  // lease_ms / 10 until it is renewed (then `owner` is set) or expires (then it is taken). Joins waiting for
  // one hearing share one poll. Returns what taking came to, or nothing while the join is held: `later` then
  // gets it on an I/O thread.
  std::optional<Taken> take(const store::HearingId& id, std::function<void(Taken)> later);
  // Renews this node's leases every lease_ms / 3 from now on; a hearing whose lease was lost is let go.
  void start_leases();
  // Graceful stop: no more renewals or polls, and every held hearing's lease released, so another node takes
  // it at once.
  void release_leases();

  // The registry of open WebSockets. enter() refuses past max_connections.
  bool enter(const Connection* c, std::weak_ptr<Connection> weak);
  void leave(const Connection* c);
  // Connections opened and closed so far: when it stops moving, a rush has settled (heap_trim.hpp).
  std::uint64_t churn() const { return churn_.load(); }
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

  using Timer = boost::asio::steady_timer;
  // The joins held for one hearing whose owner may be gone, and the timer of its poll.
  struct Poll {
    explicit Poll(boost::asio::io_context& ioc) : timer(boost::asio::make_strand(ioc)) {}
    Timer timer;
    std::vector<std::function<void(Taken)>> waiting;
  };
  std::shared_ptr<LiveHearing> live_under_lease(const store::HearingId& id, std::int64_t epoch,
                                                core::HearingState state);
  bool owner_alive(const store::Lease& lease) const;
  void arm_poll(const store::HearingId& id, const std::shared_ptr<Poll>& poll);
  void poll_lease(const store::HearingId& id, const std::shared_ptr<Poll>& poll);
  void arm_renewal();
  void renew();
  // The hearing moved to `owner`: forgotten here (only that copy of it) and its clients sent there.
  void let_go(const std::shared_ptr<LiveHearing>& hearing, const std::string& owner);
  std::chrono::milliseconds lease_ttl() const { return std::chrono::milliseconds(options_.lease_ms); }

  // One acquisition at a time: acquiring a lease this node already holds would raise its epoch and fence
  // the copy serving it.
  std::mutex takes_mutex_;
  std::mutex polls_mutex_;
  std::map<store::HearingId, std::shared_ptr<Poll>> polls_;
  std::optional<Timer> renewal_;
  std::atomic<bool> leases_ended_{false};

  mutable std::mutex registry_mutex_;
  std::condition_variable registry_empty_;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> registry_;
  std::atomic<std::uint64_t> churn_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace dais::net

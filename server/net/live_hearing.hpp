#pragma once
// One hearing, live: the HearingSession (hearing_session.hpp) on a strand of the server's I/O threads. Every
// call of the session is made on the strand; the store commits on its writer thread and the outcome is posted
// back; the tally timer and the slices of a count update are scheduled as the session asks. The session
// decides, applies, commits and fans out; this shell only gives it a thread, time and the store's callbacks.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "net/hearing_session.hpp"

namespace dais::net {

class LiveHearing : public std::enable_shared_from_this<LiveHearing> {
 public:
  LiveHearing(boost::asio::io_context& ioc, HearingContext context, store::HearingId id,
              core::HearingState state, std::optional<NodeLease> lease = std::nullopt);

  const store::HearingId& id() const { return session_.id(); }

  // Thread-safe entry points; each posts to the hearing's strand.
  void join(std::shared_ptr<Connection> connection, core::ParticipantId participant,
            std::optional<std::int64_t> resume_from);
  void leave(const Connection* connection);
  void submit(Request request);
  // Runs `fn` on the strand with the committed state (never mid-batch), e.g. for exports.
  void inspect(std::function<void(const core::HearingState&)> fn);
  // Calls `done` once no request is queued, committing or waiting for a store read. Callers stop new requests
  // first.
  void drain(std::function<void()> done);
  // Replaces a draft's definition (the organizer's editor); refused (conflict) once anything was logged.
  // Everyone connected is closed with `redefined` and joins again on the new definition, from a snapshot.
  void redefine(core::HearingDefinition def, std::function<void(core::Result<bool>)> done);
  // Resets a rehearsal to a clean draft (store::Store::reset_rehearsal); refused (not_allowed) for a hearing
  // that is not one. Everyone connected is closed with `redefined` and joins again, from a snapshot.
  void reset_rehearsal(std::function<void(core::Result<bool>)> done);
  // Closes every connection of the hearing.
  void close_all(std::uint16_t code, const std::string& reason);
  // The hearing moved to node `owner`: every connection is closed with 4012 `node=<owner>`, and from now on
  // joins are sent there too and requests refused (storage_failed). It is never read from the store again.
  void let_go(const std::string& owner);
  // Called on the hearing's strand once a commit was refused because the hearing moved to `owner` (its
  // connections are already closed): the server forgets it. Set before the hearing is shared.
  void on_lost(std::function<void(const std::string& owner)> lost) { lost_ = std::move(lost); }

 private:
  void when_idle(std::function<void()> fn);
  void next_batch();
  void on_committed(std::size_t index, core::Result<store::CommitInfo> outcome);
  void check_drained();
  template <class Then>
  void arm(boost::asio::steady_timer& timer, bool& armed, std::optional<core::TimeMs> due, Then then);
  void schedule();  // the tally timer and the next slice of a count update, as the session asks
  // Runs `change` (a store call) when no batch is in flight; if it succeeds, the session reads the state back
  // and sends every device back to join again.
  void replace_state(std::function<core::Result<bool>()> change,
                     std::function<void(core::Result<bool>)> done);

  const HearingContext& context() const { return session_.context(); }
  template <class Work, class Then>
  void off_strand(Work work, Then then);

  HearingSession session_;
  std::function<void(const std::string& owner)> lost_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer tally_timer_;
  bool tally_timer_armed_ = false;
  boost::asio::steady_timer batch_timer_;  // the batch interval (HearingSession::batch_due)
  bool batch_timer_armed_ = false;
  bool spread_posted_ = false;
  std::size_t store_calls_in_flight_ = 0;  // vote look-ups, receipt checks and token issues (off_strand)
  std::chrono::steady_clock::time_point batch_started_;  // for the commit latency in /metrics
  std::vector<std::function<void()>> idle_tasks_;
  std::vector<std::function<void()>> drained_;
};

}  // namespace dais::net

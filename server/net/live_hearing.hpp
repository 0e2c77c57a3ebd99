#pragma once
// One hearing, live. Every command of the hearing passes through its strand one batch at a time: decided and
// applied by the engine, committed by the store, and only then fanned out (updates first, then the acks), so
// clients only ever see committed state and an ack means durable. Each changed section is computed and
// serialised once per role set and the same buffer goes to every connection with those roles.
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "core/engine.hpp"
#include "core/screens.hpp"
#include "core/view.hpp"
#include "net/clock.hpp"
#include "net/connection.hpp"
#include "net/metrics.hpp"
#include "net/options.hpp"
#include "net/protocol.hpp"
#include "store/store.hpp"

namespace dais::net {

// What a hearing needs from the server around it.
struct HearingContext {
  store::Store& store;
  std::mutex& store_reads;  // the store's read calls are made one at a time
  const Clock& clock;
  Metrics& metrics;
  const Limits& limits;
  const std::string& public_url;  // sent to the chair in the welcome (the QR sheet's base); may be empty
};

// A hearing served by one node of several sharing the database (docs/scale-out.md): the lease it holds.
struct NodeLease {
  std::string node;  // this node's name, told to clients in the welcome
  std::int64_t epoch =
      0;  // every command record carries it; the store refuses it once another node took over
};

// One request from a joined connection, already checked against its schema.
struct Request {
  std::weak_ptr<Connection> from;
  core::ParticipantId participant;
  Incoming message;
  std::optional<core::Command> command;  // engine commands; empty for the server requests (issue_tokens, …)
};

class LiveHearing : public std::enable_shared_from_this<LiveHearing> {
 public:
  LiveHearing(boost::asio::io_context& ioc, HearingContext context, store::HearingId id,
              core::HearingState state, std::optional<NodeLease> lease = std::nullopt);

  const store::HearingId& id() const { return id_; }

  // Thread-safe entry points; each posts to the hearing's strand.
  void join(std::shared_ptr<Connection> connection, core::ParticipantId participant,
            std::optional<std::int64_t> resume_from);
  void leave(const Connection* connection);
  void submit(Request request);
  // Runs `fn` on the strand with the committed state (never mid-batch), e.g. for exports.
  void inspect(std::function<void(const core::HearingState&)> fn);
  // Calls `done` once no request is queued or committing. Callers stop new requests first.
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
  // One shown section of an audience, as it was last sent.
  struct SentSection {
    nlohmann::json view;  // the tree: the next change is diffed against it
    // Serialised whole: for welcomes and updates that carry it whole. Empty once a patch went out, until it
    // is needed again (a check-in board of ten thousand is not re-serialised for every check-in).
    std::shared_ptr<const std::string> text;
    std::size_t whole_bytes = 0;  // its size when last serialised: whether a patch pays
    std::int64_t version = 0;     // the seq of the update that last changed it: a patch's base
  };
  // What one update carries of the sections, each whole or as a patch.
  struct SectionChanges {
    Carried carries = 0;
    Carried patched = 0;
    std::array<std::string, std::size(core::kAllSections)> patch;    // the serialised ops, for those patched
    std::array<std::int64_t, std::size(core::kAllSections)> base{};  // the version each patch applies to
  };
  // The connections that share one role set, and what they were last sent.
  struct Audience {
    core::Screen screen;  // the sections (and parts) their screens show: they are sent nothing else
    std::map<const Connection*, std::weak_ptr<Connection>> members;
    std::array<SentSection, std::size(core::kAllSections)> sent;
    std::deque<std::pair<std::int64_t, std::shared_ptr<const std::string>>> ring;  // for resume
    std::size_t ring_bytes = 0;
    std::int64_t ring_floor = 0;  // resuming needs resume_from >= this
  };
  struct Seat {
    std::weak_ptr<Connection> connection;
    core::ParticipantId participant;
    core::RoleSet roles;
  };
  struct Accepted {
    Request request;
    std::vector<core::Event> events;
    std::int64_t seq = 0;
    std::string ack;
    std::optional<std::pair<core::ParticipantId, std::string>> idempotency;
    std::optional<core::Result<store::CommitInfo>> outcome;
  };
  // A count-only update on its way to an audience. It goes out a slice of connections at a time, the hearing
  // taking its turn in between, so acks and personal updates of later batches need not wait behind ten
  // thousand writes. Nothing else that carries tally or ballots may overtake it: see publish().
  struct CountSpread {
    std::shared_ptr<const std::string> text;
    Carried carries = 0;
    Carried patched = 0;
    std::vector<std::weak_ptr<Connection>> to;
    std::size_t next = 0;
  };
  struct Idempotent {
    std::optional<std::string> ack;  // empty while the first attempt is committing
    std::vector<std::pair<std::weak_ptr<Connection>, std::string>> waiting;  // retries in flight: (from, id)
  };

  void when_idle(std::function<void()> fn);
  void take_batch();
  bool accept_vote_retry(const Request& r);
  void accept(Request r, core::TimeMs now);
  void screen_server_request(Request r);
  void check_drained();
  void on_committed(std::size_t index, core::Result<store::CommitInfo> outcome);
  void finish_batch();
  void answer_server_request(const Request& r);
  void publish(core::SectionMask mask, bool coalesced_only);
  void publish_personal(const std::set<core::ParticipantId>& who);
  bool deliver_spreads(std::size_t budget);  // oldest first; whether some remain
  void spread_counts();                      // a slice now, the rest in later turns
  void finish_spreads();                     // all of it now
  void flush_tally();
  void arm_tally_timer();
  Audience& audience(const core::RoleSet& roles);
  // Runs `change` (a store call) when no batch is in flight; if it succeeds, reloads the state from the store
  // and sends every device back to join again.
  void replace_state(std::function<core::Result<bool>()> change,
                     std::function<void(core::Result<bool>)> done);
  void render_all(Audience& a, const core::RoleSet& roles);  // every shown section as the state has it now
  void admit(const std::shared_ptr<Connection>& c, const core::ParticipantId& p,
             std::optional<std::int64_t> from);
  void close_participant(const core::ParticipantId& p, const Connection* except, const std::string& reason);
  std::string welcome_text(const core::Participant& p, Audience& a, bool resumed) const;
  // The update of `changes` (the sections it carries whole are taken from the audience).
  std::string section_update_text(Audience& a, const SectionChanges& changes) const;
  // The serialised whole of a section, made again if a patch went out since it was last needed.
  static const std::string& whole_text(SentSection& sent);
  // Diffs section `s` as the state has it now against what `a` was last sent and records in `changes` how it
  // goes out (nothing if unchanged).
  void take_change(Audience& a, const core::RoleSet& roles, core::Section s, SectionChanges& changes);
  void answer(const std::weak_ptr<Connection>& to, std::string text);
  void refuse(const std::weak_ptr<Connection>& to, std::string_view id, WireError error);
  std::optional<std::string> stored_vote_ack(const core::ParticipantId& p, const std::string& key);
  void reload();
  bool current();  // reads the state back first if a reload failed; false while that still fails
  void close_moved(const std::shared_ptr<Connection>& c) const;
  void close_seats_moved() const;
  void refuse_queued(const std::string& why);

  HearingContext ctx_;
  store::HearingId id_;
  core::HearingState state_;  // committed state, except while a batch is in flight
  std::optional<NodeLease> lease_;
  bool stale_ = false;  // a reload after a failed commit failed: state_ may hold what was never stored
  std::optional<std::string> moved_to_;  // the node that took the hearing over (let_go)
  std::function<void(const std::string& owner)> lost_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer tally_timer_;

  std::deque<Request> queue_;
  bool busy_ = false;  // a batch is committing
  std::vector<Accepted> accepted_;
  std::vector<Request> deferred_;  // server requests answered after the batch commits
  std::size_t outstanding_ = 0;
  std::chrono::steady_clock::time_point batch_started_;
  std::vector<std::function<void()>> idle_tasks_;
  std::vector<std::function<void()>> drained_;

  std::map<core::RoleSet, Audience> audiences_;
  std::map<const Connection*, Seat> seats_;
  std::map<core::ParticipantId, std::map<const Connection*, std::weak_ptr<Connection>>> by_participant_;
  std::map<std::pair<core::ParticipantId, std::string>, Idempotent> votes_;

  std::deque<CountSpread> spreads_;
  bool spread_posted_ = false;

  core::SectionMask tally_pending_ = 0;
  bool tally_timer_armed_ = false;
  bool tally_due_ = false;  // the timer fired mid-batch
  std::chrono::steady_clock::time_point tally_sent_{};
};

}  // namespace dais::net

#pragma once
// The live hearing without sockets, threads or clocks: what LiveHearing runs on its strand. It takes
// requests, joins and leaves, the store's commit outcomes and the ticks of the tally timer, each with the
// time of the clock the server reads, and gives back the records to commit and when it wants its next tick.
// It delivers to and closes connections through the Connection interface only, so a test drives it with
// recording fakes, a store file and a hand-set time, and sees every message a device would get
// (tests/net/hearing_session_test.cpp).
//
// A batch: take_batch() decides every queued request with the engine and applies it to the state, and returns
// the records to commit. Nothing of it is sent until committed() has the outcome of each: then the updates go
// out first and the acks after, so clients only ever see committed state and an ack means durable. Each
// changed section is computed and serialised once per role set and the same buffer goes to every connection
// with those roles.
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/engine.hpp"
#include "core/screens.hpp"
#include "core/view.hpp"
#include "net/clock.hpp"
#include "net/connection.hpp"
#include "net/metrics.hpp"
#include "net/options.hpp"
#include "net/protocol.hpp"
#include "net/section_patch.hpp"
#include "store/store.hpp"

namespace dais::net {

// What a hearing needs from the server around it.
struct HearingContext {
  store::Store& store;
  std::mutex& store_reads;  // the store's read calls are made one at a time
  const Clock& clock;       // read by LiveHearing, never by the session: its time comes with each call
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

class HearingSession {
 public:
  // How a batch ended, once every record of it has its outcome.
  // lost: a record was refused because another node took the hearing over (moved_to() names it).
  enum class BatchEnd { pending, stored, failed, lost };

  HearingSession(HearingContext context, store::HearingId id, core::HearingState state,
                 std::optional<NodeLease> lease);

  const store::HearingId& id() const { return id_; }
  const HearingContext& context() const { return ctx_; }
  const core::HearingState& state() const { return state_; }
  // A batch is deciding or committing: joins, inspections and state replacements wait for its end.
  bool busy() const { return busy_; }
  bool queue_empty() const { return queue_.empty(); }
  // The node the hearing moved to (let_go, or a commit the store refused for a lost lease).
  const std::optional<std::string>& moved_to() const { return moved_to_; }

  void join(const std::shared_ptr<Connection>& c, const core::ParticipantId& p,
            std::optional<std::int64_t> resume_from, core::TimeMs now);
  void leave(const Connection* c);
  void enqueue(Request request) { queue_.push_back(std::move(request)); }

  // Starts a batch of everything queued, unless one is in flight or the last one started less than
  // batch_interval_ms ago (then batch_due() says when). The records go to the store in order; each
  // outcome comes back through committed() with its index. No records and not busy(): the batch has ended.
  std::vector<store::CommandRecord> take_batch(core::TimeMs now);
  BatchEnd committed(std::size_t index, core::Result<store::CommitInfo> outcome, core::TimeMs now);

  // When the requests held back by the batch interval may be taken: take_batch() then (or later). Empty:
  // nothing held.
  std::optional<core::TimeMs> batch_due() const { return batch_due_; }
  // When the count held back by the tally pacing should go out: tick() then (or later). Empty: nothing held.
  std::optional<core::TimeMs> tick_due() const { return tick_due_; }
  void tick(core::TimeMs now);
  // A count update is still reaching its audience a slice at a time: spread() again in a later turn, so that
  // acks and personal updates of later batches need not wait behind ten thousand writes.
  bool spreading() const { return !spreads_.empty(); }
  void spread();

  // A receipt check, screened on the strand and answered by the store off it: it reads nothing of the
  // hearing's state, and a hall of voters checking their receipts must not hold up the votes.
  struct ReceiptCheck {
    std::weak_ptr<Connection> to;
    std::string id;  // the request's
    core::BallotId ballot;
    std::string receipt_hash;
    std::int64_t seq = 0;  // the ack's
  };
  std::vector<ReceiptCheck> take_receipt_checks() { return std::exchange(receipt_checks_, {}); }
  // Reads the store (any thread) and answers the device.
  static void answer_receipt_check(const HearingContext& ctx, const store::HearingId& hearing,
                                   const ReceiptCheck& check);

  // A chair's issue_tokens, screened on the strand: the store issues the new tokens off it (issue_tokens),
  // and back on the strand the old cards' devices are closed and the chair is answered (tokens_issued).
  struct TokenIssue {
    std::weak_ptr<Connection> to;
    std::string id;  // the request's
    std::vector<core::ParticipantId> participants;
  };
  std::vector<TokenIssue> take_token_issues() { return std::exchange(token_issues_, {}); }
  static core::Result<std::vector<store::IssuedToken>> issue_tokens(const HearingContext& ctx,
                                                                    const store::HearingId& hearing,
                                                                    const TokenIssue& issue);
  // Also queues what the participants sent meanwhile: take_batch() next.
  void tokens_issued(const TokenIssue& issue, const core::Result<std::vector<store::IssuedToken>>& issued);

  // A sheet that may be the retry of one stored before a restart (its voter has voted, its idempotency key is
  // not in memory): the first attempt's ack is looked up in the store off the strand, and the sheet waits.
  struct VoteLookup {
    Request request;
    std::pair<core::ParticipantId, std::string> key;  // (voter, idempotency key)
  };
  std::vector<VoteLookup> take_vote_lookups() { return std::exchange(vote_lookups_, {}); }
  static std::optional<std::string> stored_vote_ack(const HearingContext& ctx,
                                                    const store::HearingId& hearing,
                                                    const VoteLookup& lookup);
  // The look-up's answer, back on the strand: the stored ack answers the retry, or the sheet is queued to be
  // decided (take_batch) as any other.
  void looked_up(VoteLookup lookup, std::optional<std::string> ack);

  void close_all(std::uint16_t code, const std::string& reason);
  void let_go(const std::string& owner);
  // After the store replaced the hearing's log (a redefined draft, a reset rehearsal): reads it back, forgets
  // acks and resume windows, and sends every device back to join again.
  void replaced();

 private:
  // One shown section of an audience, as it was last sent.
  struct SentSection {
    KeptSection kept;  // the next change is diffed against it
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
  // A count-only update on its way to an audience, a slice of connections at a time. Nothing else that
  // carries tally or ballots may overtake it: see publish().
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

  bool accept_vote_retry(Request& r);  // true: answered or waiting (then `r` was moved from)
  void accept(Request r, core::TimeMs now);
  void screen_server_request(Request r);
  BatchEnd finish_batch(core::TimeMs now);
  // Which sections the batch changed go out now; the count-only ones wait for the pacing (tick_due_).
  core::SectionMask paced(core::SectionMask urgent, core::SectionMask counted, core::TimeMs now,
                          bool& coalesced_only);
  void answer_batch();
  void answer_server_request(const Request& r, core::TimeMs now);
  void publish(core::SectionMask mask, bool coalesced_only, core::TimeMs now);
  void publish_personal(const std::set<core::ParticipantId>& who, core::TimeMs now);
  bool deliver_spreads(std::size_t budget);  // oldest first; whether some remain
  void finish_spreads();                     // all of it now
  Audience& audience(const core::RoleSet& roles);
  void render_all(Audience& a, const core::RoleSet& roles);  // every shown section as the state has it now
  void keep_for_resume(Audience& a, const std::shared_ptr<const std::string>& text);
  void close_participant(const core::ParticipantId& p, const Connection* except, const std::string& reason);
  std::string welcome_text(const core::Participant& p, Audience& a, bool resumed, core::TimeMs now) const;
  // The update of `changes` (the sections it carries whole are taken from the audience).
  std::string section_update_text(Audience& a, const SectionChanges& changes, core::TimeMs now) const;
  // The serialised whole of a section, made again if a patch went out since it was last needed.
  static const std::string& whole_text(SentSection& sent);
  // Whether the batch being ended answers a request of `c` after its updates (Outgoing::more).
  bool answered_now(const std::shared_ptr<Connection>& c) const;
  // Diffs section `s` as the state has it now against what `a` was last sent and records in `changes` how it
  // goes out (nothing if unchanged).
  void take_change(Audience& a, const core::RoleSet& roles, core::Section s, SectionChanges& changes);
  void answer(const std::weak_ptr<Connection>& to, std::string text);
  void refuse(const std::weak_ptr<Connection>& to, std::string_view id, WireError error);
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
  std::optional<std::string> moved_to_;

  std::deque<Request> queue_;
  bool busy_ = false;  // a batch is committing
  std::vector<Accepted> accepted_;
  std::vector<std::size_t> committing_;  // the index in accepted_ of each record take_batch returned
  std::vector<Request> deferred_;        // server requests answered after the batch commits
  std::vector<ReceiptCheck> receipt_checks_;
  std::vector<VoteLookup> vote_lookups_;
  std::vector<TokenIssue> token_issues_;
  std::multiset<core::ParticipantId> reissuing_;  // their new tokens are being issued
  std::vector<Request> held_;                     // requests of theirs, decided after (tokens_issued)
  std::set<std::pair<core::ParticipantId, std::string>> not_stored_;  // looked up, found not stored
  std::size_t outstanding_ = 0;

  std::map<core::RoleSet, Audience> audiences_;
  std::set<const Connection*> answering_;  // while a batch ends: the senders its acks and refusals go to
  std::map<const Connection*, Seat> seats_;
  std::map<core::ParticipantId, std::map<const Connection*, std::weak_ptr<Connection>>> by_participant_;
  std::map<std::pair<core::ParticipantId, std::string>, Idempotent> votes_;

  std::deque<CountSpread> spreads_;

  // The tally pacing: count-only changes go out at most tally_hz times a second, the held ones at tick_due_.
  core::SectionMask tally_pending_ = 0;
  std::optional<core::TimeMs> tick_due_;
  // The batch interval: when the last batch started, and when the one held back may.
  std::optional<core::TimeMs> last_batch_at_;
  std::optional<core::TimeMs> batch_due_;
  bool tally_due_ = false;  // tick() came mid-batch: the batch's end sends the count
  std::optional<core::TimeMs> tally_sent_;
};

}  // namespace dais::net

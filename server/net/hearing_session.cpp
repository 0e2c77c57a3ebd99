#include "net/hearing_session.hpp"

#include <cmath>
#include <iostream>
#include <limits>

#include <nlohmann/json.hpp>

#include "net/decode_request.hpp"
#include "net/section_patch.hpp"

namespace dais::net {
namespace {

using nlohmann::json;

constexpr core::SectionMask kCoalescable =
    core::mask_of(core::Section::tally) | core::mask_of(core::Section::ballots);

// Events that only move the live count and turnout: their section changes may wait for the next tally tick.
bool moves_only_the_count(const core::EventBody& body) {
  return std::holds_alternative<core::SheetRecorded>(body) ||
         std::holds_alternative<core::SheetStored>(body) ||
         std::holds_alternative<core::LiveTallyRefreshed>(body) ||
         std::holds_alternative<core::LiveTallyHeld>(body);
}

std::size_t section_index(core::Section s) {
  return static_cast<std::size_t>(s);
}

// What an ack reports beyond "done": the ids the command created.
json ack_result(const core::Command& cmd, const std::vector<core::Event>& events) {
  json r = json::object();
  for (const auto& e : events) {
    if (const auto* s = std::get_if<core::InquirySubmitted>(&e.body)) r["inquiry"] = s->inquiry.id;
    if (const auto* b = std::get_if<core::BallotCreated>(&e.body)) r["ballot"] = b->ballot;
  }
  if (const auto* c = std::get_if<core::CastSheet>(&cmd)) r["ballot"] = c->ballot;
  return r;
}

}  // namespace

HearingSession::HearingSession(HearingContext context, store::HearingId id, core::HearingState state,
                               std::optional<NodeLease> lease)
    : ctx_(context), id_(std::move(id)), state_(std::move(state)), lease_(std::move(lease)) {}

// ---- joining and leaving
// ---------------------------------------------------------------------------------------

void HearingSession::leave(const Connection* connection) {
  auto seat = seats_.find(connection);
  if (seat == seats_.end()) return;
  if (auto a = audiences_.find(seat->second.roles); a != audiences_.end())
    a->second.members.erase(connection);
  if (auto p = by_participant_.find(seat->second.participant); p != by_participant_.end()) {
    p->second.erase(connection);
    if (p->second.empty()) by_participant_.erase(p);
  }
  seats_.erase(seat);
}

void HearingSession::close_all(std::uint16_t code, const std::string& reason) {
  finish_spreads();  // a graceful close writes what was queued, so queue all of it
  for (auto& [ptr, seat] : seats_) {
    if (auto c = seat.connection.lock()) c->close(code, reason, true);
  }
}

void HearingSession::let_go(const std::string& owner) {
  if (moved_to_) return;
  moved_to_ = owner;
  finish_spreads();
  close_seats_moved();
}

void HearingSession::close_moved(const std::shared_ptr<Connection>& c) const {
  // Drained first: the answers already queued (a refused batch's storage_failed) reach the client.
  c->close(close_code::elsewhere, "node=" + *moved_to_, true);
}

void HearingSession::close_seats_moved() const {
  for (const auto& [ptr, seat] : seats_) {
    if (auto c = seat.connection.lock()) close_moved(c);
  }
}

void HearingSession::replaced() {
  finish_spreads();
  reload();
  votes_.clear();  // acks of a reset log must never answer a new vote's retry
  not_stored_.clear();
  tally_pending_ = 0;
  tick_due_.reset();
  // What clients hold describes the old state: no resuming from it.
  for (auto& [roles, a] : audiences_) {
    a.ring.clear();
    a.ring_bytes = 0;
    a.ring_floor = state_.event_count + 1;
    render_all(a, roles);
  }
  for (auto& [ptr, seat] : seats_) {
    if (auto c = seat.connection.lock()) c->close(close_code::redefined, "redefined", true);
  }
}

// ---- batches
// -----------------------------------------------------------------------------------------------

// Everything queued is answered storage_failed without being decided: `why` nothing can be stored here now.
void HearingSession::refuse_queued(const std::string& why) {
  for (const auto& r : queue_)
    refuse(r.from, r.message.id, {"storage_failed", why + ": nothing was stored", ""});
  queue_.clear();
}

std::vector<store::CommandRecord> HearingSession::take_batch(core::TimeMs now) {
  std::vector<store::CommandRecord> records;
  if (busy_ || queue_.empty()) return records;
  if (moved_to_) {
    refuse_queued("hearing " + id_ + " moved to node " + *moved_to_);
    return records;
  }
  if (!current()) {
    refuse_queued("the store cannot be read back after a failed commit");
    return records;
  }
  // Under load the next batch waits out the interval and takes everything that came meanwhile. A clock set
  // back counts as due, as for the tally.
  const core::TimeMs interval = ctx_.limits.batch_interval_ms;
  if (interval > 0 && last_batch_at_ && now >= *last_batch_at_ && now - *last_batch_at_ < interval) {
    batch_due_ = *last_batch_at_ + interval;
    return records;
  }
  batch_due_.reset();
  last_batch_at_ = now;
  busy_ = true;
  std::deque<Request> batch;
  batch.swap(queue_);
  for (auto& r : batch) {
    if (reissuing_.count(r.participant) != 0) {
      held_.push_back(std::move(r));  // decided once the new card is issued (or not): tokens_issued
    } else if (seats_.count(r.from.lock().get()) == 0) {
      refuse(r.from, r.message.id,
             {"not_joined", "this connection has not been admitted to the hearing", ""});
    } else if (!r.command) {
      screen_server_request(std::move(r));
    } else if (!accept_vote_retry(r)) {
      accept(std::move(r), now);
    }
  }
  committing_.clear();
  for (std::size_t i = 0; i < accepted_.size(); ++i) {
    Accepted& a = accepted_[i];
    if (a.events.empty()) {  // nothing to store (the engine had nothing to record)
      a.outcome = store::CommitInfo{state_.event_count, {}};
      continue;
    }
    store::CommandRecord record{id_, a.events, std::nullopt,
                                lease_ ? std::optional<std::int64_t>(lease_->epoch) : std::nullopt};
    if (a.idempotency)
      record.idempotency = store::Idempotency{a.idempotency->first, a.idempotency->second, a.ack};
    records.push_back(std::move(record));
    committing_.push_back(i);
  }
  outstanding_ = records.size();
  if (outstanding_ == 0) finish_batch(now);
  return records;
}

bool HearingSession::accept_vote_retry(Request& r) {
  if (r.message.type != "cast_sheet") return false;
  const auto key = std::make_pair(r.participant, r.message.body.at("idempotency_key").get<std::string>());
  if (auto it = votes_.find(key); it != votes_.end()) {
    if (it->second.ack) {
      answer(r.from, duplicate_ack_text(*it->second.ack, r.message.id));
      ctx_.metrics.acks++;
    } else {
      it->second.waiting.emplace_back(r.from, r.message.id);
    }
    return true;
  }
  // Only a participant who already voted in this ballot can be retrying across a restart.
  const auto& ballot = std::get<core::CastSheet>(*r.command).ballot;
  const auto b = state_.ballots.find(ballot);
  if (b == state_.ballots.end() || b->second.voted.count(r.participant) == 0) return false;
  if (not_stored_.erase(key) != 0) return false;  // looked up already: no earlier attempt was stored
  vote_lookups_.push_back(VoteLookup{std::move(r), key});
  return true;
}

std::optional<std::string> HearingSession::stored_vote_ack(const HearingContext& ctx,
                                                           const store::HearingId& hearing,
                                                           const VoteLookup& lookup) {
  std::lock_guard lock(ctx.store_reads);
  return ctx.store.find_idempotent_ack(hearing, lookup.key.first, lookup.key.second);
}

void HearingSession::looked_up(VoteLookup lookup, std::optional<std::string> ack) {
  if (!ack) {
    // Decided in the next batch like any sheet (a change of it, or refused as a second one).
    not_stored_.insert(lookup.key);
    queue_.push_front(std::move(lookup.request));
    return;
  }
  votes_[lookup.key].ack = *ack;
  answer(lookup.request.from, duplicate_ack_text(*ack, lookup.request.message.id));
  ctx_.metrics.acks++;
}

void HearingSession::accept(Request r, core::TimeMs now) {
  auto events = core::execute(state_, r.participant, *r.command, now);
  if (!events) return refuse(r.from, r.message.id, engine_error(events.error()));
  Accepted a;
  a.seq = state_.event_count;
  a.ack = ack_text(r.message.id, a.seq, ack_result(*r.command, *events));
  a.events = std::move(*events);
  if (r.message.type == "cast_sheet") {
    a.idempotency.emplace(r.participant, r.message.body.at("idempotency_key").get<std::string>());
    votes_[*a.idempotency] = Idempotent{};
  }
  a.request = std::move(r);
  accepted_.push_back(std::move(a));
}

void HearingSession::screen_server_request(Request r) {
  const core::Participant* who = state_.participant(r.participant);
  const auto& type = r.message.type;
  const auto& body = r.message.body;
  if (type == "issue_tokens") {
    if (!who->roles.has(core::Role::chair)) {
      return refuse(r.from, r.message.id,
                    {"not_allowed", "only the chair issues join tokens", "", {{"command", "issue_tokens"}}});
    }
    const auto& list = body.at("participants");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto p = list[i].get<std::string>();
      const std::string field = "/participants/" + std::to_string(i);
      if (state_.participant(p) == nullptr)
        return refuse(r.from, r.message.id, {"not_found", "no participant " + p, field});
      if (state_.revoked.count(p) != 0) {
        return refuse(r.from, r.message.id, {"revoked", "the token of " + p + " was revoked", field});
      }
    }
  } else if (type == "list_online") {
    if (!who->roles.has(core::Role::chair)) {
      return refuse(
          r.from, r.message.id,
          {"not_allowed", "only the chair sees who is connected", "", {{"command", "list_online"}}});
    }
  } else if (type == "check_receipt") {
    const bool may = who->roles.has(core::Role::scrutineer) ||
                     (who->roles.has(core::Role::voter) && state_.def.settings.voters_may_check_receipts);
    if (!may)
      return refuse(
          r.from, r.message.id,
          {"not_allowed", "checking receipts is not open to this role", "", {{"command", "check_receipt"}}});
    if (state_.ballots.count(body.at("ballot").get<std::string>()) == 0) {
      return refuse(r.from, r.message.id, {"not_found", "no such ballot", "/ballot"});
    }
  }
  deferred_.push_back(std::move(r));
}

HearingSession::BatchEnd HearingSession::committed(std::size_t index, core::Result<store::CommitInfo> outcome,
                                                   core::TimeMs now) {
  accepted_.at(committing_.at(index)).outcome = std::move(outcome);
  if (--outstanding_ != 0) return BatchEnd::pending;
  return finish_batch(now);
}

HearingSession::BatchEnd HearingSession::finish_batch(core::TimeMs now) {
  bool failed = false;
  std::optional<std::string> moved;  // the node that took the hearing over, when the store said so
  for (const auto& a : accepted_) {
    if (a.outcome->ok()) continue;
    failed = true;
    if (!store::lost_lease(a.outcome->error())) continue;
    const auto& params = a.outcome->error().params;
    const auto owner = params.find("owner");
    const auto* name = owner == params.end() ? nullptr : std::get_if<std::string>(&owner->second);
    moved = name != nullptr ? *name : std::string();  // empty: no node holds it (the front picks one)
  }
  if (failed) ctx_.metrics.commit_failures++;
  // When the hearing is another node's now its log goes on there, so this copy is neither reloaded nor shown.
  if (failed && !moved) reload();  // forget what was applied but not stored

  core::SectionMask urgent = 0;
  core::SectionMask counted = 0;
  std::set<core::ParticipantId> personal;
  std::vector<core::ParticipantId> revoked;
  for (const auto& a : accepted_) {
    if (!a.outcome->ok()) continue;
    for (const auto& e : a.events) {
      const core::SectionMask m = core::sections_touched(e.body);
      if (moves_only_the_count(e.body)) {
        counted |= m & kCoalescable;
        urgent |= m & ~kCoalescable;
      } else {
        urgent |= m;
      }
      for (auto& p : core::personal_touched(state_, e.body)) personal.insert(std::move(p));
      // The store marked the token revoked in the event's own transaction; here its devices are sent away.
      if (const auto* t = std::get_if<core::TokenRevoked>(&e.body)) revoked.push_back(t->participant);
    }
  }

  bool coalesced_only = false;
  const core::SectionMask mask = paced(urgent, counted, now, coalesced_only);
  for (const auto& a : accepted_) {
    if (auto c = a.request.from.lock()) answering_.insert(c.get());
  }
  if (moved) {
    tally_pending_ = 0;  // state_ holds events that were not stored: nothing of it goes out
    tick_due_.reset();
  } else {
    if (mask != 0) publish(mask, coalesced_only, now);
    publish_personal(personal, now);
  }
  answer_batch();
  answering_.clear();
  for (const auto& p : revoked) close_participant(p, nullptr, "revoked");
  auto deferred = std::move(deferred_);
  deferred_.clear();
  for (const auto& r : deferred) answer_server_request(r, now);
  accepted_.clear();
  busy_ = false;
  if (moved && !moved_to_) {
    moved_to_ = moved;
    close_seats_moved();
    return BatchEnd::lost;
  }
  return failed ? BatchEnd::failed : BatchEnd::stored;
}

// Changes that only move the count wait for the next tally tick, unless something else about ballots is being
// sent now (opening, closing, …): then the current count goes with it.
core::SectionMask HearingSession::paced(core::SectionMask urgent, core::SectionMask counted, core::TimeMs now,
                                        bool& coalesced_only) {
  core::SectionMask mask = urgent;
  tally_pending_ |= counted;
  const double interval_ms = ctx_.limits.tally_hz > 0 ? 1000.0 / ctx_.limits.tally_hz : 0.0;
  // A clock set back (now before the last count) counts as due: otherwise the count would wait until the
  // clock caught up again, and the hall's screens would freeze for as long as it was set back.
  const bool due = tally_due_ || !tally_sent_ || now < *tally_sent_ ||
                   static_cast<double>(now - *tally_sent_) >= interval_ms;
  if ((urgent & kCoalescable) != 0 || (tally_pending_ != 0 && due)) {
    mask |= kCoalescable;
    coalesced_only = urgent == 0;
    tally_pending_ = 0;
    tally_due_ = false;
    tally_sent_ = now;  // the next count-only change waits its turn
    tick_due_.reset();
  } else if (tally_pending_ != 0 && !tick_due_) {
    tick_due_ = *tally_sent_ + static_cast<core::TimeMs>(std::ceil(interval_ms));
  }
  return mask;
}

void HearingSession::tick(core::TimeMs now) {
  tick_due_.reset();
  if (busy_) {
    tally_due_ = true;  // the batch's end sends it, from committed state
    return;
  }
  if (tally_pending_ == 0) return;
  tally_pending_ = 0;
  tally_sent_ = now;
  publish(kCoalescable, true, now);
}

// The acks of a committed batch, after its updates; or its refusals.
void HearingSession::answer_batch() {
  for (auto& a : accepted_) {
    auto vote = a.idempotency ? votes_.find(*a.idempotency) : votes_.end();
    if (a.outcome->ok()) {
      answer(a.request.from, a.ack);
      ctx_.metrics.acks++;
      if (vote != votes_.end()) {
        vote->second.ack = a.ack;
        for (auto& [from, id] : vote->second.waiting) {
          answer(from, duplicate_ack_text(a.ack, id));
          ctx_.metrics.acks++;
        }
        vote->second.waiting.clear();
      }
    } else {
      const std::string why = "the command could not be stored: " + a.outcome->error().message;
      refuse(a.request.from, a.request.message.id, {"storage_failed", why, ""});
      if (vote != votes_.end()) {
        for (auto& [from, id] : vote->second.waiting) refuse(from, id, {"storage_failed", why, ""});
        votes_.erase(vote);
      }
    }
  }
}

void HearingSession::answer_server_request(const Request& r, core::TimeMs now) {
  const auto& type = r.message.type;
  const auto& body = r.message.body;
  json result = json::object();
  if (type == "ping") {
    result["server_time"] = now;
  } else if (type == "check_receipt") {
    std::string receipt = body.at("receipt").get<std::string>();
    for (char& ch : receipt) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    receipt_checks_.push_back(ReceiptCheck{r.from, r.message.id, body.at("ballot").get<std::string>(),
                                           store::sha256_hex(receipt), state_.event_count});
    return;  // answered by the store, off the strand
  } else if (type == "list_online") {
    // Who has a device open now: the chair's count of what a bulk reissue would drop.
    json online = json::array();
    for (const auto& [p, conns] : by_participant_) {
      if (!conns.empty()) online.push_back(p);
    }
    result["participants"] = std::move(online);
  } else if (type == "issue_tokens") {
    TokenIssue issue{r.from, r.message.id, body.at("participants").get<std::vector<core::ParticipantId>>()};
    // Until the store has issued them, nothing of these participants is decided: their old cards' devices
    // must not act between the new token and their closing.
    for (const auto& p : issue.participants) reissuing_.insert(p);
    token_issues_.push_back(std::move(issue));
    return;  // issued by the store, off the strand
  }
  answer(r.from, ack_text(r.message.id, state_.event_count, result));
  ctx_.metrics.acks++;
}

void HearingSession::answer_receipt_check(const HearingContext& ctx, const store::HearingId& hearing,
                                          const ReceiptCheck& check) {
  auto to = check.to.lock();
  if (!to) return;
  core::Result<bool> in_box = false;
  {
    std::lock_guard lock(ctx.store_reads);
    in_box = ctx.store.receipt_in_box(hearing, check.ballot, check.receipt_hash);
  }
  if (!in_box) {
    ctx.metrics.count_error("storage_failed");
    to->deliver(make_outgoing(error_text({"storage_failed", in_box.error().message, ""}, check.id)));
    return;
  }
  to->deliver(make_outgoing(ack_text(check.id, check.seq, json{{"in_box", *in_box}})));
  ctx.metrics.acks++;
}

core::Result<std::vector<store::IssuedToken>> HearingSession::issue_tokens(const HearingContext& ctx,
                                                                           const store::HearingId& hearing,
                                                                           const TokenIssue& issue) {
  // One transaction for the whole list (one fsync, not one per card), and all or nothing: when the store
  // fails no one's token changes and no device is closed.
  std::lock_guard lock(ctx.store_reads);
  return ctx.store.reissue_tokens(hearing, issue.participants);
}

void HearingSession::tokens_issued(const TokenIssue& issue,
                                   const core::Result<std::vector<store::IssuedToken>>& issued) {
  for (const auto& p : issue.participants) {
    if (auto it = reissuing_.find(p); it != reissuing_.end()) reissuing_.erase(it);
  }
  // What they sent meanwhile is decided now, in order, ahead of what came later (from devices still seated).
  for (auto it = held_.rbegin(); it != held_.rend();) {
    if (reissuing_.count(it->participant) != 0) {
      ++it;
      continue;
    }
    queue_.push_front(std::move(*it));
    it = std::reverse_iterator(held_.erase(std::next(it).base()));
  }
  if (!issued) return refuse(issue.to, issue.id, {"storage_failed", issued.error().message, ""});
  json tokens = json::array();
  const auto chair = issue.to.lock();
  for (const auto& t : *issued) {
    tokens.push_back({{"participant", t.participant}, {"token", t.token}, {"path", "/j/" + t.token}});
    // The old card's devices go; the chair's own connection stays even when the chair reissued their own.
    close_participant(t.participant, chair.get(), "token reissued");
  }
  answer(issue.to, ack_text(issue.id, state_.event_count, json{{"tokens", std::move(tokens)}}));
  ctx_.metrics.acks++;
}

// ---- fan-out
// -----------------------------------------------------------------------------------------------

HearingSession::Audience& HearingSession::audience(const core::RoleSet& roles) {
  auto [it, fresh] = audiences_.try_emplace(roles);
  Audience& a = it->second;
  if (fresh) {
    a.screen = core::Screen(roles);
    render_all(a, roles);
    a.ring_floor = state_.event_count;
  }
  return a;
}

const std::string& HearingSession::whole_text(SentSection& sent) {
  if (!sent.text) {
    sent.text = std::make_shared<const std::string>(sent.kept.whole());
    sent.whole_bytes = sent.text->size();
  }
  return *sent.text;
}

void HearingSession::render_all(Audience& a, const core::RoleSet& roles) {
  for (core::Section s : core::kAllSections) {
    if (!a.screen.shows(s)) continue;
    SentSection& sent = a.sent[section_index(s)];
    sent = SentSection{KeptSection(core::screen_view(state_, s, roles, a.screen)), nullptr, 0,
                       state_.event_count};
    whole_text(sent);
  }
}

void HearingSession::take_change(Audience& a, const core::RoleSet& roles, core::Section s,
                                 SectionChanges& changes) {
  SentSection& sent = a.sent[section_index(s)];
  KeptSection next(core::screen_view(state_, s, roles, a.screen));
  if (next == sent.kept) return;
  const Carried bit = core::mask_of(s);
  changes.carries |= bit;
  if (auto patch = section_patch(sent.kept, next, sent.whole_bytes, ctx_.limits.patch_min_bytes)) {
    changes.patched |= bit;
    changes.patch[section_index(s)] = std::move(*patch);
    changes.base[section_index(s)] = sent.version;
    sent.text.reset();
  } else {
    sent.text = std::make_shared<const std::string>(next.whole());
    sent.whole_bytes = sent.text->size();
  }
  sent.kept = std::move(next);
  sent.version = state_.event_count;
}

std::string HearingSession::section_update_text(Audience& a, const SectionChanges& changes,
                                                core::TimeMs now) const {
  std::string out = "{\"type\":\"update\",\"seq\":" + std::to_string(state_.event_count) +
                    ",\"server_time\":" + std::to_string(now);
  // Whole sections under "sections", patches under "patches", each in the order of kAllSections.
  const auto members = [&](const char* name, Carried which, auto&& value) {
    if (which == 0) return;
    out += ",\"";
    out += name;
    out += "\":{";
    bool first = true;
    for (core::Section s : core::kAllSections) {
      if ((which & core::mask_of(s)) == 0) continue;
      if (!first) out += ',';
      first = false;
      out += '"';
      out += core::to_string(s);
      out += "\":";
      value(s);
    }
    out += '}';
  };
  members("sections", changes.carries & ~changes.patched,
          [&](core::Section s) { out += whole_text(a.sent[section_index(s)]); });
  members("patches", changes.patched, [&](core::Section s) {
    out += "{\"base\":" + std::to_string(changes.base[section_index(s)]) +
           ",\"ops\":" + changes.patch[section_index(s)] + '}';
  });
  out += '}';
  return out;
}

void HearingSession::publish(core::SectionMask mask, bool coalesced_only, core::TimeMs now) {
  // Any other update may carry tally or ballots too: the older count must not arrive after it.
  if (!coalesced_only) finish_spreads();
  for (auto& [roles, a] : audiences_) {
    // Only what these screens show: a section they never display is neither computed nor sent.
    const core::SectionMask shown = mask & a.screen.sections();
    SectionChanges changes;
    for (core::Section s : core::kAllSections) {
      if ((shown & core::mask_of(s)) != 0) take_change(a, roles, s, changes);
    }
    // A coalesced update carries the whole count (tally and turnout), so a newer one can supersede it in a
    // queue: what did not change goes whole.
    if (coalesced_only && (changes.carries & kCoalescable) != 0) changes.carries |= shown & kCoalescable;
    if (changes.carries == 0) continue;
    const Carried changed = changes.carries;
    auto text = std::make_shared<const std::string>(section_update_text(a, changes, now));
    ctx_.metrics.updates++;
    keep_for_resume(a, text);
    if (coalesced_only) {
      CountSpread spread{text, changed, changes.patched, {}, 0};
      spread.to.reserve(a.members.size());
      for (auto& [ptr, member] : a.members) spread.to.push_back(member);
      spreads_.push_back(std::move(spread));
    } else {
      for (auto& [ptr, member] : a.members) {
        if (auto c = member.lock()) c->deliver(Outgoing{text, changed, changes.patched, answered_now(c)});
      }
    }
  }
  deliver_spreads(ctx_.limits.count_slice);
}

void HearingSession::keep_for_resume(Audience& a, const std::shared_ptr<const std::string>& text) {
  if (ctx_.limits.resume_window == 0) {
    a.ring_floor = state_.event_count + 1;
    return;
  }
  a.ring.emplace_back(state_.event_count, text);
  a.ring_bytes += text->size();
  while (!a.ring.empty() &&
         (a.ring.size() > ctx_.limits.resume_window || a.ring_bytes > ctx_.limits.resume_window_bytes)) {
    a.ring_floor = a.ring.front().first;
    a.ring_bytes -= a.ring.front().second->size();
    a.ring.pop_front();
  }
}

bool HearingSession::deliver_spreads(std::size_t budget) {
  while (!spreads_.empty() && budget > 0) {
    CountSpread& s = spreads_.front();
    for (; s.next < s.to.size() && budget > 0; ++s.next, --budget) {
      if (auto c = s.to[s.next].lock()) c->deliver(Outgoing{s.text, s.carries, s.patched});
    }
    if (s.next == s.to.size()) spreads_.pop_front();
  }
  return !spreads_.empty();
}

void HearingSession::spread() {
  deliver_spreads(ctx_.limits.count_slice);
}

void HearingSession::finish_spreads() {
  deliver_spreads(std::numeric_limits<std::size_t>::max());
}

void HearingSession::publish_personal(const std::set<core::ParticipantId>& who, core::TimeMs now) {
  for (const auto& p : who) {
    auto conns = by_participant_.find(p);
    if (conns == by_participant_.end()) continue;
    auto text = std::make_shared<const std::string>(
        "{\"type\":\"update\",\"seq\":" + std::to_string(state_.event_count) + ",\"server_time\":" +
        std::to_string(now) + ",\"me\":" + wire_dump(core::personal_view(state_, p)) + "}");
    for (auto& [ptr, member] : conns->second) {
      if (auto c = member.lock()) c->deliver(Outgoing{text, kCarriesMe, 0, answered_now(c)});
    }
  }
}

// ---- joining
// -----------------------------------------------------------------------------------------------

std::string HearingSession::welcome_text(const core::Participant& p, Audience& a, bool resumed,
                                         core::TimeMs now) const {
  json roles = json::array();
  for (core::Role r : p.roles.list()) roles.push_back(core::to_string(r));
  const Limits& l = ctx_.limits;
  json head = {{"type", "welcome"},
               {"protocol", kProtocolVersion},
               {"hearing", {{"id", id_}, {"title", state_.def.title}}},
               {"participant", {{"id", p.id}, {"name", p.name}, {"roles", roles}}},
               {"seq", state_.event_count},
               {"server_time", now},
               {"resumed", resumed},
               {"limits",
                {{"max_message_bytes", l.max_message_bytes},
                 {"rate_per_s", l.rate_per_s},
                 {"rate_burst", l.rate_burst},
                 {"max_queue_messages", l.max_queue_messages},
                 {"max_queue_bytes", l.max_queue_bytes},
                 {"tally_hz", l.tally_hz}}}};
  if (p.roles.has(core::Role::chair) && !ctx_.public_url.empty()) head["public_url"] = ctx_.public_url;
  if (lease_) head["node"] = lease_->node;
  std::string out = wire_dump(head);
  out.pop_back();  // the closing brace: the view follows, spliced from the audience's serialised sections
  out += ",\"view\":{";
  if (!resumed) {
    for (core::Section s : core::kAllSections) {
      if (!a.screen.shows(s)) continue;
      out += '"';
      out += core::to_string(s);
      out += "\":";
      out += whole_text(a.sent[section_index(s)]);
      out += ',';
    }
  }
  out += "\"me\":" + wire_dump(core::personal_view(state_, p.id)) + "}}";
  return out;
}

void HearingSession::join(const std::shared_ptr<Connection>& c, const core::ParticipantId& p,
                          std::optional<std::int64_t> from, core::TimeMs now) {
  if (moved_to_) return close_moved(c);
  if (!current()) return c->close(close_code::server_full, "the store is out of reach; try again", true);
  const core::Participant* who = state_.participant(p);
  if (who == nullptr) {
    c->deliver(make_outgoing(error_text({"unauthorized", "unknown token", ""})));
    ctx_.metrics.count_error("unauthorized");
    return c->close(close_code::unauthorized, "unauthorized", true);
  }
  if (state_.revoked.count(p) != 0) {
    c->deliver(make_outgoing(error_text({"revoked", "this join token was revoked", ""})));
    ctx_.metrics.count_error("revoked");
    return c->close(close_code::revoked, "revoked", true);
  }
  auto& mine = by_participant_[p];
  if (static_cast<std::int64_t>(mine.size()) >= ctx_.limits.connections_per_token) {
    if (mine.empty()) by_participant_.erase(p);
    return c->close(close_code::too_many_connections, "too many connections for this token", false);
  }
  Audience& a = audience(who->roles);

  std::vector<std::shared_ptr<const std::string>> missed;
  bool resumed = false;
  if (from && *from >= a.ring_floor && *from <= state_.event_count) {
    std::size_t bytes = 0;
    for (const auto& [seq, text] : a.ring) {
      if (seq <= *from) continue;
      missed.push_back(text);
      bytes += text->size();
    }
    // Replaying must fit comfortably in the queue, or the client would be closed as too slow.
    resumed = missed.size() <= ctx_.limits.max_queue_messages / 2 && bytes <= ctx_.limits.max_queue_bytes / 2;
  }
  c->deliver(make_outgoing(welcome_text(*who, a, resumed, now)));
  if (resumed) {
    ctx_.metrics.resumes++;
    for (auto& text : missed) c->deliver(Outgoing{text, 0});  // in order, each kept
    if (const core::SectionMask counts = kCoalescable & a.screen.sections(); counts != 0) {
      SectionChanges whole;
      whole.carries = counts;
      c->deliver(make_outgoing(section_update_text(a, whole, now), counts));
    }
  } else {
    ctx_.metrics.snapshots++;
  }
  seats_[c.get()] = Seat{c, p, who->roles};
  a.members[c.get()] = c;
  mine[c.get()] = c;
}

void HearingSession::close_participant(const core::ParticipantId& p, const Connection* except,
                                       const std::string& reason) {
  auto conns = by_participant_.find(p);
  if (conns == by_participant_.end()) return;
  // A device told to go is unseated at once, before its close handshake ends: nothing more of it is decided
  // (its requests still on their way are refused not_joined), and it is no longer the participant's
  // (list_online, personal updates) or sent updates.
  for (auto it = conns->second.begin(); it != conns->second.end();) {
    if (it->first == except) {
      ++it;
      continue;
    }
    if (auto c = it->second.lock()) c->close(close_code::revoked, reason, false);
    if (auto seat = seats_.find(it->first); seat != seats_.end()) {
      if (auto a = audiences_.find(seat->second.roles); a != audiences_.end())
        a->second.members.erase(it->first);
      seats_.erase(seat);
    }
    it = conns->second.erase(it);
  }
  if (conns->second.empty()) by_participant_.erase(conns);
}

// ---- small helpers
// -----------------------------------------------------------------------------------------

bool HearingSession::answered_now(const std::shared_ptr<Connection>& c) const {
  return answering_.contains(c.get());
}

void HearingSession::answer(const std::weak_ptr<Connection>& to, std::string text) {
  if (auto c = to.lock()) c->deliver(make_outgoing(std::move(text)));
}

void HearingSession::refuse(const std::weak_ptr<Connection>& to, std::string_view id, WireError error) {
  ctx_.metrics.count_error(error.code);
  answer(to, error_text(error, id));
}

void HearingSession::reload() {
  std::lock_guard lock(ctx_.store_reads);
  auto loaded = ctx_.store.load(id_);
  if (loaded) {
    state_ = std::move(*loaded);
    if (stale_) std::cerr << "hearing " << id_ << ": read back from the store; taking commands again\n";
    stale_ = false;
  } else {
    if (!stale_) {
      std::cerr << "hearing " << id_ << ": reload after a failed commit failed: " << loaded.error().message
                << "; commands and joins are refused until it can be read back\n";
    }
    stale_ = true;
  }
}

// After a failed commit the state in memory may hold changes the store never took. Until it has been read
// back, nothing may be decided on it or shown from it.
bool HearingSession::current() {
  if (stale_) reload();
  return !stale_;
}

}  // namespace dais::net

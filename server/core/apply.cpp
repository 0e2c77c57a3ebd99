// apply(): events change the state. Events are facts already checked by decide() (or read back from the log),
// so nothing here fails or looks at roles; everything here is a function of the state and the event alone.
#include <algorithm>
#include <tuple>

#include "core/decide.hpp"
#include "core/engine.hpp"
#include "core/tally.hpp"

namespace dais::core {
namespace {

void start(Timer& t, TimeMs at) {
  if (!t.running()) t.running_since = at;
}

void stop(Timer& t, TimeMs at) {
  if (!t.running()) return;
  t.used_ms = t.elapsed(at);
  t.running_since.reset();
}

Timer& timer_of(Slot& slot, TimerKind kind) {
  return kind == TimerKind::report ? slot.report : slot.qa;
}

void stop_timers(Slot& slot, TimeMs at) {
  stop(slot.report, at);
  stop(slot.qa, at);
}

void stop_all_timers(HearingState& s, TimeMs at) {
  for (Slot& slot : s.agenda) stop_timers(slot, at);
}

void remove_from_queue(HearingState& s, const Inquiry& inquiry) {
  auto it = s.queue.find(inquiry.slot);
  if (it == s.queue.end()) return;
  std::erase(it->second, inquiry.id);
  if (it->second.empty()) s.queue.erase(it);
}

// Replaces (or adds) one stored sheet and keeps the exact tally equal to the sum of the stored sheets.
void store_sheet(HearingState& s, const SheetStored& e) {
  Ballot& b = s.ballots.at(e.ballot);
  const BallotTemplate* tpl = s.def.ballot_template(b.template_id);
  if (tpl == nullptr) return;  // cannot happen for events decide() made; keeps a damaged log from crashing
  auto& sheets = e.voter ? b.named : b.box;
  const std::string& key = e.voter ? *e.voter : e.receipt_hash;
  if (auto old = sheets.find(key); old != sheets.end()) add_sheet(b.tally, *tpl, b.slots, old->second, -1);
  add_sheet(b.tally, *tpl, b.slots, e.entry, +1);
  sheets[key] = e.entry;
  if (e.voter) b.live = b.tally;  // a named ballot has nothing to hide: its live tally is the exact one
}

// A ballot that closes (or is voided) takes no more sheets: its held count and the change tags go, as they go
// from the file (server/store/log_writer.cpp), so the state and a recovery from the file stay equal.
// The roll stands still from the close on (a voter who checks in later was handed no sheet).
void end_changes(const HearingState& s, Ballot& b, BallotStatus status) {
  if (!b.roll_at_close) {
    if (const BallotTemplate* tpl = s.def.ballot_template(b.template_id)) b.roll_at_close = roll_now(s, *tpl);
  }
  b.status = status;
  b.held.reset();
  b.paper_entries.clear();
  for (auto& [receipt, entry] : b.box) entry.change_tag.reset();
}

// A voided anonymous ballot counts for nothing, so its sheets' marks go: kept, a box of fewer than k sheets
// would be an aggregate of voters the log names. Its receipts stay, so voters can still check their sheet
// was in it.
// The tally is rebuilt from the emptied box, as a recovery from the file rebuilds it.
void discard_marks(const HearingState& s, Ballot& b) {
  const BallotTemplate* tpl = s.def.ballot_template(b.template_id);
  if (tpl == nullptr || !tpl->anonymous) return;
  b.tally = Tally{};
  for (auto& [receipt, entry] : b.box) {
    entry = BoxEntry{};
    add_sheet(b.tally, *tpl, b.slots, entry, +1);
  }
}

struct Applier {
  HearingState& s;
  TimeMs at;

  void operator()(const CheckInOpened&) { s.phase = Phase::check_in; }
  void operator()(const ParticipantCheckedIn& e) { s.checked_in.insert(e.participant); }
  void operator()(const SessionStarted&) { s.phase = Phase::in_session; }
  void operator()(const SessionPaused&) {
    // The clock stops with the session; the chair restarts a timer explicitly after resuming.
    s.phase = Phase::paused;
    stop_all_timers(s, at);
  }
  void operator()(const SessionResumed&) { s.phase = Phase::in_session; }
  void operator()(const HearingAdjourned&) {
    s.phase = Phase::adjourned;
    stop_all_timers(s, at);
  }

  void operator()(const SlotCalled& e) {
    if (s.current_slot) {
      if (Slot* previous = s.slot(*s.current_slot)) stop_timers(*previous, at);
    }
    Slot* slot = s.slot(e.slot);
    // A return to a finished or skipped slot starts it over; its timers keep the time already used.
    if (slot->stage == Stage::done || slot->stage == Stage::skipped) slot->stage = Stage::waiting;
    s.current_slot = e.slot;
  }
  void operator()(const StageChanged& e) {
    Slot* slot = s.slot(e.slot);
    slot->stage = e.stage;
    stop_timers(*slot, at);
    if (e.stage == Stage::reporting) start(slot->report, at);
    if (e.stage == Stage::questioning) start(slot->qa, at);
  }
  void operator()(const SlotSkipped& e) {
    Slot* slot = s.slot(e.slot);
    stop_timers(*slot, at);
    slot->stage = Stage::skipped;
    if (s.current_slot == e.slot) s.current_slot.reset();
  }
  void operator()(const AgendaReordered& e) {
    std::vector<Slot> agenda;
    agenda.reserve(s.agenda.size());
    for (const SlotId& id : e.order) agenda.push_back(*s.slot(id));
    s.agenda = std::move(agenda);
  }
  void operator()(const SlotInserted& e) {
    const auto pos = std::clamp<std::int64_t>(e.position, 0, static_cast<std::int64_t>(s.agenda.size()));
    s.agenda.insert(s.agenda.begin() + pos, make_slot(e.slot));
  }
  void operator()(const TimerPaused& e) { stop(timer_of(*s.slot(e.slot), e.timer), at); }
  void operator()(const TimerResumed& e) { start(timer_of(*s.slot(e.slot), e.timer), at); }
  void operator()(const TimerExtended& e) { timer_of(*s.slot(e.slot), e.timer).limit_ms += e.by_ms; }

  void operator()(const InquirySubmitted& e) {
    s.inquiries[e.inquiry.id] = e.inquiry;
    ++s.next_inquiry;
  }
  void operator()(const InquiryWithdrawn& e) {
    Inquiry& q = s.inquiries.at(e.inquiry);
    remove_from_queue(s, q);
    q.status = InquiryStatus::withdrawn;
  }
  void operator()(const InquiryApproved& e) {
    Inquiry& q = s.inquiries.at(e.inquiry);
    q.status = InquiryStatus::approved;
    s.queue[q.slot].push_back(q.id);
  }
  void operator()(const InquiryRejected& e) {
    Inquiry& q = s.inquiries.at(e.inquiry);
    remove_from_queue(s, q);
    q.status = InquiryStatus::rejected;
    q.reject_reason = e.reason;
  }
  void operator()(const QueueReordered& e) {
    if (e.order.empty()) {
      s.queue.erase(e.slot);
    } else {
      s.queue[e.slot] = e.order;
    }
  }
  void operator()(const InquiryAsked& e) {
    Inquiry& q = s.inquiries.at(e.inquiry);
    remove_from_queue(s, q);  // the queue holds only inquiries still waiting to be asked
    q.status = InquiryStatus::asking;
    s.asking = q.id;
  }
  void operator()(const InquiryAnswered& e) {
    Inquiry& q = s.inquiries.at(e.inquiry);
    q.status = InquiryStatus::answered;
    q.answer_summary = e.summary;
    if (s.asking == q.id) s.asking.reset();
  }
  void operator()(const CommitmentRecorded& e) {
    s.inquiries.at(e.inquiry).commitments.push_back(e.commitment);
  }
  void operator()(const InquiryUpvoted& e) { s.inquiries.at(e.inquiry).upvoters.insert(e.by); }

  void operator()(const BallotCreated& e) {
    Ballot b;
    b.id = e.ballot;
    b.template_id = e.template_id;
    b.slots = e.slots;
    b.rerun_of = e.rerun_of;
    s.ballots[b.id] = std::move(b);
    s.ballot_order.push_back(e.ballot);
    ++s.next_ballot;
  }
  void operator()(const BallotOpened& e) {
    Ballot& b = s.ballots.at(e.ballot);
    b.status = BallotStatus::open;
    b.eligible = e.eligible;
  }
  void operator()(const SheetRecorded& e) {
    Ballot& b = s.ballots.at(e.ballot);
    b.voted.insert(e.voter);
  }
  void operator()(const SheetStored& e) { store_sheet(s, e); }
  void operator()(const LiveTallyRefreshed& e) { s.ballots.at(e.ballot).live = e.tally; }
  void operator()(const LiveTallyHeld& e) { s.ballots.at(e.ballot).held = e.tally; }
  void operator()(const BallotClosed& e) { end_changes(s, s.ballots.at(e.ballot), BallotStatus::closed); }
  void operator()(const BallotPublished& e) { s.ballots.at(e.ballot).status = BallotStatus::published; }
  void operator()(const BallotVoided& e) {
    Ballot& b = s.ballots.at(e.ballot);
    end_changes(s, b, BallotStatus::voided);
    b.void_reason = e.reason;
    discard_marks(s, b);
  }

  void operator()(const PaperSheetHandedOut& e) {
    Ballot& b = s.ballots.at(e.ballot);
    b.voted.insert(e.voter);
    b.paper_takers.insert(e.voter);
  }
  void operator()(const PaperSheetEntered&) {}  // the log's record of who entered; the marks come apart
  void operator()(const PaperEntryStored& e) {
    auto& entries = s.ballots.at(e.ballot).paper_entries;
    const auto same = [&](const PaperEntry& x) { return x.sheet == e.entry.sheet && x.by == e.entry.by; };
    std::erase_if(entries, same);
    // Kept in sheet order, so that the state (and a recovery, which reads them back sorted) is one.
    const auto place = std::find_if(entries.begin(), entries.end(), [&](const PaperEntry& x) {
      return std::tie(x.sheet, x.by) > std::tie(e.entry.sheet, e.entry.by);
    });
    entries.insert(place, e.entry);
  }
  void operator()(const PaperSheetCounted& e) {
    Ballot& b = s.ballots.at(e.ballot);
    b.paper_counted.insert(e.sheet);
    std::erase_if(b.paper_entries, [&](const PaperEntry& x) { return x.sheet == e.sheet; });
  }

  void operator()(const VotersReminded& e) {
    Ballot& b = s.ballots.at(e.ballot);
    for (const ParticipantId& voter : e.voters) b.reminded[voter] = at;
  }

  void operator()(const TokenRevoked& e) { s.revoked.insert(e.participant); }
  void operator()(const DisplaySet& e) { s.display = Display{e.mode, e.message}; }
};

}  // namespace

void apply(HearingState& state, const Event& event) {
  std::visit(Applier{state, event.at}, event.body);
  // The log position counts logged events only; anonymous sheet contents live in the ballot box.
  if (!is_secret(event)) ++state.event_count;
}

}  // namespace dais::core

// Ballots (民主评议): pending → open → closed → published, or voided and rerun; one sheet per voter.
// For anonymous ballots who voted (SheetRecorded, logged) and what was marked (SheetStored, ballot box only)
// are separate events, and the live count moves in steps of k new sheets, one step behind (step_live_count).
#include <algorithm>

#include "core/decide.hpp"
#include "core/tally.hpp"

namespace dais::core {
namespace {

constexpr std::size_t kMaxVoidReasonChars = 500;
constexpr std::size_t kReceiptHashChars = 64;  // hex SHA-256
// Errors name the field the client sent: it sends the receipt and the change key, which the server hashes
// into receipt_hash and change_tag.
constexpr const char* kReceiptField = "/receipt";
constexpr const char* kChangeKeyField = "/change_key";

Result<const Ballot*> find_ballot(const HearingState& s, const BallotId& id) {
  const auto it = s.ballots.find(id);
  if (it == s.ballots.end()) return make_error(ErrorCode::not_found, "no ballot '" + id + "'", "/ballot");
  return &it->second;
}

const BallotTemplate& template_of(const HearingState& s, const Ballot& b) {
  // Ballots are only created from templates of the definition, which never changes during a hearing.
  return *s.def.ballot_template(b.template_id);
}

bool shares_a_slot(const Ballot& a, const Ballot& b) {
  return std::any_of(a.slots.begin(), a.slots.end(), [&](const SlotId& s) {
    return std::find(b.slots.begin(), b.slots.end(), s) != b.slots.end();
  });
}

bool is_receipt_hash(const std::string& h) {
  return h.size() == kReceiptHashChars && std::all_of(h.begin(), h.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

const Dimension* find_dimension(const BallotTemplate& tpl, const DimensionId& id) {
  const auto it = std::find_if(tpl.dimensions.begin(), tpl.dimensions.end(),
                               [&](const Dimension& d) { return d.id == id; });
  return it == tpl.dimensions.end() ? nullptr : &*it;
}

// Marks may leave sections out (those sections are invalid, the rest counts) but may only name the ballot's
// slots, the template's dimensions and each dimension's grades, each grade at most once.
std::optional<Error> check_marks(const Ballot& ballot, const BallotTemplate& tpl, const Marks& marks) {
  for (const auto& [slot, sections] : marks) {
    const std::string slot_path = "/marks/" + slot;
    if (std::find(ballot.slots.begin(), ballot.slots.end(), slot) == ballot.slots.end()) {
      return make_error(ErrorCode::invalid, "slot " + slot + " is not on this ballot", slot_path);
    }
    for (const auto& [dim, grades] : sections) {
      const std::string dim_path = slot_path + "/" + dim;
      const Dimension* d = find_dimension(tpl, dim);
      if (d == nullptr)
        return make_error(ErrorCode::invalid, "no dimension '" + dim + "' on this ballot", dim_path);
      for (std::size_t i = 0; i < grades.size(); ++i) {
        const std::string grade_path = dim_path + "/" + std::to_string(i);
        const GradeId& marked = grades[i];  // clang 14 (the fuzz build) cannot capture a structured binding
        const bool known = std::any_of(d->grades.begin(), d->grades.end(),
                                       [&marked](const Grade& g) { return g.id == marked; });
        if (!known) return make_error(ErrorCode::invalid, "no grade '" + grades[i] + "' here", grade_path);
        if (std::find(grades.begin(), grades.begin() + static_cast<std::ptrdiff_t>(i), grades[i]) !=
            grades.begin() + static_cast<std::ptrdiff_t>(i)) {
          return make_error(ErrorCode::invalid, "grade '" + grades[i] + "' is marked twice", grade_path);
        }
      }
    }
  }
  return std::nullopt;
}

bool changeable_anonymous(const BallotTemplate& tpl) {
  return tpl.anonymous && tpl.change == ChangePolicy::until_close;
}

// Finds the sheet a voter replaces, or tells why there is none to replace.
Result<const BoxEntry*> previous_sheet(const Ballot& ballot, const BallotTemplate& tpl,
                                       const ParticipantId& voter, const CastSheet& cmd) {
  const bool voted = ballot.voted.contains(voter);
  if (tpl.anonymous) {
    // The box knows no voters: the old sheet is found by its receipt, and only the change tag, which only the
    // voter's own device can make, lets it be replaced. A receipt is shown to be checked; it changes nothing.
    const auto it = ballot.box.find(cmd.receipt_hash);
    if (voted && (it == ballot.box.end() || it->second.change_tag != cmd.change_tag)) {
      return make_error(ErrorCode::invalid, "receipt does not match", kReceiptField);
    }
    if (!voted && it != ballot.box.end()) {
      return make_error(ErrorCode::invalid, "receipt already used", kReceiptField);
    }
    return voted ? &it->second : nullptr;
  }
  const auto it = ballot.named.find(voter);
  return it == ballot.named.end() ? nullptr : &it->second;
}

// The live count of an anonymous ballot moves in steps of k new sheets and one step behind: at the step of
// sheet (m+1)k it shows the count as it stood at sheet mk, and the count at (m+1)k is held back until the
// next step. Any two counts anyone sees (the hall, the chair, the log) therefore differ by a whole step of k
// sheets, and so does the final count at close from the last live one, however few sheets came in between:
// differencing never isolates fewer than k voters, though the chair sees who voted. Changed sheets do not
// make steps (k changes by one voter would move the count by exactly that voter's change); they show in the
// next count. Named ballots keep their live count exact in apply().
void step_live_count(const Context& ctx, const Ballot& ballot, const BallotTemplate& tpl,
                     const BoxEntry& entry, Events& events) {
  const auto k = static_cast<std::size_t>(std::max<std::int64_t>(1, ctx.state.def.settings.k_anonymity));
  // Steps count the sheets in the box, tablet and paper alike: a voter who took a paper sheet took part
  // before their sheet is entered.
  if ((ballot.box.size() + 1) % k != 0) return;
  if (ballot.held)
    events.push_back(ctx.event(LiveTallyRefreshed{ballot.id, summed_over_groups(*ballot.held)}));
  Tally now = ballot.tally;
  add_sheet(now, tpl, ballot.slots, entry, +1);
  events.push_back(Event{0, LiveTallyHeld{ballot.id, std::move(now)}});
}

// The exact count of an anonymous ballot with one to k-1 sheets is an aggregate of fewer than k voters, whom
// the chair can name (they saw who voted): it is never counted. The chair waits for more sheets or voids the
// ballot (a void keeps the receipts, never the marks). A ballot nobody voted on closes empty.
std::optional<Error> check_enough_sheets(const HearingState& s, const Ballot& ballot) {
  const std::int64_t k = s.def.settings.k_anonymity;
  const auto sheets = static_cast<std::int64_t>(ballot.box.size());
  if (!template_of(s, ballot).anonymous || sheets == 0 || sheets >= k) return std::nullopt;
  Error e = make_error(ErrorCode::too_few_sheets,
                       "an anonymous ballot is counted from " + std::to_string(k) + " sheets on; it has " +
                           std::to_string(sheets) + ": wait for more or void it",
                       "/ballot");
  e.params = {{"sheets", sheets}, {"k", k}};
  return e;
}

// Paper sheets go on an open anonymous ballot (takes_paper); the refusal says which condition failed.
std::optional<Error> check_paper_ballot(const HearingState& s, const Ballot& ballot) {
  if (ballot.status != BallotStatus::open)
    return make_error(ErrorCode::ballot_closed, "the ballot is not open", "/ballot");
  const BallotTemplate& tpl = template_of(s, ballot);
  if (!tpl.anonymous) {
    return make_error(ErrorCode::not_allowed,
                      "paper sheets are for anonymous ballots; a named sheet is cast on a tablet", "/ballot");
  }
  return std::nullopt;
}

// Where the rule weights voter groups each paper sheet is printed for one group (its colour) and entered
// under it, as a tablet sheet is counted under its voter's group (sheet_group); elsewhere no entry names a
// group.
std::optional<Error> check_paper_group(const HearingState& s, const BallotTemplate& tpl,
                                       const std::optional<GroupId>& group) {
  const std::vector<GroupId> groups = paper_groups(s, tpl);
  if (groups.empty()) {
    if (!group) return std::nullopt;
    return make_error(ErrorCode::invalid,
                      "this ballot's rule does not weight voter groups: a paper sheet is entered without one",
                      "/group");
  }
  if (!group) {
    return make_error(ErrorCode::invalid,
                      "this ballot's rule weights voter groups: enter the group the sheet is printed for",
                      "/group");
  }
  if (s.def.voter_group(*group) == nullptr)
    return make_error(ErrorCode::invalid, "'" + *group + "' is not a voter group of this hearing", "/group");
  if (std::find(groups.begin(), groups.end(), *group) == groups.end()) {
    return make_error(ErrorCode::not_allowed,
                      s.def.voter_group(*group)->name + " does not vote on this ballot", "/group");
  }
  return std::nullopt;
}

// A group's paper sheets counted never outnumber those handed out to its voters. The box holds one sheet per
// tablet voter under their group, so the group's paper sheets counted are its sheets in the box less its
// voters who cast on a tablet.
std::optional<Error> check_paper_group_room(const HearingState& s, const Ballot& ballot,
                                            const GroupId& group) {
  const auto in_group = [&](const ParticipantId& id) {
    const Participant* p = s.def.participant(id);
    return p != nullptr && s.def.tally_group(*p) == group;
  };
  const auto handed_out = std::count_if(ballot.paper_takers.begin(), ballot.paper_takers.end(), in_group);
  const auto in_box = std::count_if(ballot.box.begin(), ballot.box.end(),
                                    [&](const auto& row) { return row.second.group == group; });
  const auto on_tablets = std::count_if(
      ballot.voted.begin(), ballot.voted.end(),
      [&](const ParticipantId& id) { return !ballot.paper_takers.contains(id) && in_group(id); });
  if (in_box - on_tablets < handed_out) return std::nullopt;
  const std::string name = s.def.voter_group(group)->name;
  Error e = make_error(ErrorCode::conflict,
                       "paper sheets of " + name + ": " + std::to_string(handed_out) +
                           " handed out, all of them counted; check the sheet's colour",
                       "/group");
  e.params = {{"group", name}, {"handed_out", static_cast<std::int64_t>(handed_out)}};
  return e;
}

// Two staff members reading the same sheet agree when they marked the same grades in every section; the
// order they tapped them in and a section left empty or left out make no difference.
Marks normalised(const Marks& marks) {
  Marks out;
  for (const auto& [slot, sections] : marks) {
    for (const auto& [dim, grades] : sections) {
      if (grades.empty()) continue;
      std::vector<GradeId> sorted = grades;
      std::sort(sorted.begin(), sorted.end());
      out[slot][dim] = std::move(sorted);
    }
  }
  return out;
}

std::string sheet_list(const std::vector<std::int64_t>& sheets) {
  std::string out;
  for (const std::int64_t n : sheets) out += (out.empty() ? "" : ", ") + std::to_string(n);
  return out;
}

// Paper sheets entered once or entered differently: closing now would lose a vote staff have in hand.
std::optional<Error> check_paper_settled(const Ballot& ballot) {
  std::vector<std::int64_t> open;  // the entries are kept in sheet order (apply.cpp)
  for (const PaperEntry& e : ballot.paper_entries) {
    if (open.empty() || open.back() != e.sheet) open.push_back(e.sheet);
  }
  if (open.empty()) return std::nullopt;
  Error e = make_error(
      ErrorCode::conflict,
      "paper sheet(s) " + sheet_list(open) + " are entered once or disputed: enter them again before closing",
      "/ballot");
  e.params = {{"sheets", sheet_list(open)}};
  return e;
}

}  // namespace

Decision decide_command(const Context& ctx, const CreateBallot& cmd) {
  if (auto e = require_phase(ctx.state, {Phase::draft, Phase::check_in, Phase::in_session})) return *e;
  const BallotTemplate* tpl = ctx.state.def.ballot_template(cmd.template_id);
  if (tpl == nullptr) {
    return make_error(ErrorCode::not_found, "no ballot template '" + cmd.template_id + "'", "/template_id");
  }
  std::vector<SlotId> slots;
  if (tpl->scope == BallotScope::per_presenter) {
    if (!cmd.slot) return make_error(ErrorCode::invalid, "a per-presenter ballot needs a slot", "/slot");
    const Slot* slot = ctx.state.slot(*cmd.slot);
    if (slot == nullptr) return make_error(ErrorCode::not_found, "no slot '" + *cmd.slot + "'", "/slot");
    if (auto e = require_presenter_slot(slot->def, "/slot", "is not graded")) return *e;
    if (slot->stage == Stage::skipped)
      return make_error(ErrorCode::wrong_stage, "the slot was skipped", "/slot");
    slots.push_back(*cmd.slot);
  } else {
    if (cmd.slot)
      return make_error(ErrorCode::invalid, "a combined ballot covers every slot; name none", "/slot");
    // The sheet grades presenters only: remarks and breaks are left off it, and so out of the results.
    for (const Slot& s : ctx.state.agenda) {
      if (s.stage != Stage::skipped && s.def.has_presenter()) slots.push_back(s.def.id);
    }
    if (slots.empty()) return make_error(ErrorCode::wrong_stage, "every presenter's slot was skipped");
  }
  // A second ballot for the same thing is almost always a double press; a rerun goes through void_ballot.
  for (const auto& [id, b] : ctx.state.ballots) {
    if (b.status != BallotStatus::voided && b.template_id == cmd.template_id && b.slots == slots) {
      return make_error(ErrorCode::conflict, "ballot " + id + " already covers this", "/template_id");
    }
  }
  return ctx.one(
      BallotCreated{"B" + std::to_string(ctx.state.next_ballot), cmd.template_id, slots, std::nullopt});
}

Decision decide_command(const Context& ctx, const OpenBallot& cmd) {
  if (auto e = require_phase(ctx.state, {Phase::in_session})) return *e;
  auto b = find_ballot(ctx.state, cmd.ballot);
  if (!b) return b.error();
  if ((*b)->status != BallotStatus::pending) {
    return make_error(ErrorCode::wrong_stage, "only a pending ballot can be opened", "/ballot");
  }
  // A presenter is graded on one open sheet at a time.
  for (const auto& [id, other] : ctx.state.ballots) {
    if (other.status == BallotStatus::open && shares_a_slot(other, **b)) {
      return make_error(ErrorCode::conflict, "ballot " + id + " for the same presenter is open", "/ballot");
    }
  }
  return ctx.one(BallotOpened{cmd.ballot, eligible_voters(ctx.state, template_of(ctx.state, **b))});
}

Decision decide_command(const Context& ctx, const CloseBallot& cmd) {
  if (auto e = require_phase(ctx.state, {Phase::in_session})) return *e;
  auto b = find_ballot(ctx.state, cmd.ballot);
  if (!b) return b.error();
  if ((*b)->status != BallotStatus::open)
    return make_error(ErrorCode::wrong_stage, "the ballot is not open", "/ballot");
  if (auto e = check_paper_settled(**b)) return *e;
  if (auto e = check_enough_sheets(ctx.state, **b)) return *e;
  // At close the live tally becomes the exact one: at least k sheets after the last live count (see
  // step_live_count).
  return Events{ctx.event(BallotClosed{cmd.ballot}), ctx.event(LiveTallyRefreshed{cmd.ballot, (*b)->tally})};
}

Decision decide_command(const Context& ctx, const PublishBallot& cmd) {
  // Results withheld on the day may be published after adjournment.
  if (auto e = require_phase(ctx.state, {Phase::in_session, Phase::adjourned})) return *e;
  auto b = find_ballot(ctx.state, cmd.ballot);
  if (!b) return b.error();
  if ((*b)->status != BallotStatus::closed) {
    return make_error(ErrorCode::wrong_stage, "only a closed ballot can be published", "/ballot");
  }
  return ctx.one(BallotPublished{cmd.ballot});
}

Decision decide_command(const Context& ctx, const VoidBallot& cmd) {
  if (auto e = require_phase(ctx.state, {Phase::in_session})) return *e;
  auto b = find_ballot(ctx.state, cmd.ballot);
  if (!b) return b.error();
  // Closed is final, but a flawed ballot may be voided and rerun; a published result stands.
  if ((*b)->status != BallotStatus::open && (*b)->status != BallotStatus::closed) {
    return make_error(ErrorCode::wrong_stage, "only an open or closed ballot can be voided", "/ballot");
  }
  if (auto e = check_text(cmd.reason, kMaxVoidReasonChars, "/reason")) return *e;
  return Events{ctx.event(BallotVoided{cmd.ballot, trim(cmd.reason)}),
                ctx.event(BallotCreated{"B" + std::to_string(ctx.state.next_ballot), (*b)->template_id,
                                        (*b)->slots, cmd.ballot})};
}

Decision decide_command(const Context& ctx, const CastSheet& cmd) {
  auto found = find_ballot(ctx.state, cmd.ballot);
  if (!found) return found.error();
  const Ballot& ballot = **found;
  if (ballot.status != BallotStatus::open)
    return make_error(ErrorCode::ballot_closed, "the ballot is not open", "/ballot");
  const BallotTemplate& tpl = template_of(ctx.state, ballot);
  const ParticipantId& voter = ctx.actor.id;
  if (!eligible(ctx.state, tpl, voter))
    return make_error(ErrorCode::not_allowed, "not eligible for this ballot");
  if (ctx.state.def.settings.voting_requires_check_in && !ctx.state.checked_in.contains(voter)) {
    return make_error(ErrorCode::not_checked_in, "check in before voting");
  }
  if (!is_receipt_hash(cmd.receipt_hash)) {
    return make_error(ErrorCode::invalid, "the receipt hash is 64 lower-case hex characters", kReceiptField);
  }
  if (changeable_anonymous(tpl) && !(cmd.change_tag && is_receipt_hash(*cmd.change_tag))) {
    return make_error(ErrorCode::invalid, "a sheet that may be changed needs the device's change key",
                      kChangeKeyField);
  }
  if (ballot.paper_takers.contains(voter))
    return make_error(ErrorCode::already_voted, "you took a paper sheet of this ballot at the desk");
  const bool voted = ballot.voted.contains(voter);
  if (voted && tpl.change == ChangePolicy::first_press) {
    return make_error(ErrorCode::already_voted, "the first sheet counts and was recorded");
  }
  if (auto e = check_marks(ballot, tpl, cmd.marks)) return *e;
  auto previous = previous_sheet(ballot, tpl, voter, cmd);
  if (!previous) return previous.error();

  const BoxEntry entry{sheet_group(ctx.state, tpl, ctx.actor), cmd.marks,
                       changeable_anonymous(tpl) ? cmd.change_tag : std::nullopt};
  Events events{ctx.event(SheetRecorded{cmd.ballot, voter, voted})};
  // The contents of an anonymous sheet carry neither voter nor time.
  if (tpl.anonymous) {
    events.push_back(Event{0, SheetStored{cmd.ballot, std::nullopt, cmd.receipt_hash, entry}});
  } else {
    events.push_back(ctx.event(SheetStored{cmd.ballot, voter, cmd.receipt_hash, entry}));
  }
  if (tpl.anonymous && !voted) step_live_count(ctx, ballot, tpl, entry, events);
  return events;
}

// The reminder goes to the 未提交名单 as it stands: it names no one the chair does not already see, and only
// the reminded tablets hear of it.
Decision decide_command(const Context& ctx, const RemindVoters& cmd) {
  if (auto e = require_phase(ctx.state, {Phase::in_session})) return *e;
  auto b = find_ballot(ctx.state, cmd.ballot);
  if (!b) return b.error();
  if ((*b)->status != BallotStatus::open)
    return make_error(ErrorCode::wrong_stage, "only an open ballot's voters can be reminded", "/ballot");
  std::vector<ParticipantId> voters = not_submitted(ctx.state, **b);
  if (voters.empty()) {
    return make_error(ErrorCode::conflict, "every eligible voter present has submitted", "/ballot");
  }
  return ctx.one(VotersReminded{cmd.ballot, std::move(voters)});
}

}  // namespace dais::core

namespace dais::core {

// The voter takes part on paper: recorded as having voted, as a tablet sheet's SheetRecorded would.
Decision decide_command(const Context& ctx, const HandOutPaperSheet& cmd) {
  auto found = find_ballot(ctx.state, cmd.ballot);
  if (!found) return found.error();
  const Ballot& ballot = **found;
  if (auto e = check_paper_ballot(ctx.state, ballot)) return *e;
  const Participant* voter = ctx.state.participant(cmd.participant);
  if (voter == nullptr) {
    return make_error(ErrorCode::not_found, "no participant '" + cmd.participant + "'", "/participant");
  }
  if (!eligible(*voter, template_of(ctx.state, ballot))) {
    return make_error(ErrorCode::not_allowed, voter->name + " is not eligible for this ballot",
                      "/participant");
  }
  if (ctx.state.def.settings.voting_requires_check_in && !ctx.state.checked_in.contains(voter->id)) {
    return make_error(ErrorCode::not_checked_in, voter->name + " has not checked in", "/participant");
  }
  if (ballot.paper_takers.contains(voter->id)) {
    return make_error(ErrorCode::already_voted, voter->name + " already took a paper sheet", "/participant");
  }
  if (ballot.voted.contains(voter->id)) {
    return make_error(ErrorCode::already_voted, voter->name + " has already voted on a tablet",
                      "/participant");
  }
  return ctx.one(PaperSheetHandedOut{cmd.ballot, voter->id});
}

// One staff member's entry of one paper sheet. The sheet counts when an entry by another staff member says
// the same; until then its entries wait beside the box, where no view shows their marks.
Decision decide_command(const Context& ctx, const EnterPaperSheet& cmd) {
  auto found = find_ballot(ctx.state, cmd.ballot);
  if (!found) return found.error();
  const Ballot& ballot = **found;
  if (auto e = check_paper_ballot(ctx.state, ballot)) return *e;
  const auto handed_out = static_cast<std::int64_t>(ballot.paper_takers.size());
  if (cmd.sheet < 1 || cmd.sheet > handed_out) {
    const std::string why = handed_out == 0 ? "no paper sheet of this ballot was handed out"
                                            : "paper sheets are numbered 1 to " + std::to_string(handed_out) +
                                                  ", the sheets handed out";
    return make_error(ErrorCode::invalid, why, "/sheet");
  }
  const std::string sheet = "paper sheet " + std::to_string(cmd.sheet);
  if (ballot.paper_counted.contains(cmd.sheet))
    return make_error(ErrorCode::conflict, sheet + " is already counted", "/sheet");
  const auto entered = [&](const PaperEntry& e) { return e.sheet == cmd.sheet; };
  if (std::any_of(ballot.paper_entries.begin(), ballot.paper_entries.end(),
                  [&](const PaperEntry& e) { return entered(e) && e.by == ctx.actor.id; })) {
    return make_error(ErrorCode::conflict,
                      "you entered " + sheet + " already; another staff member makes the next entry",
                      "/sheet");
  }
  const BallotTemplate& tpl = template_of(ctx.state, ballot);
  if (auto e = check_paper_group(ctx.state, tpl, cmd.group)) return *e;
  if (cmd.group) {
    if (auto e = check_paper_group_room(ctx.state, ballot, *cmd.group)) return *e;
  }
  if (auto e = check_marks(ballot, tpl, cmd.marks)) return *e;
  // A paper sheet's receipt is made by the server, not sent: a bad one names no field of the request.
  if (!is_receipt_hash(cmd.receipt_hash)) {
    return make_error(ErrorCode::invalid, "the receipt hash is 64 lower-case hex characters");
  }
  PaperEntry entry{cmd.sheet, ctx.actor.id, normalised(cmd.marks), cmd.group.value_or(GroupId{})};
  Events events{ctx.event(PaperSheetEntered{cmd.ballot, cmd.sheet, ctx.actor.id})};
  // Two readings agree when they marked the same grades and read the same group off the sheet.
  const bool agrees = std::any_of(
      ballot.paper_entries.begin(), ballot.paper_entries.end(),
      [&](const PaperEntry& e) { return entered(e) && e.marks == entry.marks && e.group == entry.group; });
  if (!agrees) {
    events.push_back(Event{0, PaperEntryStored{cmd.ballot, std::move(entry)}});
    return events;
  }
  if (ballot.box.contains(cmd.receipt_hash)) {
    return make_error(ErrorCode::invalid, "receipt already used");
  }
  // Counted like a tablet's anonymous sheet: no voter, no time, and the group a tablet sheet of that group
  // would carry (none where the rule does not weight groups); the live count steps alike.
  const BoxEntry counted{std::move(entry.group), std::move(entry.marks), std::nullopt};
  events.push_back(ctx.event(PaperSheetCounted{cmd.ballot, cmd.sheet}));
  events.push_back(Event{0, SheetStored{cmd.ballot, std::nullopt, cmd.receipt_hash, counted}});
  step_live_count(ctx, ballot, tpl, counted, events);
  return events;
}

}  // namespace dais::core

// Replay determinism: random command sequences (fixed seeds) are replayed from the definition — raw, through
// JSON, the way the store recovers (the log, then the ballot boxes), and from a public snapshot taken
// half-way — and every time the state dumps to the same bytes as the live one.
#include <optional>
#include <random>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/tally.hpp"
#include "fixtures.hpp"

namespace dais::core {
namespace {

using testing::TestHearing;

// Makes plausible commands from the current state, with a share of nonsense.
class CommandGenerator {
 public:
  CommandGenerator(const HearingState& s, std::uint32_t seed) : s_(s), rng_(seed) {}

  std::pair<ParticipantId, Command> next() {
    const Command cmd = command();
    if (second_entry_by_) return {*std::exchange(second_entry_by_, std::nullopt), cmd};
    return {actor_for(cmd), cmd};
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return pick(100) < percent; }

  template <class T>
  const T& any(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(pick(static_cast<int>(items.size())))];
  }

  SlotId slot() {
    if (chance(3)) return "S99";
    std::vector<SlotId> ids;
    for (const Slot& x : s_.agenda) ids.push_back(x.def.id);
    return any(ids);
  }
  InquiryId inquiry() {
    if (s_.inquiries.empty() || chance(3)) return "I99";
    std::vector<InquiryId> ids;
    for (const auto& [id, q] : s_.inquiries) ids.push_back(id);
    return any(ids);
  }
  BallotId ballot() {
    if (s_.ballot_order.empty() || chance(3)) return "B99";
    return any(s_.ballot_order);
  }
  // Usually one in the status a command needs.
  BallotId ballot_in(BallotStatus status) {
    std::vector<BallotId> ids;
    for (const auto& [id, b] : s_.ballots) {
      if (b.status == status) ids.push_back(id);
    }
    return ids.empty() || chance(20) ? ballot() : any(ids);
  }
  // The next question for the current slot, as a chair would ask it.
  InquiryId next_in_queue() {
    if (s_.current_slot && chance(80)) {
      if (const auto q = s_.queue.find(*s_.current_slot); q != s_.queue.end()) return any(q->second);
    }
    return inquiry_in(InquiryStatus::approved);
  }
  InquiryId inquiry_in(InquiryStatus status) {
    std::vector<InquiryId> ids;
    for (const auto& [id, q] : s_.inquiries) {
      if (q.status == status) ids.push_back(id);
    }
    return ids.empty() || chance(20) ? inquiry() : any(ids);
  }
  ParticipantId participant() {
    std::vector<ParticipantId> ids;
    for (const Participant& p : s_.def.participants) ids.push_back(p.id);
    return any(ids);
  }

  Marks marks(const BallotId& id) {
    Marks m;
    const auto b = s_.ballots.find(id);
    if (b == s_.ballots.end()) return m;
    const BallotTemplate* tpl = s_.def.ballot_template(b->second.template_id);
    for (const SlotId& slot : b->second.slots) {
      for (const Dimension& d : tpl->dimensions) {
        if (chance(5)) continue;  // a section left out
        auto& marked = m[slot][d.id];
        marked.push_back(any(d.grades).id);
        if (chance(5))
          marked.push_back(d.grades.front().id == marked[0] ? d.grades.back().id : d.grades.front().id);
      }
    }
    return m;
  }

  Command command() {
    // Weighted so that hearings get somewhere: check-ins, agenda moves, inquiries and sheets dominate.
    switch (pick(35)) {
      case 0:
        return OpenCheckIn{};
      case 1:
      case 2:
      case 3:
        return CheckIn{chance(30) ? std::optional<ParticipantId>(participant()) : std::nullopt};
      case 4:
        return StartSession{};
      case 5:
        return chance(50) ? Command{PauseSession{}} : Command{ResumeSession{}};
      case 6:
        return chance(1) ? Command{Adjourn{}} : Command{CallSlot{slot()}};
      case 7:
        return CallSlot{slot()};
      case 8:
      case 9: {
        const Stage stages[] = {Stage::reporting, Stage::questioning, Stage::evaluating, Stage::done};
        return BeginStage{s_.current_slot && chance(90) ? *s_.current_slot : slot(), stages[pick(4)]};
      }
      case 10:
        return SkipSlot{slot()};
      case 11: {
        std::vector<SlotId> order;
        for (const Slot& x : s_.agenda) order.push_back(x.def.id);
        std::shuffle(order.begin(), order.end(), rng_);
        if (chance(10)) order.pop_back();
        return ReorderAgenda{order};
      }
      case 12: {
        const int n = pick(1000);
        return InsertSlot{SlotDef{"X" + std::to_string(n), "P" + std::to_string(1 + pick(3)), "补充",
                                  chance(50) ? ReportMode::oral : ReportMode::written, 60, 60},
                          pick(static_cast<int>(s_.agenda.size()) + 2)};
      }
      case 13: {
        const SlotId target = s_.current_slot.value_or(slot());
        // Mostly the timer of the stage the slot is in: resumed when stopped, else paused or extended.
        const Slot* current = s_.slot(target);
        const bool reporting = current != nullptr && current->stage == Stage::reporting;
        const TimerKind kind = reporting == chance(80) ? TimerKind::report : TimerKind::qa;
        const bool stopped =
            current != nullptr && !(kind == TimerKind::report ? current->report : current->qa).running();
        if (stopped && chance(70)) return ResumeTimer{target, kind};
        if (chance(60)) return PauseTimer{target, kind};
        return ExtendTimer{target, kind, pick(200) - 10};
      }
      case 14:
      case 15:
      case 16: {
        std::optional<InquiryId> parent;
        if (chance(25)) parent = inquiry();
        return SubmitInquiry{s_.current_slot && chance(70) ? *s_.current_slot : slot(),
                             chance(3) ? "" : "问题" + std::to_string(pick(100)), parent};
      }
      case 17:
        return WithdrawInquiry{inquiry()};
      case 18:
      case 19:
        return ApproveInquiry{inquiry()};
      case 20:
        return RejectInquiry{inquiry(), chance(10) ? "" : "理由"};
      case 21: {
        const SlotId target = slot();
        const auto q = s_.queue.find(target);
        std::vector<InquiryId> order = q == s_.queue.end() ? std::vector<InquiryId>{} : q->second;
        std::shuffle(order.begin(), order.end(), rng_);
        return OrderInquiries{target, order};
      }
      case 22:
      case 23:
        return AskInquiry{next_in_queue()};
      case 24:
        return AnswerInquiry{s_.asking && chance(80) ? *s_.asking : inquiry(), "答复"};
      case 25:
        return RecordCommitment{inquiry_in(chance(50) ? InquiryStatus::asking : InquiryStatus::answered),
                                "承诺", chance(90) ? "2021-03-31" : "2021-02-30"};
      case 26:
        return UpvoteInquiry{inquiry()};
      case 27: {
        const char* templates[] = {"each", "each_named", "combined", "members_only"};
        const std::string tpl = templates[pick(4)];
        return CreateBallot{tpl, tpl == "combined" ? std::nullopt : std::optional<SlotId>(slot())};
      }
      case 28:
        if (chance(20)) return RemindVoters{ballot_in(BallotStatus::open)};
        return OpenBallot{ballot_in(BallotStatus::pending)};
      case 29:
        switch (pick(4)) {
          case 0:
          case 1:
            return CloseBallot{ballot_in(BallotStatus::open)};
          case 2:
            return PublishBallot{ballot_in(BallotStatus::closed)};
          default:
            return VoidBallot{ballot(), "重新表决"};
        }
      case 30:
        return RevokeToken{participant()};
      case 31: {
        const DisplayMode modes[] = {DisplayMode::automatic, DisplayMode::current, DisplayMode::tally,
                                     DisplayMode::results,   DisplayMode::message, DisplayMode::blank};
        const DisplayMode mode = modes[pick(6)];
        return SetDisplay{mode, mode == DisplayMode::message || chance(5) ? std::optional<std::string>("休会")
                                                                          : std::nullopt};
      }
      default: {
        if (chance(40)) return paper_command();
        const BallotId b = ballot_in(BallotStatus::open);
        return CastSheet{b, marks(b), ""};  // the receipt depends on the voter: see actor_for
      }
    }
  }

  // Paper sheets: handed out, and entered with sheet numbers around those handed out; a second entry often
  // copies an earlier one, so that sheets get counted as well as disputed.
  Command paper_command() {
    const BallotId b = ballot_in(BallotStatus::open);
    const auto it = s_.ballots.find(b);
    if (it == s_.ballots.end()) return HandOutPaperSheet{b, participant()};
    const Ballot& ballot = it->second;
    if (chance(40)) {
      // Mostly a voter present who has not voted, sometimes anybody.
      const std::vector<ParticipantId> waiting = not_submitted(s_, ballot);
      return HandOutPaperSheet{b, waiting.empty() || chance(20) ? participant() : any(waiting)};
    }
    if (!ballot.paper_entries.empty() && chance(60)) {
      const PaperEntry& earlier = any(ballot.paper_entries);
      // Mostly the other staff member, whose matching entry counts the sheet.
      if (chance(80)) second_entry_by_ = earlier.by == "chair" ? "secretary" : "chair";
      return EnterPaperSheet{b, earlier.sheet, earlier.marks, ""};
    }
    const auto handed_out = static_cast<int>(ballot.paper_takers.size());
    return EnterPaperSheet{b, pick(handed_out + 2), marks(b), ""};  // the receipt: see run()
  }

  // Mostly someone who may send the command, sometimes anybody at all.
  ParticipantId actor_for(const Command& cmd) {
    if (chance(15)) return participant();
    std::vector<ParticipantId> fit;
    for (const Participant& p : s_.def.participants) {
      if (role_permits(p.roles, cmd)) fit.push_back(p.id);
    }
    return fit.empty() ? participant() : any(fit);
  }

  const HearingState& s_;
  std::mt19937 rng_;
  std::optional<ParticipantId> second_entry_by_;
};

// A voter's receipt for a ballot is fixed (so that a change sends the same one), and sometimes wrong.
std::string receipt_of(const ParticipantId& voter, const BallotId& ballot, bool wrong) {
  const std::size_t h = std::hash<std::string>{}(voter + "|" + ballot + (wrong ? "x" : ""));
  return testing::receipt(static_cast<int>(h & 0x7fffffff));
}

struct RandomRun {
  TestHearing hearing;
  std::size_t accepted = 0;
  std::size_t refused = 0;
  std::size_t snapshot_at = 0;  // events before the snapshot
  nlohmann::json snapshot;      // public (no boxes), taken half-way
};

// Check-in opens (if it has not) and every voter not yet present checks in.
void fill_the_room(TestHearing& h) {
  auto run_if_possible = [&](const ParticipantId& actor, const Command& cmd) {
    if (auto events = execute(h.state, actor, cmd, h.now))
      h.log.insert(h.log.end(), events->begin(), events->end());
  };
  if (h.state.phase == Phase::draft) run_if_possible("chair", OpenCheckIn{});
  for (const Participant& p : h.state.def.participants) {
    if (p.roles.has(Role::voter) && !h.state.checked_in.contains(p.id)) run_if_possible(p.id, CheckIn{});
  }
}

void close_open_ballots(TestHearing& h) {
  for (const BallotId& id : h.state.ballot_order) {
    if (auto events = execute(h.state, "chair", CloseBallot{id}, h.now)) {
      h.log.insert(h.log.end(), events->begin(), events->end());
    }
  }
}

RandomRun run(std::uint32_t seed, int steps) {
  testing::FixtureOptions o;
  o.presenters = 4;
  o.voters = 8;
  o.k = 2;
  RandomRun r{TestHearing(testing::make_definition(o)), 0, 0, 0, {}};
  TestHearing& h = r.hearing;
  CommandGenerator gen(h.state, seed);
  std::mt19937 clock(seed);
  for (int i = 0; i < steps; ++i) {
    auto [actor, cmd] = gen.next();
    // After a tenth of the run the room fills and the chair starts, so that most of the run is in session.
    if (i == steps / 10) {
      fill_the_room(h);
      actor = "chair";
      cmd = StartSession{};
    }
    // Near the end the chair closes what is open and adjourns; the rest of the run meets an adjourned
    // hearing.
    if (i == steps - steps / 10) {
      close_open_ballots(h);
      actor = "chair";
      cmd = Adjourn{};
    }
    if (auto* sheet = std::get_if<CastSheet>(&cmd)) {
      sheet->receipt_hash = receipt_of(actor, sheet->ballot, i % 17 == 0);
      // Now and then another voter's device tag, as someone who learnt a receipt would try.
      sheet->change_tag = testing::device_tag(i % 13 == 0 ? "V1" : actor);
    }
    if (auto* paper = std::get_if<EnterPaperSheet>(&cmd))
      paper->receipt_hash = testing::receipt(1'000'000 + i);
    h.now += std::uniform_int_distribution<TimeMs>(0, 90'000)(clock);
    const HearingState before = h.state;
    auto result = execute(h.state, actor, cmd, h.now);
    if (result) {
      ++r.accepted;
      h.log.insert(h.log.end(), result->begin(), result->end());
    } else {
      ++r.refused;
      EXPECT_EQ(h.state, before) << "refused " << command_name(cmd) << " changed the state";
    }
    if (i == steps / 2) {
      r.snapshot = state_to_json(h.state, false);
      r.snapshot_at = h.log.size();
    }
  }
  return r;
}

// What the store holds beside the log at recovery: each ballot's box and held count, as the secret events
// that fill them again.
std::vector<Event> box_contents(const HearingState& s) {
  std::vector<Event> out;
  for (const auto& [id, b] : s.ballots) {
    for (const auto& [receipt, entry] : b.box)
      out.push_back(Event{0, SheetStored{id, std::nullopt, receipt, entry}});
    if (b.held) out.push_back(Event{0, LiveTallyHeld{id, *b.held}});
    for (const PaperEntry& entry : b.paper_entries) out.push_back(Event{0, PaperEntryStored{id, entry}});
  }
  return out;
}

class Replay : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(Replay, RebuildsTheSameStateByteForByte) {
  RandomRun r = run(GetParam(), 600);
  const TestHearing& h = r.hearing;
  const std::string live = state_to_json(h.state).dump();
  // The run got somewhere: most kinds of events happened.
  EXPECT_GT(r.accepted, 100u);
  EXPECT_GT(r.refused, 50u);

  // 1. Every event, in order.
  EXPECT_EQ(state_to_json(h.replay()).dump(), live);

  // 2. Every event through its JSON.
  HearingState from_json = h.initial;
  for (const Event& e : h.log) {
    auto back = event_from_json(nlohmann::json::parse(to_json(e).dump()));
    ASSERT_TRUE(back) << to_json(e).dump() << ": " << back.error().message;
    apply(from_json, *back);
  }
  EXPECT_EQ(state_to_json(from_json).dump(), live);

  // 3. As the store recovers: the log (no secret events), then the ballot boxes.
  HearingState recovered = h.initial;
  for (const Event& e : h.log) {
    if (!is_secret(e)) apply(recovered, e);
  }
  for (const Event& e : box_contents(h.state)) apply(recovered, e);
  EXPECT_EQ(state_to_json(recovered).dump(), live);
  EXPECT_EQ(recovered.event_count,
            static_cast<std::int64_t>(
                std::count_if(h.log.begin(), h.log.end(), [](const Event& e) { return !is_secret(e); })));

  // 4. From the public snapshot: the log after it, then the boxes.
  auto snap = state_from_json(r.snapshot);
  ASSERT_TRUE(snap) << snap.error().message << " at " << snap.error().field;
  for (std::size_t i = r.snapshot_at; i < h.log.size(); ++i) {
    if (!is_secret(h.log[i])) apply(*snap, h.log[i]);
  }
  for (const Event& e : box_contents(h.state)) apply(*snap, e);
  EXPECT_EQ(state_to_json(*snap).dump(), live);

  // 5. The state itself round-trips.
  auto back = state_from_json(nlohmann::json::parse(live));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, h.state);
}

TEST_P(Replay, TheSameSeedMakesTheSameHearing) {
  EXPECT_EQ(state_to_json(run(GetParam(), 200).hearing.state).dump(),
            state_to_json(run(GetParam(), 200).hearing.state).dump());
}

INSTANTIATE_TEST_SUITE_P(Seeds, Replay, ::testing::Values(1u, 2u, 3u, 5u, 8u, 13u, 21u, 34u, 55u, 89u));

template <std::size_t... I>
std::vector<std::string_view> all_event_names(std::index_sequence<I...>) {
  return {event_name(EventBody{std::in_place_index<I>})...};
}

TEST(ReplayCoverage, RandomRunsReachEveryKindOfEvent) {
  std::set<std::string_view> seen;
  for (std::uint32_t seed : {1u, 2u, 3u, 5u, 8u, 13u, 21u, 34u, 55u, 89u}) {
    for (const Event& e : run(seed, 600).hearing.log) seen.insert(event_name(e.body));
  }
  std::string missing;
  for (std::string_view name : all_event_names(std::make_index_sequence<std::variant_size_v<EventBody>>{})) {
    if (!seen.contains(name)) missing += std::string(name) + " ";
  }
  EXPECT_EQ(missing, "");
}

}  // namespace
}  // namespace dais::core

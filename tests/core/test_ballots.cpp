// Ballots (民主评议): creation, eligibility, sheets, change policies, receipts, the k-anonymous live tally,
// close, publish, void and rerun.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "core/tally.hpp"
#include "fixtures.hpp"

namespace dais::core {
namespace {

using testing::kDims;

using testing::device_tag;
using testing::FixtureOptions;
using testing::ids_with_role;
using testing::make_definition;
using testing::marks_for;
using testing::receipt;
using testing::TestHearing;

std::int64_t count(const Tally& t, const SlotId& slot, const DimensionId& dim, const GradeId& grade) {
  const auto s = t.sections.find(slot);
  if (s == t.sections.end()) return 0;
  const auto d = s->second.find(dim);
  if (d == s->second.end()) return 0;
  const auto g = d->second.marks.find(grade);
  if (g == d->second.marks.end()) return 0;
  std::int64_t n = 0;
  for (const auto& [group, c] : g->second) n += c;
  return n;
}

class BallotTest : public ::testing::Test {
 protected:
  void SetUp() override { h.start(); }
  // Creates and opens a ballot; returns its id.
  BallotId open(const TemplateId& tpl, std::optional<SlotId> slot) {
    h.ok("chair", CreateBallot{tpl, slot});
    const BallotId id = h.state.ballot_order.back();
    h.ok("chair", OpenBallot{id});
    return id;
  }
  TestHearing h;
};

TEST_F(BallotTest, PerPresenterAndCombinedBallots) {
  auto created = h.ok("chair", CreateBallot{"each", "S2"});
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(std::get<BallotCreated>(created[0].body).ballot, "B1");
  EXPECT_EQ(h.state.ballots.at("B1").slots, (std::vector<SlotId>{"S2"}));
  EXPECT_EQ(h.state.ballots.at("B1").status, BallotStatus::pending);
  EXPECT_EQ(h.fail("chair", CreateBallot{"each", std::nullopt}).field, "/slot");
  EXPECT_EQ(h.fail("chair", CreateBallot{"each", "S9"}).code, ErrorCode::not_found);
  EXPECT_EQ(h.fail("chair", CreateBallot{"nope", "S1"}).field, "/template_id");
  EXPECT_EQ(h.fail("chair", CreateBallot{"each", "S2"}).code, ErrorCode::conflict);  // a double press
  EXPECT_EQ(h.fail("chair", CreateBallot{"combined", "S1"}).field, "/slot");
  h.ok("chair", SkipSlot{"S3"});
  h.ok("chair", ReorderAgenda{{"S2", "S1", "S3"}});
  h.ok("chair", CreateBallot{"combined", std::nullopt});
  EXPECT_EQ(h.state.ballots.at("B2").slots, (std::vector<SlotId>{"S2", "S1"}));  // agenda order, no skipped
  EXPECT_EQ(h.fail("chair", CreateBallot{"each", "S3"}).code, ErrorCode::wrong_stage);
}

TEST_F(BallotTest, OpeningRecordsTheElectorateAndOnePerPresenterAtATime) {
  h.ok("chair", CreateBallot{"each", "S1"});
  h.ok("chair", CreateBallot{"members_only", "S1"});
  h.ok("chair", CreateBallot{"each", "S2"});
  auto opened = h.ok("chair", OpenBallot{"B1"});
  EXPECT_EQ(std::get<BallotOpened>(opened.at(0).body).eligible, 9);  // 3 questioners + 6 voters
  EXPECT_EQ(h.fail("chair", OpenBallot{"B1"}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", OpenBallot{"B2"}).code, ErrorCode::conflict);  // S1 already on an open sheet
  h.ok("chair", OpenBallot{"B3"});
  h.ok("chair", CloseBallot{"B1"});
  auto members = h.ok("chair", OpenBallot{"B2"});
  EXPECT_EQ(std::get<BallotOpened>(members.at(0).body).eligible, 3);
}

TEST_F(BallotTest, OnlyEligibleCheckedInVotersOnOpenBallots) {
  h.ok("chair", CreateBallot{"members_only", "S1"});
  const Marks m = marks_for({"S1"}, kDims, "good");
  EXPECT_EQ(h.fail("Q1", CastSheet{"B1", m, receipt(1)}).code, ErrorCode::ballot_closed);  // pending
  h.ok("chair", OpenBallot{"B1"});
  EXPECT_EQ(h.fail("V1", CastSheet{"B1", m, receipt(1)}).code, ErrorCode::not_allowed);  // not a member
  EXPECT_EQ(h.fail("chair", CastSheet{"B1", m, receipt(1)}).code, ErrorCode::not_allowed);
  for (int i = 1; i <= 3; ++i) h.ok("Q" + std::to_string(i), CastSheet{"B1", m, receipt(i)});
  h.ok("chair", CloseBallot{"B1"});
  EXPECT_EQ(h.fail("Q2", CastSheet{"B1", m, receipt(4)}).code, ErrorCode::ballot_closed);
  EXPECT_EQ(h.fail("Q2", CastSheet{"B9", m, receipt(2)}).code, ErrorCode::not_found);
}

TEST(Ballots, CheckInBeforeVotingIsASetting) {
  for (bool required : {true, false}) {
    FixtureOptions o;
    o.voting_requires_check_in = required;
    TestHearing h(o);
    h.ok("chair", OpenCheckIn{});
    for (const char* v : {"Q1", "Q2", "Q3", "V1", "V2", "V3"}) h.ok(v, CheckIn{});
    h.ok("chair", StartSession{});
    h.ok("chair", CreateBallot{"each", "S1"});
    h.ok("chair", OpenBallot{"B1"});
    const CastSheet sheet{"B1", marks_for({"S1"}, kDims, "good"), receipt(6)};
    if (required) {
      EXPECT_EQ(h.fail("V6", sheet).code, ErrorCode::not_checked_in);
    } else {
      h.ok("V6", sheet);
    }
  }
}

TEST_F(BallotTest, MarksNameOnlyTheBallotsSlotsDimensionsAndGrades) {
  const BallotId b = open("each", "S1");
  EXPECT_EQ(h.fail("V1", CastSheet{b, {{"S2", {{"duty", {"good"}}}}}, receipt(1)}).field, "/marks/S2");
  EXPECT_EQ(h.fail("V1", CastSheet{b, {{"S1", {{"style", {"good"}}}}}, receipt(1)}).field, "/marks/S1/style");
  EXPECT_EQ(h.fail("V1", CastSheet{b, {{"S1", {{"duty", {"good", "great"}}}}}, receipt(1)}).field,
            "/marks/S1/duty/1");
  EXPECT_EQ(h.fail("V1", CastSheet{b, {{"S1", {{"duty", {"good", "good"}}}}}, receipt(1)}).field,
            "/marks/S1/duty/1");
  EXPECT_EQ(h.fail("V1", CastSheet{b, {}, "ABC"}).field, "/receipt");
  EXPECT_EQ(h.fail("V1", CastSheet{b, {}, std::string(64, 'A')}).field, "/receipt");
}

TEST_F(BallotTest, AnInvalidSectionDoesNotSpoilTheRestOfTheSheet) {
  const BallotId b = open("each", "S1");
  // Two marks on duty (invalid), integrity left out (invalid), so nothing valid; then a sheet valid on duty
  // only.
  h.ok("V1", CastSheet{b, {{"S1", {{"duty", {"good", "fair"}}}}}, receipt(1)});
  h.ok("V2", CastSheet{b, {{"S1", {{"duty", {"fair"}}, {"integrity", {}}}}}, receipt(2)});
  h.ok("V3", CastSheet{b, {{"S1", {{"duty", {"poor"}}}}}, receipt(3)});
  h.ok("chair", CloseBallot{b});
  const Tally& t = h.state.ballots.at(b).tally;
  EXPECT_EQ(t.sheets, 3);
  EXPECT_EQ(count(t, "S1", "duty", "fair"), 1);
  EXPECT_EQ(count(t, "S1", "duty", "poor"), 1);
  const BallotResult r = score(h.state, h.state.ballots.at(b), t);
  ASSERT_EQ(r.presenters.size(), 1u);
  EXPECT_EQ(r.presenters[0].dimensions[0].invalid, 1);  // duty: V1
  EXPECT_EQ(r.presenters[0].dimensions[1].invalid, 3);  // integrity: all three
}

TEST_F(BallotTest, FirstPressCounts) {
  const BallotId b = open("each", "S1");
  h.ok("V1", CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(1)});
  EXPECT_EQ(h.fail("V1", CastSheet{b, marks_for({"S1"}, kDims, "poor"), receipt(1)}).code,
            ErrorCode::already_voted);
  EXPECT_EQ(h.fail("V1", CastSheet{b, marks_for({"S1"}, kDims, "poor"), receipt(2)}).code,
            ErrorCode::already_voted);
  EXPECT_EQ(h.state.ballots.at(b).tally.sheets, 1);
}

TEST_F(BallotTest, ChangeableUntilCloseFindsTheAnonymousSheetByReceiptOnly) {
  const BallotId b = open("combined", std::nullopt);
  const std::vector<SlotId> all = {"S1", "S2", "S3"};
  h.ok("V1", CastSheet{b, marks_for(all, {"overall"}, "unsatisfied"), receipt(1)});
  h.ok("V2", CastSheet{b, marks_for(all, {"overall"}, "basic"), receipt(2)});
  // Someone else's receipt, or an unknown one, is refused.
  EXPECT_EQ(h.fail("V1", CastSheet{b, marks_for(all, {"overall"}, "satisfied"), receipt(9)}).message,
            "receipt does not match");
  EXPECT_EQ(h.fail("V3", CastSheet{b, marks_for(all, {"overall"}, "satisfied"), receipt(1)}).message,
            "receipt already used");
  auto changed = h.ok("V1", CastSheet{b, marks_for(all, {"overall"}, "satisfied"), receipt(1)});
  EXPECT_TRUE(std::get<SheetRecorded>(changed.at(0).body).changed);
  const Ballot& ballot = h.state.ballots.at(b);
  EXPECT_EQ(ballot.box.size(), 2u);
  EXPECT_TRUE(ballot.named.empty());
  EXPECT_EQ(ballot.tally.sheets, 2);
  EXPECT_EQ(count(ballot.tally, "S1", "overall", "satisfied"), 1);
  EXPECT_EQ(count(ballot.tally, "S1", "overall", "unsatisfied"), 0);
  EXPECT_EQ(ballot.voted, (std::set<ParticipantId>{"V1", "V2"}));
}

TEST_F(BallotTest, AReceiptShownToOthersCannotReplaceTheSheet) {
  const BallotId b = open("combined", std::nullopt);  // anonymous, changeable until close
  const std::vector<SlotId> all = {"S1", "S2", "S3"};
  h.ok("V1", CastSheet{b, marks_for(all, {"overall"}, "satisfied"), receipt(1)});
  h.ok("V2", CastSheet{b, marks_for(all, {"overall"}, "unsatisfied"), receipt(2)});
  // V2 learnt V1's receipt (V1 showed it to the scrutineer) and casts with it from V2's own device.
  EXPECT_EQ(h.fail("V2", CastSheet{b, marks_for(all, {"overall"}, "unsatisfied"), receipt(1)}).message,
            "receipt does not match");
  // Nor does a voter who has not voted yet get in with it.
  EXPECT_EQ(h.fail("V3", CastSheet{b, marks_for(all, {"overall"}, "unsatisfied"), receipt(1)}).message,
            "receipt already used");
  // A sheet that may be changed needs a change tag at all; the error names the field the device sent.
  EXPECT_EQ(
      h.fail("V3", CastSheet{b, marks_for(all, {"overall"}, "basic"), receipt(3), std::string("x")}).field,
      "/change_key");
  const Ballot& ballot = h.state.ballots.at(b);
  EXPECT_EQ(ballot.box.at(receipt(1)).marks, marks_for(all, {"overall"}, "satisfied"));
  EXPECT_EQ(ballot.box.at(receipt(1)).change_tag, device_tag("V1"));
  EXPECT_EQ(count(ballot.tally, "S1", "overall", "satisfied"), 1);
  EXPECT_EQ(count(ballot.tally, "S1", "overall", "unsatisfied"), 1);
  // V1's own device changes it.
  h.ok("V1", CastSheet{b, marks_for(all, {"overall"}, "basic"), receipt(1)});
  EXPECT_EQ(count(h.state.ballots.at(b).tally, "S1", "overall", "basic"), 1);
  // Closed, the box keeps no change tags: nothing can change any more.
  h.ok("V3", CastSheet{b, marks_for(all, {"overall"}, "basic"), receipt(3)});
  h.ok("chair", CloseBallot{b});
  for (const auto& [hash, entry] : h.state.ballots.at(b).box) EXPECT_FALSE(entry.change_tag) << hash;
}

// One sheet per voter under any interleaving of first casts, changes, retries with the same receipt and
// attempts with receipts and tags of others: the box holds exactly one sheet per voter who took part, each
// voter's is the last one they were acked, and the tally is the sum of the box.
TEST(BallotProperty, OneSheetPerVoterWhateverTheOrder) {
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    TestHearing h(FixtureOptions{.voters = 8});
    h.start();
    h.ok("chair", CreateBallot{"combined", std::nullopt});
    h.ok("chair", OpenBallot{"B1"});
    const std::vector<SlotId> all = {"S1", "S2", "S3"};
    const std::vector<ParticipantId> voters = ids_with_role(h.state.def, Role::voter);
    const GradeId grades[] = {"satisfied", "basic", "unsatisfied"};
    std::map<ParticipantId, GradeId> acked;  // each voter's last acknowledged grade
    std::map<ParticipantId, std::pair<int, std::string>>
        first;  // receipt and tag of each voter's first sheet
    std::mt19937 rng(seed);
    for (int step = 0; step < 120; ++step) {
      const ParticipantId& voter = voters[rng() % voters.size()];
      const ParticipantId& other = voters[rng() % voters.size()];
      const GradeId grade = grades[rng() % 3];
      // The receipt a device sends: its own, or (a thief) someone else's. The server binds the change tag to
      // the sender, so a stolen change key yields a tag of the thief's own, never the owner's.
      const int own_receipt =
          static_cast<int>(std::find(voters.begin(), voters.end(), voter) - voters.begin());
      const int other_receipt =
          static_cast<int>(std::find(voters.begin(), voters.end(), other) - voters.begin());
      const int r = rng() % 4 == 0 ? other_receipt : own_receipt;
      const std::string tag = device_tag(voter + "/" + (rng() % 5 == 0 ? other : voter));
      const HearingState before = h.state;
      auto result =
          execute(h.state, voter, CastSheet{"B1", marks_for(all, {"overall"}, grade), receipt(r), tag},
                  h.now += 1000);
      if (result) {
        acked[voter] = grade;
        const auto [it, is_first] = first.emplace(voter, std::pair{r, tag});
        EXPECT_TRUE(is_first || (it->second == std::pair{r, tag})) << "changed by other means, seed " << seed;
      } else {
        EXPECT_EQ(h.state, before) << "seed " << seed << " step " << step;
      }
    }
    const Ballot& b = h.state.ballots.at("B1");
    ASSERT_EQ(b.box.size(), acked.size()) << "seed " << seed;
    ASSERT_EQ(b.voted.size(), acked.size()) << "seed " << seed;
    for (const auto& [voter, grade] : acked) {
      const std::string hash = receipt(first.at(voter).first);
      ASSERT_TRUE(b.box.contains(hash)) << voter;
      EXPECT_EQ(b.box.at(hash).marks, marks_for(all, {"overall"}, grade)) << "seed " << seed << " " << voter;
    }
    Tally recount;
    for (const auto& [hash, entry] : b.box)
      add_sheet(recount, *h.state.def.ballot_template("combined"), b.slots, entry, +1);
    EXPECT_EQ(recount, b.tally);
  }
}

TEST_F(BallotTest, TheAnonymousSheetIsSplitFromItsVoter) {
  const BallotId b = open("each", "S1");
  auto events = h.ok("V1", CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(1)});
  ASSERT_EQ(events.size(), 2u);
  const auto& recorded = std::get<SheetRecorded>(events[0].body);
  EXPECT_EQ(recorded.voter, "V1");
  const auto& stored = std::get<SheetStored>(events[1].body);
  EXPECT_FALSE(stored.voter.has_value());
  EXPECT_EQ(events[1].at, 0);
  // The rule does not weight groups, so the sheet does not say which group its voter is in.
  EXPECT_EQ(stored.entry.group, "");
  EXPECT_FALSE(stored.entry.change_tag.has_value());  // first press: nothing to change later
  EXPECT_TRUE(is_secret(events[1]));
}

TEST(BallotGroups, ASheetCarriesItsVotersGroupOnlyWhereTheRuleWeightsGroups) {
  HearingDefinition def = make_definition();
  for (ScoringRule& r : def.rules) r.weight_groups = r.id == "points";
  TestHearing h(std::move(def));
  h.start();
  h.to_questioning("S1");
  h.ok("chair", CreateBallot{"each", SlotId{"S1"}});
  h.ok("chair", OpenBallot{"B1"});
  h.ok("chair", CreateBallot{"combined", std::nullopt});
  auto each = h.ok("V1", CastSheet{"B1", marks_for({"S1"}, {"duty"}, "good"), receipt(1)});
  EXPECT_EQ(std::get<SheetStored>(each.at(1).body).entry.group, "deputies");
  h.ok("V2", CastSheet{"B1", marks_for({"S1"}, {"duty"}, "good"), receipt(3)});
  h.ok("V3", CastSheet{"B1", marks_for({"S1"}, {"duty"}, "good"), receipt(4)});
  h.ok("chair", CloseBallot{"B1"});
  h.ok("chair", OpenBallot{"B2"});
  auto combined =
      h.ok("V1", CastSheet{"B2", marks_for({"S1", "S2", "S3"}, {"overall"}, "basic"), receipt(2)});
  EXPECT_EQ(std::get<SheetStored>(combined.at(1).body).entry.group, "");
}

TEST_F(BallotTest, TheLiveTallyMovesInStepsOfKOneStepBehind) {
  const BallotId b = open("each", "S1");  // k = 3
  std::vector<std::int64_t> live_sheets;
  std::vector<std::int64_t> held_sheets;
  const char* voters[] = {"V1", "V2", "V3", "V4", "V5", "V6", "Q1"};
  for (int i = 0; i < 7; ++i) {
    h.ok(voters[i], CastSheet{b, marks_for({"S1"}, kDims, i % 2 == 0 ? "good" : "fair"), receipt(i)});
    const Ballot& ballot = h.state.ballots.at(b);
    live_sheets.push_back(ballot.live.sheets);
    held_sheets.push_back(ballot.held ? ballot.held->sheets : -1);
  }
  // The count at sheet 3 is held back until sheet 6: every count shown is a whole step behind the box.
  EXPECT_EQ(live_sheets, (std::vector<std::int64_t>{0, 0, 0, 0, 0, 3, 3}));
  EXPECT_EQ(held_sheets, (std::vector<std::int64_t>{-1, -1, 3, 3, 3, 6, 6}));
  EXPECT_EQ(h.state.ballots.at(b).tally.sheets, 7);
  // A live count is summed over groups: no refresh singles out a group's members.
  for (const auto& [dim, section] : h.state.ballots.at(b).live.sections.at("S1")) {
    for (const auto& [grade, by_group] : section.marks) EXPECT_EQ(by_group.size(), 1u) << dim << grade;
  }
  // At close the live tally becomes the exact one: four sheets after the last live count, never fewer than k.
  auto closed = h.ok("chair", CloseBallot{b});
  ASSERT_EQ(closed.size(), 2u);
  EXPECT_EQ(std::get<LiveTallyRefreshed>(closed[1].body).tally, h.state.ballots.at(b).tally);
  EXPECT_EQ(h.state.ballots.at(b).live, h.state.ballots.at(b).tally);
  EXPECT_FALSE(h.state.ballots.at(b).held.has_value());
}

TEST_F(BallotTest, ClosingRightAfterAStepStillLeavesKSheetsSinceTheLastLiveCount) {
  const BallotId b = open("each", "S1");  // k = 3
  const char* voters[] = {"V1", "V2", "V3", "V4", "V5", "V6"};
  for (int i = 0; i < 6; ++i) h.ok(voters[i], CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(i)});
  ASSERT_EQ(h.state.ballots.at(b).live.sheets, 3);
  // The seventh sheet is the one a chair watching the voted list would try to single out.
  h.ok("Q1", CastSheet{b, marks_for({"S1"}, kDims, "poor"), receipt(7)});
  EXPECT_EQ(h.state.ballots.at(b).live.sheets, 3);
  h.ok("chair", CloseBallot{b});
  EXPECT_EQ(h.state.ballots.at(b).live.sheets - 3, 4);
}

TEST_F(BallotTest, ChangedSheetsShowWithTheNextKNewOnes) {
  const BallotId b = open("combined", std::nullopt);
  const std::vector<SlotId> all = {"S1", "S2", "S3"};
  h.ok("V1", CastSheet{b, marks_for(all, {"overall"}, "basic"), receipt(1)});
  for (int i = 0; i < 4; ++i) h.ok("V1", CastSheet{b, marks_for(all, {"overall"}, "satisfied"), receipt(1)});
  EXPECT_FALSE(h.state.ballots.at(b).held.has_value());  // changes make no step
  EXPECT_EQ(h.state.ballots.at(b).live.sheets, 0);
  h.ok("V2", CastSheet{b, marks_for(all, {"overall"}, "unsatisfied"), receipt(2)});
  auto third = h.ok("V3", CastSheet{b, marks_for(all, {"overall"}, "unsatisfied"), receipt(3)});
  ASSERT_EQ(third.size(), 3u);  // recorded, stored, held
  EXPECT_TRUE(std::holds_alternative<LiveTallyHeld>(third[2].body));
  EXPECT_TRUE(is_secret(third[2]));
  h.ok("V4", CastSheet{b, marks_for(all, {"overall"}, "basic"), receipt(4)});
  h.ok("V5", CastSheet{b, marks_for(all, {"overall"}, "basic"), receipt(5)});
  auto sixth = h.ok("V6", CastSheet{b, marks_for(all, {"overall"}, "basic"), receipt(6)});
  ASSERT_EQ(sixth.size(), 4u);  // recorded, stored, refreshed with the count held at sheet 3, held
  const Tally& live = std::get<LiveTallyRefreshed>(sixth[2].body).tally;
  EXPECT_EQ(live.sheets, 3);
  EXPECT_EQ(count(live, "S2", "overall", "satisfied"), 1);  // V1's changed sheet, among two others
  EXPECT_EQ(count(live, "S2", "overall", "basic"), 0);
  EXPECT_EQ(count(live, "S2", "overall", "unsatisfied"), 2);
}

TEST_F(BallotTest, NamedBallotsKeepTheVoterAndAnExactLiveTally) {
  const BallotId b = open("each_named", "S1");
  auto events = h.ok("V1", CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(1)});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<SheetStored>(events[1].body).voter, "V1");
  EXPECT_FALSE(is_secret(events[1]));
  EXPECT_EQ(h.state.ballots.at(b).live, h.state.ballots.at(b).tally);
  EXPECT_EQ(h.state.ballots.at(b).live.sheets, 1);
  // A named sheet is found by its voter; a change replaces it.
  h.ok("V1", CastSheet{b, marks_for({"S1"}, kDims, "poor"), receipt(2)});
  EXPECT_EQ(h.state.ballots.at(b).named.at("V1").marks, marks_for({"S1"}, kDims, "poor"));
  EXPECT_EQ(count(h.state.ballots.at(b).live, "S1", "duty", "poor"), 1);
  EXPECT_EQ(count(h.state.ballots.at(b).live, "S1", "duty", "good"), 0);
  EXPECT_TRUE(h.state.ballots.at(b).box.empty());
}

// A count of one to k-1 anonymous sheets would say how those voters graded, and the chair sees who they are.
TEST_F(BallotTest, AnAnonymousBallotIsCountedFromKSheetsOn) {
  const BallotId b = open("each", "S1");  // k = 3
  h.ok("V1", CastSheet{b, marks_for({"S1"}, kDims, "poor"), receipt(1)});
  const Error one = h.fail("chair", CloseBallot{b});
  EXPECT_EQ(one.code, ErrorCode::too_few_sheets);
  EXPECT_EQ(one.params, (ErrorParams{{"sheets", std::int64_t{1}}, {"k", std::int64_t{3}}}));
  h.ok("V2", CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(2)});
  EXPECT_EQ(h.fail("chair", CloseBallot{b}).params.at("sheets"), ErrorParam{std::int64_t{2}});
  EXPECT_EQ(h.state.ballots.at(b).status, BallotStatus::open);  // refused: nothing changed
  EXPECT_EQ(h.state.ballots.at(b).live.sheets, 0);
  h.ok("V3", CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(3)});
  h.ok("chair", CloseBallot{b});
  EXPECT_EQ(h.state.ballots.at(b).live.sheets, 3);
  // A ballot nobody voted on closes empty; a named ballot has no secret to keep.
  const BallotId empty = open("each", "S2");
  h.ok("chair", CloseBallot{empty});
  const BallotId named = open("each_named", "S3");
  h.ok("V1", CastSheet{named, marks_for({"S3"}, kDims, "poor"), receipt(4)});
  h.ok("chair", CloseBallot{named});
}

// Voiding is always possible (the chair is never stuck with an uncountable ballot), and the voided box keeps
// the receipts to check but no marks: two sheets' marks would be an aggregate of two voters the log names.
TEST_F(BallotTest, AVoidedBallotKeepsItsReceiptsAndNoMarks) {
  const BallotId b = open("each", "S1");
  h.ok("V1", CastSheet{b, marks_for({"S1"}, kDims, "poor"), receipt(1)});
  h.ok("V2", CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(2)});
  h.ok("chair", VoidBallot{b, "表决器故障"});
  const Ballot& voided = h.state.ballots.at(b);
  ASSERT_EQ(voided.box.size(), 2u);
  for (const auto& [hash, entry] : voided.box) EXPECT_EQ(entry, BoxEntry{}) << hash;
  EXPECT_EQ(voided.tally.sheets, 2);
  for (const DimensionId& dim : kDims) {
    for (const char* grade : {"good", "poor"}) EXPECT_EQ(count(voided.tally, "S1", dim, grade), 0) << dim;
  }
  EXPECT_EQ(voided.voted, (std::set<ParticipantId>{"V1", "V2"}));
}

TEST_F(BallotTest, ClosePublishVoidAndRerun) {
  const BallotId b = open("each", "S1");
  for (int i = 1; i <= 3; ++i)
    h.ok("V" + std::to_string(i), CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(i)});
  EXPECT_EQ(h.fail("chair", PublishBallot{b}).code, ErrorCode::wrong_stage);
  h.ok("chair", CloseBallot{b});
  EXPECT_EQ(h.fail("chair", CloseBallot{b}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", VoidBallot{b, ""}).field, "/reason");
  auto voided = h.ok("chair", VoidBallot{b, "表决器故障"});
  ASSERT_EQ(voided.size(), 2u);
  const auto& rerun = std::get<BallotCreated>(voided[1].body);
  EXPECT_EQ(rerun.ballot, "B2");
  EXPECT_EQ(rerun.rerun_of, b);
  EXPECT_EQ(rerun.slots, (std::vector<SlotId>{"S1"}));
  EXPECT_EQ(h.state.ballots.at(b).status, BallotStatus::voided);
  EXPECT_EQ(h.state.ballots.at(b).void_reason, "表决器故障");
  EXPECT_EQ(h.fail("chair", VoidBallot{b, "again"}).code, ErrorCode::wrong_stage);
  // The rerun is a fresh ballot: everyone votes again.
  h.ok("chair", OpenBallot{"B2"});
  for (int i = 1; i <= 3; ++i)
    h.ok("V" + std::to_string(i), CastSheet{"B2", marks_for({"S1"}, kDims, "fair"), receipt(i)});
  h.ok("chair", CloseBallot{"B2"});
  h.ok("chair", PublishBallot{"B2"});
  EXPECT_EQ(h.state.ballots.at("B2").status, BallotStatus::published);
  EXPECT_EQ(h.fail("chair", VoidBallot{"B2", "too late"}).code, ErrorCode::wrong_stage);
  // Results withheld on the day may be published after adjournment.
  const BallotId later = open("each", "S2");
  h.ok("chair", CloseBallot{later});
  h.ok("chair", Adjourn{});
  h.ok("chair", PublishBallot{later});
}

}  // namespace
}  // namespace dais::core

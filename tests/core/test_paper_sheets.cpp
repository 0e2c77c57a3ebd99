// Paper sheets (纸质票): the desk hands a voter without a tablet a paper sheet of an open anonymous ballot;
// after collection two staff members enter each numbered sheet independently and it counts when the two
// entries agree. Boundaries of the sheet numbers, independence of the entries, disputes, the close, and what
// the views and the log show of it.
#include <set>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/view.hpp"
#include "fixtures.hpp"

namespace dais::core {
namespace {

using testing::kDims;

using testing::marks_for;
using testing::receipt;
using testing::TestHearing;

HearingDefinition with_two_secretaries() {
  HearingDefinition def = testing::make_definition();
  def.participants.push_back(testing::person("sec2", "录入员", {Role::secretary}));
  return def;
}

Marks all(const GradeId& grade) {
  return marks_for({"S1"}, kDims, grade);
}

std::int64_t good_marks(const Tally& t) {
  std::int64_t n = 0;
  const auto& marks = t.sections.at("S1").at("duty").marks;
  if (const auto good = marks.find("good"); good != marks.end()) {
    for (const auto& [group, c] : good->second) n += c;
  }
  return n;
}

template <class E>
bool has_event(const std::vector<Event>& events) {
  return std::any_of(events.begin(), events.end(),
                     [](const Event& e) { return std::holds_alternative<E>(e.body); });
}

class PaperSheets : public ::testing::Test {
 protected:
  void SetUp() override {
    h.start();
    h.ok("chair", CreateBallot{"each", "S1"});
    h.ok("chair", OpenBallot{"B1"});
  }
  const Ballot& ballot() const { return h.state.ballots.at("B1"); }
  std::vector<Event> enter(const ParticipantId& staff, std::int64_t sheet, const Marks& marks) {
    return h.ok(staff, EnterPaperSheet{"B1", sheet, marks, receipt(next_receipt++)});
  }
  Error refused_entry(const ParticipantId& staff, std::int64_t sheet, const Marks& marks) {
    return h.fail(staff, EnterPaperSheet{"B1", sheet, marks, receipt(next_receipt++)});
  }
  nlohmann::json paper_view(Role role) const {
    return section_view(h.state, Section::ballots, RoleSet{role}).at("items").at(0);
  }
  TestHearing h{with_two_secretaries()};
  int next_receipt = 1000;
};

TEST_F(PaperSheets, AVoterWhoTakesPaperHasTakenPartAndCannotAlsoVoteOnATablet) {
  const auto events = h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(is_secret(events[0]));  // who took part is logged, like a tablet's sheet_recorded
  EXPECT_TRUE(ballot().voted.contains("V1"));
  EXPECT_EQ(ballot().paper_takers.size(), 1u);
  const Error tablet = h.fail("V1", CastSheet{"B1", all("good"), receipt(1)});
  EXPECT_EQ(tablet.code, ErrorCode::already_voted);
  EXPECT_EQ(h.fail("chair", HandOutPaperSheet{"B1", "V1"}).code, ErrorCode::already_voted);
  // The voter's own device hears that their sheet is on paper.
  const auto me = personal_view(h.state, "V1").at("ballots").at(0);
  EXPECT_TRUE(me.at("voted").get<bool>());
  EXPECT_TRUE(me.at("paper").get<bool>());
}

TEST_F(PaperSheets, AVoterWhoVotedOnATabletCannotTakePaper) {
  h.ok("V2", CastSheet{"B1", all("fair"), receipt(2)});
  const Error e = h.fail("secretary", HandOutPaperSheet{"B1", "V2"});
  EXPECT_EQ(e.code, ErrorCode::already_voted);
  EXPECT_EQ(e.field, "/participant");
}

TEST_F(PaperSheets, OnlyPresentEligibleKnownVotersOfAnOpenAnonymousBallotTakePaper) {
  EXPECT_EQ(h.fail("chair", HandOutPaperSheet{"B1", "nobody"}).code, ErrorCode::not_found);
  EXPECT_EQ(h.fail("chair", HandOutPaperSheet{"B1", "P1"}).code, ErrorCode::not_allowed);  // not a voter
  EXPECT_EQ(h.fail("chair", HandOutPaperSheet{"B9", "V1"}).code, ErrorCode::not_found);
  // A named ballot: a named sheet is cast on a tablet.
  h.ok("chair", CreateBallot{"each_named", "S2"});
  h.ok("chair", OpenBallot{"B2"});
  const Error named = h.fail("chair", HandOutPaperSheet{"B2", "V1"});
  EXPECT_EQ(named.code, ErrorCode::not_allowed);
  EXPECT_NE(named.message.find("anonymous"), std::string::npos);
  EXPECT_EQ(h.fail("chair", EnterPaperSheet{"B2", 1, all("good"), receipt(3)}).code, ErrorCode::not_allowed);
  // Only members vote on this one.
  h.ok("chair", CreateBallot{"members_only", "S3"});
  h.ok("chair", OpenBallot{"B3"});
  EXPECT_EQ(h.fail("chair", HandOutPaperSheet{"B3", "V1"}).code, ErrorCode::not_allowed);
  h.ok("chair", HandOutPaperSheet{"B3", "Q1"});
  // A closed ballot takes no more sheets.
  h.ok("chair", CreateBallot{"each", "S2"});
  EXPECT_EQ(h.fail("chair", HandOutPaperSheet{"B4", "V1"}).code, ErrorCode::ballot_closed);
}

TEST(PaperSheetsCheckIn, AVoterNotCheckedInTakesNoPaperWhereVotingNeedsCheckIn) {
  TestHearing h(with_two_secretaries());
  h.ok("chair", OpenCheckIn{});
  for (const Participant& p : h.state.def.participants) {
    if (p.id != "V6") h.ok(p.id, CheckIn{});
  }
  h.ok("chair", StartSession{});
  h.ok("chair", CreateBallot{"each", "S1"});
  h.ok("chair", OpenBallot{"B1"});
  EXPECT_EQ(h.fail("secretary", HandOutPaperSheet{"B1", "V6"}).code, ErrorCode::not_checked_in);
  h.ok("secretary", CheckIn{"V6"});
  h.ok("secretary", HandOutPaperSheet{"B1", "V6"});
}

// Where the rule weights voter groups each group's paper sheets are printed in its own colour: every entry
// names the group read off the sheet, and a counted sheet goes into the box under it.
HearingDefinition weighted() {
  HearingDefinition def = with_two_secretaries();
  for (ScoringRule& r : def.rules) r.weight_groups = true;
  return def;
}

class WeightedPaperSheets : public ::testing::Test {
 protected:
  void SetUp() override {
    h.start();
    h.ok("chair", CreateBallot{"each", "S1"});
    h.ok("chair", OpenBallot{"B1"});
  }
  const Ballot& ballot() const { return h.state.ballots.at("B1"); }
  EnterPaperSheet entry(std::int64_t sheet, const Marks& marks, std::optional<GroupId> group,
                        const BallotId& b = "B1") {
    return EnterPaperSheet{b, sheet, marks, receipt(next_receipt++), std::move(group)};
  }
  TestHearing h{weighted()};
  int next_receipt = 2000;
};

TEST_F(WeightedPaperSheets, ACountedSheetChangesTheWeightedCountExactlyAsATabletSheetOfItsGroup) {
  // The desk offers the ballot's voter groups to enter a sheet under.
  EXPECT_EQ(section_view(h.state, Section::ballots, RoleSet{Role::chair})
                .at("items")
                .at(0)
                .at("paper")
                .at("groups"),
            nlohmann::json({"members", "deputies", "citizens"}));
  TestHearing twin{weighted()};
  twin.start();
  twin.ok("chair", CreateBallot{"each", "S1"});
  twin.ok("chair", OpenBallot{"B1"});
  // The same sheets in both, but V1's (党代表) comes on paper here and from the tablet in the twin.
  for (TestHearing* t : {&h, &twin}) {
    t->ok("Q1", CastSheet{"B1", all("poor"), receipt(1)});
    t->ok("V2", CastSheet{"B1", all("fair"), receipt(2)});
  }
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  h.ok("chair", entry(1, all("good"), "deputies"));
  const auto counted = h.ok("secretary", entry(1, all("good"), "deputies"));
  EXPECT_TRUE(has_event<PaperSheetCounted>(counted));
  twin.ok("V1", CastSheet{"B1", all("good"), receipt(3)});

  const Ballot& paper = ballot();
  const Ballot& tablet = twin.state.ballots.at("B1");
  EXPECT_EQ(paper.tally, tablet.tally);  // per group: the weighted points follow from it
  EXPECT_EQ(paper.tally.sections.at("S1").at("duty").marks.at("good").at("deputies"), 1);
  EXPECT_EQ(paper.held, tablet.held);  // the k-step of the third sheet holds the same count
  std::multiset<GroupId> paper_groups_in_box;
  std::multiset<GroupId> tablet_groups_in_box;
  for (const auto& [receipt, row] : paper.box) paper_groups_in_box.insert(row.group);
  for (const auto& [receipt, row] : tablet.box) tablet_groups_in_box.insert(row.group);
  EXPECT_EQ(paper_groups_in_box, tablet_groups_in_box);
  EXPECT_EQ(h.replay(), h.state);
}

TEST_F(WeightedPaperSheets, EntriesThatDifferOnlyInTheGroupAreDisputed) {
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  h.ok("secretary", HandOutPaperSheet{"B1", "V2"});
  h.ok("chair", entry(1, all("good"), "deputies"));
  const auto second = h.ok("secretary", entry(1, all("good"), "citizens"));
  EXPECT_FALSE(has_event<PaperSheetCounted>(second));
  EXPECT_EQ(section_view(h.state, Section::ballots, RoleSet{Role::chair})
                .at("items")
                .at(0)
                .at("paper")
                .at("disputed"),
            nlohmann::json::array({1}));
  // A third reading settles it, group and all.
  EXPECT_TRUE(has_event<PaperSheetCounted>(h.ok("sec2", entry(1, all("good"), "citizens"))));
  ASSERT_EQ(ballot().box.size(), 1u);
  EXPECT_EQ(ballot().box.begin()->second.group, "citizens");
  EXPECT_EQ(h.replay(), h.state);
}

TEST_F(WeightedPaperSheets, TheGroupIsRequiredHereAndMustBeAVoterGroupOfTheBallot) {
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  const Error missing = h.fail("chair", entry(1, all("good"), std::nullopt));
  EXPECT_EQ(missing.code, ErrorCode::invalid);
  EXPECT_EQ(missing.field, "/group");
  const Error unknown = h.fail("chair", entry(1, all("good"), "chair"));
  EXPECT_EQ(unknown.code, ErrorCode::invalid);
  EXPECT_EQ(unknown.field, "/group");
  // Only 纪委委员 vote on this one: a 党代表 sheet is not one of its sheets.
  h.ok("chair", CreateBallot{"members_only", "S2"});
  h.ok("chair", OpenBallot{"B2"});
  h.ok("secretary", HandOutPaperSheet{"B2", "Q1"});
  EXPECT_EQ(section_view(h.state, Section::ballots, RoleSet{Role::secretary})
                .at("items")
                .at(1)
                .at("paper")
                .at("groups"),
            nlohmann::json({"members"}));
  const Error other = h.fail("chair", entry(1, marks_for({"S2"}, kDims, "good"), "deputies", "B2"));
  EXPECT_EQ(other.code, ErrorCode::not_allowed);
  EXPECT_EQ(other.field, "/group");
  h.ok("chair", entry(1, marks_for({"S2"}, kDims, "good"), "members", "B2"));
}

TEST_F(PaperSheets, NoGroupIsEnteredWhereTheRuleDoesNotWeightGroups) {
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  const Error e = h.fail("chair", EnterPaperSheet{"B1", 1, all("good"), receipt(5), "deputies"});
  EXPECT_EQ(e.code, ErrorCode::invalid);
  EXPECT_EQ(e.field, "/group");
  EXPECT_FALSE(paper_view(Role::chair).at("paper").contains("groups"));
  enter("chair", 1, all("good"));
  enter("secretary", 1, all("good"));
  EXPECT_EQ(ballot().box.begin()->second.group, "");
}

TEST_F(WeightedPaperSheets, AGroupCountsNoMorePaperSheetsThanWereHandedOutToItsVoters) {
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});  // 党代表: one
  h.ok("secretary", HandOutPaperSheet{"B1", "V2"});  // 群众代表: two
  h.ok("secretary", HandOutPaperSheet{"B1", "V4"});
  h.ok("V3", CastSheet{"B1", all("fair"), receipt(3)});  // a 党代表 on a tablet makes no room on paper
  h.ok("chair", entry(1, all("good"), "deputies"));
  EXPECT_TRUE(has_event<PaperSheetCounted>(h.ok("secretary", entry(1, all("good"), "deputies"))));
  const Error full = h.fail("chair", entry(2, all("good"), "deputies"));
  EXPECT_EQ(full.code, ErrorCode::conflict);
  EXPECT_EQ(full.field, "/group");
  EXPECT_NE(full.message.find("党代表"), std::string::npos);
  EXPECT_EQ(std::get<std::string>(full.params.at("group")), "党代表");
  EXPECT_EQ(std::get<std::int64_t>(full.params.at("handed_out")), 1);
  // 群众代表 still has room for both of theirs; 纪委委员 took none.
  h.ok("chair", entry(2, all("good"), "citizens"));
  EXPECT_TRUE(has_event<PaperSheetCounted>(h.ok("secretary", entry(2, all("good"), "citizens"))));
  EXPECT_EQ(h.fail("chair", entry(3, all("poor"), "members")).field, "/group");
  h.ok("chair", entry(3, all("poor"), "citizens"));
  EXPECT_TRUE(has_event<PaperSheetCounted>(h.ok("secretary", entry(3, all("poor"), "citizens"))));
  EXPECT_EQ(ballot().paper_counted.size(), 3u);
}

TEST_F(PaperSheets, SheetNumbersRunFromOneToTheSheetsHandedOut) {
  EXPECT_EQ(refused_entry("chair", 1, all("good")).field, "/sheet");  // none handed out yet
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  h.ok("secretary", HandOutPaperSheet{"B1", "V2"});
  const Error zero = refused_entry("chair", 0, all("good"));
  EXPECT_EQ(zero.code, ErrorCode::invalid);
  EXPECT_EQ(zero.field, "/sheet");
  const Error beyond = refused_entry("chair", 3, all("good"));
  EXPECT_EQ(beyond.code, ErrorCode::invalid);
  EXPECT_NE(beyond.message.find("1 to 2"), std::string::npos);
  enter("chair", 2, all("good"));  // = handed out
  enter("chair", 1, all("good"));
}

TEST_F(PaperSheets, TwoMatchingEntriesByDifferentStaffCountTheSheetOnce) {
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  const auto first = enter("chair", 1, all("good"));
  EXPECT_TRUE(has_event<PaperSheetEntered>(first));
  EXPECT_FALSE(has_event<PaperSheetCounted>(first));
  EXPECT_TRUE(ballot().box.empty());
  // Independence: the same staff member does not confirm their own entry, even with the same marks.
  const Error twice = refused_entry("chair", 1, all("good"));
  EXPECT_EQ(twice.code, ErrorCode::conflict);
  EXPECT_NE(twice.message.find("another staff member"), std::string::npos);

  const auto second = enter("secretary", 1, all("good"));
  EXPECT_TRUE(has_event<PaperSheetCounted>(second));
  ASSERT_EQ(ballot().box.size(), 1u);
  EXPECT_EQ(good_marks(ballot().tally), 1);
  EXPECT_TRUE(ballot().paper_entries.empty());  // the entries go once the sheet is in the box
  EXPECT_EQ(refused_entry("sec2", 1, all("good")).code, ErrorCode::conflict);  // counted once
  EXPECT_EQ(h.replay(), h.state);
}

TEST_F(PaperSheets, ADisputedSheetCountsWhenAThirdEntryMatchesOneOfTheFirstTwo) {
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  enter("chair", 1, all("good"));
  enter("secretary", 1, all("poor"));
  EXPECT_EQ(paper_view(Role::chair).at("paper").at("disputed"), nlohmann::json::array({1}));
  EXPECT_TRUE(ballot().box.empty());
  EXPECT_EQ(refused_entry("secretary", 1, all("good")).code, ErrorCode::conflict);  // already entered
  const auto third = enter("sec2", 1, all("poor"));
  EXPECT_TRUE(has_event<PaperSheetCounted>(third));
  EXPECT_EQ(good_marks(ballot().tally), 0);
  EXPECT_EQ(ballot().tally.sheets, 1);
  EXPECT_TRUE(paper_view(Role::chair).at("paper").at("disputed").empty());
}

TEST_F(PaperSheets, ThreeDifferentEntriesLeaveTheSheetDisputedAndTheCloseRefused) {
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  for (const char* v : {"Q1", "Q2", "Q3"}) h.ok(v, CastSheet{"B1", all("fair"), receipt(v[1])});
  enter("chair", 1, all("good"));
  enter("secretary", 1, all("fair"));
  enter("sec2", 1, all("poor"));
  EXPECT_TRUE(ballot().paper_counted.empty());
  const Error close = h.fail("chair", CloseBallot{"B1"});
  EXPECT_EQ(close.code, ErrorCode::conflict);
  EXPECT_NE(close.message.find("paper sheet(s) 1 "), std::string::npos);
  EXPECT_EQ(std::get<std::string>(close.params.at("sheets")), "1");
}

TEST_F(PaperSheets, TheCloseIsRefusedWhileASheetAwaitsItsSecondEntryNotForASheetNeverEntered) {
  for (const char* v : {"V1", "V2", "V3", "V4"}) h.ok("secretary", HandOutPaperSheet{"B1", v});
  for (const char* v : {"Q1", "Q2", "Q3"}) h.ok(v, CastSheet{"B1", all("fair"), receipt(v[1])});
  enter("chair", 2, all("good"));
  enter("secretary", 2, all("good"));
  enter("chair", 4, all("good"));
  enter("chair", 3, all("average"));
  EXPECT_EQ(paper_view(Role::secretary).at("paper").at("awaiting"), nlohmann::json::array({3, 4}));
  const Error close = h.fail("chair", CloseBallot{"B1"});
  EXPECT_EQ(close.code, ErrorCode::conflict);
  EXPECT_NE(close.message.find("3, 4"), std::string::npos);
  enter("sec2", 3, all("average"));
  enter("sec2", 4, all("good"));
  // Sheet 1 was never entered (its voter kept it blank): it does not block the close and never came back.
  h.ok("chair", CloseBallot{"B1"});
  const Turnout t = turnout_of(h.state, ballot(), roll_now(h.state, *h.state.def.ballot_template("each")));
  EXPECT_EQ(t.voted, 6);  // three tablets and three paper sheets returned
  EXPECT_EQ(t.paper, 3);
  EXPECT_EQ(ballot().tally.sheets, 6);
  EXPECT_EQ(refused_entry("sec2", 1, all("good")).code, ErrorCode::ballot_closed);
  EXPECT_EQ(h.replay(), h.state);
}

TEST_F(PaperSheets, EntriesAgreeWhateverOrderTheGradesWereTapped) {
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  Marks spoiled = all("good");
  spoiled["S1"]["duty"] = {"good", "poor"};  // two marks: an invalid section, as the paper shows it
  Marks same = spoiled;
  same["S1"]["duty"] = {"poor", "good"};
  same["S1"]["extra"];  // unknown dimension: refused as on a tablet
  EXPECT_EQ(refused_entry("secretary", 1, same).code, ErrorCode::invalid);
  same["S1"].erase("extra");
  enter("chair", 1, spoiled);
  EXPECT_TRUE(has_event<PaperSheetCounted>(enter("secretary", 1, same)));
}

TEST_F(PaperSheets, TheMarksOfAnEntryAreSecretAndNoViewShowsThem) {
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  const auto entered = enter("chair", 1, all("poor"));
  ASSERT_EQ(entered.size(), 2u);
  EXPECT_FALSE(is_secret(entered[0]));  // who entered which sheet number, and when
  EXPECT_FALSE(to_json(entered[0]).dump().find("poor") != std::string::npos);
  EXPECT_TRUE(is_secret(entered[1]));  // what they read off it: no time, beside the box
  EXPECT_EQ(entered[1].at, 0);
  EXPECT_FALSE(to_json(entered[1]).contains("at"));
  // The desk sees numbers only; everyone else sees nothing of paper beyond the turnout.
  const nlohmann::json desk = paper_view(Role::chair).at("paper");
  EXPECT_EQ(desk, (nlohmann::json{{"handed_out", 1},
                                  {"takers", {"V1"}},
                                  {"counted", 0},
                                  {"awaiting", {1}},
                                  {"disputed", nlohmann::json::array()}}));
  EXPECT_EQ(paper_view(Role::secretary).at("paper"), desk);
  for (Role r : {Role::presenter, Role::questioner, Role::voter, Role::display, Role::scrutineer}) {
    EXPECT_FALSE(paper_view(r).contains("paper")) << to_string(r);
  }
  for (Role r : kAllRoles) {
    for (Section s : kAllSections) {
      const std::string text = section_view(h.state, s, RoleSet{r}).dump();
      EXPECT_EQ(text.find("paper_entries"), std::string::npos) << to_string(r) << " " << to_string(s);
    }
  }
  // A snapshot keeps who took paper and what is counted, never an entry.
  const nlohmann::json snapshot = state_to_json(h.state, /*include_secret=*/false);
  EXPECT_FALSE(snapshot.at("ballots").at("B1").contains("paper_entries"));
  EXPECT_EQ(snapshot.at("ballots").at("B1").at("paper_takers"), nlohmann::json::array({"V1"}));
  auto back = state_from_json(state_to_json(h.state, /*include_secret=*/true));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, h.state);
}

TEST_F(PaperSheets, CountedPaperSheetsMoveTheLiveCountInTheSameStepsOfKAsTabletSheets) {
  // k = 3: the third sheet in the box makes a step, whichever way it came.
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  h.ok("Q1", CastSheet{"B1", all("fair"), receipt(11)});
  EXPECT_EQ(ballot().voted.size(), 2u);
  h.ok("Q2", CastSheet{"B1", all("fair"), receipt(12)});
  EXPECT_FALSE(ballot().held);  // three took part, two sheets are in the box: no step yet
  enter("chair", 1, all("good"));
  const auto counted = enter("secretary", 1, all("good"));
  EXPECT_TRUE(has_event<LiveTallyHeld>(counted));
  ASSERT_TRUE(ballot().held);
  EXPECT_EQ(ballot().held->sheets, 3);
  EXPECT_EQ(ballot().live.sheets, 0);  // one step behind
  // While the ballot is open nobody but the desk tells paper sheets apart: the hall's turnout has no paper.
  EXPECT_FALSE(paper_view(Role::display).at("turnout").contains("paper"));
  EXPECT_EQ(paper_view(Role::display).at("turnout").at("voted"), 3);
}

TEST_F(PaperSheets, AVoidDropsTheEntriesWaitingForAMatch) {
  h.ok("secretary", HandOutPaperSheet{"B1", "V1"});
  enter("chair", 1, all("good"));
  h.ok("chair", VoidBallot{"B1", "票面印错"});
  EXPECT_TRUE(ballot().paper_entries.empty());
  EXPECT_EQ(h.replay(), h.state);
}

}  // namespace
}  // namespace dais::core

// A ballot's counts as reports state them (应到 / 实到 / 发出 / 收回 / 有效 / 无效), the roll frozen at
// close, the 未提交名单 and the chair's reminder to it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/tally.hpp"
#include "core/view.hpp"
#include "fixtures.hpp"

namespace dais::core {
namespace {

using testing::kDims;

using nlohmann::json;
using testing::FixtureOptions;
using testing::marks_for;
using testing::receipt;
using testing::TestHearing;

// 3 presenters, Q1..Q3 (members), V1..V6 (deputies and citizens): 9 voters expected. Present: Q1, Q2, V1, V2
// (a low quorum lets the session start with them).
class CountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FixtureOptions o;
    o.quorum = {1, 9};
    h = TestHearing(o);
    h.ok("chair", OpenCheckIn{});
    for (const char* id : {"Q1", "Q2", "V1", "V2"}) h.ok(id, CheckIn{});
    h.ok("chair", StartSession{});
  }
  BallotId open(const TemplateId& tpl, const SlotId& slot) {
    h.ok("chair", CreateBallot{tpl, slot});
    const BallotId id = h.state.ballot_order.back();
    h.ok("chair", OpenBallot{id});
    return id;
  }
  Turnout turnout(const BallotId& id) const {
    const Ballot& b = h.state.ballots.at(id);
    return turnout_of(h.state, b, roll_now(h.state, *h.state.def.ballot_template(b.template_id)));
  }
  json me(const ParticipantId& id) const { return personal_view(h.state, id); }
  static json ballot_in(const json& me, const BallotId& id) {
    for (const json& b : me.at("ballots")) {
      if (b.at("ballot") == id) return b;
    }
    return nullptr;
  }
  TestHearing h;
};

TEST_F(CountsTest, IssuedCountsOnlyTheEligiblePresentWhilePresentCountsTheHall) {
  const BallotId b = open("members_only", "S1");
  const Turnout t = turnout(b);
  EXPECT_EQ(t.expected, 9);  // 应到: every voter of the hearing
  EXPECT_EQ(t.present, 4);   // 实到: Q1, Q2, V1, V2
  EXPECT_EQ(t.eligible, 3);  // the members: Q1..Q3
  EXPECT_EQ(t.issued, 2);    // 发出: the members present
  EXPECT_EQ(t.voted, 0);
  EXPECT_FALSE(t.valid.has_value());  // not known while the ballot is open
  EXPECT_FALSE(t.invalid.has_value());
  // A member checking in while the ballot is open is handed a sheet.
  h.ok("Q3", CheckIn{});
  EXPECT_EQ(turnout(b).issued, 3);
  EXPECT_EQ(turnout(b).present, 5);
}

TEST_F(CountsTest, ASheetWithNoValidSectionIsInvalidAndOneValidSectionKeepsItValid) {
  const BallotId b = open("each", "S1");
  Marks partly = marks_for({"S1"}, {"duty"}, "good");
  partly["S1"]["integrity"] = {"good", "poor"};  // two marks: that section alone is invalid
  Marks spoiled;
  spoiled["S1"]["duty"] = {"good", "fair"};  // every section spoiled
  h.ok("Q1", CastSheet{b, partly, receipt(1)});
  h.ok("Q2", CastSheet{b, spoiled, receipt(2)});
  h.ok("V1", CastSheet{b, Marks{}, receipt(3)});  // blank
  h.ok("V2", CastSheet{b, marks_for({"S1"}, kDims, "fair"), receipt(4)});
  EXPECT_FALSE(turnout(b).valid.has_value());
  h.ok("chair", CloseBallot{b});
  const Turnout t = turnout(b);
  EXPECT_EQ(t.issued, 4);
  EXPECT_EQ(t.voted, 4);  // 收回
  EXPECT_EQ(t.valid, 2);
  EXPECT_EQ(t.invalid, 2);
  // The per-section figures still count the valid section of the partly spoiled sheet.
  const BallotResult r = score(h.state, h.state.ballots.at(b), h.state.ballots.at(b).tally);
  ASSERT_EQ(r.presenters.size(), 1u);
  EXPECT_EQ(r.presenters[0].dimensions[0].valid, 2);    // duty: Q1 and V2
  EXPECT_EQ(r.presenters[0].dimensions[1].invalid, 3);  // integrity: Q1, Q2, V1
  EXPECT_EQ(r.turnout, t);
}

TEST_F(CountsTest, ACheckInAfterCloseLeavesTheClosedBallotsFiguresAlone) {
  const BallotId closed = open("each", "S1");
  h.ok("Q1", CastSheet{closed, marks_for({"S1"}, kDims, "good"), receipt(1)});
  h.ok("Q2", CastSheet{closed, marks_for({"S1"}, kDims, "fair"), receipt(2)});
  h.ok("V1", CastSheet{closed, Marks{}, receipt(3)});  // blank
  h.ok("chair", CloseBallot{closed});
  h.ok("chair", CreateBallot{"each", "S2"});
  const BallotId pending = h.state.ballot_order.back();
  const Turnout before = turnout(closed);
  h.ok("V3", CheckIn{});
  h.ok("Q3", CheckIn{});
  EXPECT_EQ(turnout(closed), before);
  EXPECT_EQ(before.present, 4);
  EXPECT_EQ(before.issued, 4);
  EXPECT_EQ(turnout(pending).present, 6);  // a ballot not yet closed follows the hall
  h.ok("chair", PublishBallot{closed});
  EXPECT_EQ(turnout(closed), before);
  // The frozen roll survives a replay of the log and a snapshot.
  EXPECT_EQ(h.replay(), h.state);
  auto back = state_from_json(state_to_json(h.state));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, h.state);
  // The results view says the same as the ballots view.
  const json results = section_view(h.state, Section::results, RoleSet{Role::chair});
  EXPECT_EQ(results.at("ballots").at(0).at("turnout").at("present"), 4);
  EXPECT_EQ(results.at("ballots").at(0).at("turnout").at("valid"), 2);
  EXPECT_EQ(results.at("ballots").at(0).at("turnout").at("invalid"), 1);
}

// The roll of a closed ballot is the roll at its close, to the event: a check-in logged just before the close
// counts in 实到, one logged just after it does not, in the view every role sees.
TEST_F(CountsTest, PresentOfAClosedBallotIsFrozenAtTheCloseEvent) {
  const BallotId b = open("each", "S1");
  h.ok("Q1", CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(1)});
  h.ok("Q2", CastSheet{b, marks_for({"S1"}, kDims, "fair"), receipt(2)});
  h.ok("V1", CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(3)});
  h.ok("V3", CheckIn{});  // just before the close: counts
  h.ok("chair", CloseBallot{b});
  const auto present = [&] {
    return section_view(h.state, Section::ballots, RoleSet{Role::display})
        .at("items")
        .at(0)
        .at("turnout")
        .at("present");
  };
  EXPECT_EQ(present(), 5);
  h.ok("Q3", CheckIn{});  // just after the close: does not
  EXPECT_EQ(h.state.present_voters(), 6);
  EXPECT_EQ(present(), 5);
  EXPECT_EQ(section_view(h.state, Section::results, RoleSet{Role::chair})
                .at("ballots")
                .at(0)
                .at("turnout")
                .at("present"),
            5);
}

TEST_F(CountsTest, TheChairAloneSeesWhoHasNotSubmitted) {
  const BallotId b = open("members_only", "S1");
  h.ok("Q1", CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(1)});
  const json chair = section_view(h.state, Section::ballots, RoleSet{Role::chair});
  EXPECT_EQ(chair.at("items").at(0).at("not_submitted"), json::array({"Q2"}));  // Q3 is absent
  for (Role r : {Role::display, Role::secretary, Role::voter, Role::scrutineer}) {
    const json other = section_view(h.state, Section::ballots, RoleSet{r});
    EXPECT_FALSE(other.at("items").at(0).contains("not_submitted")) << to_string(r);
  }
}

TEST_F(CountsTest, TheReminderReachesThePresentEligibleWhoHaveNotSubmitted) {
  const BallotId b = open("members_only", "S1");
  h.ok("Q1", CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(1)});
  const auto events = h.ok("chair", RemindVoters{b});
  ASSERT_EQ(events.size(), 1u);
  const auto& reminded = std::get<VotersReminded>(events[0].body);
  EXPECT_EQ(reminded.voters, std::vector<ParticipantId>{"Q2"});
  // Nothing any section shows moves; only Q2's own view does.
  EXPECT_EQ(sections_touched(events[0].body), SectionMask{0});
  EXPECT_EQ(personal_touched(h.state, events[0].body), std::vector<ParticipantId>{"Q2"});
  EXPECT_EQ(ballot_in(me("Q2"), b).at("reminded_at"), events[0].at);
  EXPECT_FALSE(ballot_in(me("Q1"), b).contains("reminded_at"));  // submitted
  h.ok("Q3", CheckIn{});
  EXPECT_FALSE(ballot_in(me("Q3"), b).contains("reminded_at"));  // was not present then
  // Submitting ends the reminder.
  h.ok("Q2", CastSheet{b, marks_for({"S1"}, kDims, "fair"), receipt(2)});
  EXPECT_FALSE(ballot_in(me("Q2"), b).contains("reminded_at"));
}

TEST_F(CountsTest, ARemindWithNobodyToRemindOrNoOpenBallotIsRefused) {
  EXPECT_EQ(h.fail("chair", RemindVoters{"B9"}).code, ErrorCode::not_found);
  h.ok("chair", CreateBallot{"members_only", "S1"});
  EXPECT_EQ(h.fail("chair", RemindVoters{"B1"}).code, ErrorCode::wrong_stage);  // pending
  h.ok("chair", OpenBallot{"B1"});
  h.ok("Q1", CastSheet{"B1", marks_for({"S1"}, kDims, "good"), receipt(1)});
  h.ok("Q2", CastSheet{"B1", marks_for({"S1"}, kDims, "good"), receipt(2)});
  const Error none = h.fail("chair", RemindVoters{"B1"});
  EXPECT_EQ(none.code, ErrorCode::conflict);
  EXPECT_EQ(none.field, "/ballot");
  h.ok("chair", VoidBallot{"B1", "重新表决"});
  EXPECT_EQ(h.fail("chair", RemindVoters{"B1"}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("Q3", RemindVoters{"B1"}).code, ErrorCode::not_allowed);
}

// A voided ballot's box is never read out: after a void one sheet past the last live count, telling valid
// from invalid sheets would say whether that one voter's sheet was blank.
TEST_F(CountsTest, AVoidedBallotSaysNothingOfValidOrInvalidSheets) {
  const BallotId b = open("each", "S1");
  h.ok("Q1", CastSheet{b, marks_for({"S1"}, kDims, "good"), receipt(1)});
  h.ok("Q2", CastSheet{b, Marks{}, receipt(2)});  // blank
  h.ok("chair", VoidBallot{b, "重新表决"});
  const Turnout t = turnout(b);
  EXPECT_EQ(t.voted, 2);
  EXPECT_FALSE(t.valid.has_value());
  EXPECT_FALSE(t.invalid.has_value());
}

}  // namespace
}  // namespace dais::core

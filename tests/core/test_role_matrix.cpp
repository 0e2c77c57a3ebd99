// The role matrix: every command from a participant holding each single role, in a state where the command is
// otherwise fine. Exactly the allowed roles succeed; every other role gets not_allowed.
#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace dais::core {
namespace {

using testing::marks_for;
using testing::receipt;
using testing::TestHearing;

// One participant per role, holding that role only.
ParticipantId actor_for(Role r) {
  switch (r) {
    case Role::chair:
      return "chair";
    case Role::secretary:
      return "secretary";
    case Role::presenter:
      return "P1";
    case Role::questioner:
      return "q_only";
    case Role::voter:
      return "v_only";
    case Role::display:
      return "display";
    case Role::scrutineer:
      return "scrutineer";
  }
  return "";
}

HearingDefinition matrix_definition() {
  HearingDefinition def = testing::make_definition();
  def.participants.push_back(testing::person("q_only", "只质询", {Role::questioner}));
  def.participants.push_back(testing::person("v_only", "只测评", {Role::voter}, {"deputies"}));
  return def;
}

struct Case {
  Command command;
  std::function<void(TestHearing&)> setup;
  RoleSet allowed;
};

void nothing(TestHearing&) {}
void check_in_open(TestHearing& h) {
  h.ok("chair", OpenCheckIn{});
}
void everyone_in(TestHearing& h) {
  h.ok("chair", OpenCheckIn{});
  h.check_in_everyone();
}
void started(TestHearing& h) {
  h.start();
}
void reporting(TestHearing& h) {
  h.start();
  h.ok("chair", CallSlot{"S1"});
  h.ok("chair", BeginStage{"S1", Stage::reporting});
}
void submitted(TestHearing& h) {
  h.start();
  h.ok("Q1", SubmitInquiry{"S1", "问题", std::nullopt});
}
void approved(TestHearing& h) {
  submitted(h);
  h.ok("chair", ApproveInquiry{"I1"});
}
void asking(TestHearing& h) {
  approved(h);
  h.to_questioning("S1");
  h.ok("chair", AskInquiry{"I1"});
}
void ballot_created(TestHearing& h) {
  h.start();
  h.ok("chair", CreateBallot{"each", "S1"});
}
void ballot_open(TestHearing& h) {
  ballot_created(h);
  h.ok("chair", OpenBallot{"B1"});
}
void ballot_closed(TestHearing& h) {
  ballot_open(h);
  h.ok("chair", CloseBallot{"B1"});
}

std::vector<Case> cases() {
  const RoleSet chair{Role::chair};
  const RoleSet desk{Role::chair, Role::secretary};
  const RoleSet everyone{Role::chair, Role::secretary, Role::presenter, Role::questioner,
                         Role::voter, Role::display,   Role::scrutineer};
  return {
      {OpenCheckIn{}, nothing, chair},
      {CheckIn{}, check_in_open, everyone},
      {CheckIn{"V1"}, check_in_open, desk},
      {StartSession{}, everyone_in, chair},
      {PauseSession{}, started, chair},
      {ResumeSession{},
       [](TestHearing& h) {
         h.start();
         h.ok("chair", PauseSession{});
       },
       chair},
      {Adjourn{}, started, chair},
      {CallSlot{"S1"}, started, chair},
      {BeginStage{"S1", Stage::questioning}, reporting, chair},
      {SkipSlot{"S2"}, started, chair},
      {ReorderAgenda{{"S3", "S2", "S1"}}, started, chair},
      {InsertSlot{SlotDef{"S9", "P1", "补充", ReportMode::written, 0, 300}, 3}, started, chair},
      {PauseTimer{"S1", TimerKind::report}, reporting, chair},
      {ResumeTimer{"S1", TimerKind::report},
       [](TestHearing& h) {
         reporting(h);
         h.ok("chair", PauseTimer{"S1", TimerKind::report});
       },
       chair},
      {ExtendTimer{"S1", TimerKind::qa, 60}, started, chair},
      {SubmitInquiry{"S1", "问题", std::nullopt}, started, RoleSet{Role::questioner}},
      {SubmitInquiry{"S1", "追问", "I1"}, asking, RoleSet{Role::questioner, Role::chair}},
      {WithdrawInquiry{"I1"},
       [](TestHearing& h) {
         h.start();
         h.ok("q_only", SubmitInquiry{"S1", "问", {}});
       },
       RoleSet{Role::questioner}},
      {ApproveInquiry{"I1"}, submitted, chair},
      {RejectInquiry{"I1", "重复"}, submitted, chair},
      {OrderInquiries{"S1", {"I1"}}, approved, chair},
      {AskInquiry{"I1"},
       [](TestHearing& h) {
         approved(h);
         h.to_questioning("S1");
       },
       chair},
      {AnswerInquiry{"I1", "答复"}, asking, desk},
      {RecordCommitment{"I1", "整改", "2021-03-31"}, asking, desk},
      {UpvoteInquiry{"I1"}, approved, RoleSet{Role::questioner}},
      {CreateBallot{"each", "S1"}, started, chair},
      {OpenBallot{"B1"}, ballot_created, chair},
      {CloseBallot{"B1"}, ballot_open, chair},
      {PublishBallot{"B1"}, ballot_closed, chair},
      {VoidBallot{"B1", "故障"}, ballot_open, chair},
      {CastSheet{"B1", marks_for({"S1"}, {"duty", "integrity"}, "good"), receipt(42)}, ballot_open,
       RoleSet{Role::voter}},
      {RemindVoters{"B1"}, ballot_open, chair},
      {HandOutPaperSheet{"B1", "V1"}, ballot_open, desk},
      {EnterPaperSheet{"B1", 1, marks_for({"S1"}, {"duty", "integrity"}, "good"), receipt(43)},
       [](TestHearing& h) {
         ballot_open(h);
         h.ok("chair", HandOutPaperSheet{"B1", "V1"});
       },
       desk},
      {RevokeToken{"V1"}, nothing, chair},
      {SetDisplay{DisplayMode::message, "休会十分钟"}, nothing, chair},
  };
}

TEST(RoleMatrix, EveryCommandIsCovered) {
  std::set<std::size_t> covered;
  for (const Case& c : cases()) covered.insert(c.command.index());
  EXPECT_EQ(covered.size(), std::variant_size_v<Command>);
}

TEST(RoleMatrix, ExactlyTheAllowedRolesSucceed) {
  const HearingDefinition def = matrix_definition();
  for (const Case& c : cases()) {
    TestHearing base(def);
    c.setup(base);
    ASSERT_FALSE(::testing::Test::HasFailure()) << "setup of " << command_name(c.command);
    for (Role role : kAllRoles) {
      const ParticipantId actor = actor_for(role);
      const auto result = decide(base.state, actor, c.command, base.now + 1000);
      const bool allowed = c.allowed.has(role);
      if (allowed) {
        EXPECT_TRUE(result) << command_name(c.command) << " by " << to_string(role) << ": "
                            << (result ? "" : result.error().message);
      } else {
        ASSERT_FALSE(result) << command_name(c.command) << " by " << to_string(role) << " succeeded";
        EXPECT_EQ(result.error().code, ErrorCode::not_allowed)
            << command_name(c.command) << " by " << to_string(role) << ": " << result.error().message;
      }
      // The matrix itself agrees, except where the rule depends on the state (only an inquiry's author
      // withdraws).
      EXPECT_EQ(role_permits(RoleSet{role}, c.command), allowed)
          << command_name(c.command) << " " << to_string(role);
    }
  }
}

TEST(RoleMatrix, AnUnknownActorMayDoNothing) {
  TestHearing h(matrix_definition());
  for (const Case& c : cases()) {
    const auto result = decide(h.state, "intruder", c.command, h.now);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::not_allowed);
  }
}

TEST(RoleMatrix, RolesAddUp) {
  // Q1 is questioner and voter: it may both submit and vote.
  TestHearing h;
  h.start();
  h.ok("Q1", SubmitInquiry{"S1", "问题", std::nullopt});
  h.ok("chair", CreateBallot{"each", "S1"});
  h.ok("chair", OpenBallot{"B1"});
  h.ok("Q1", CastSheet{"B1", marks_for({"S1"}, {"duty"}, "good"), receipt(1)});
  EXPECT_TRUE(role_permits(RoleSet{Role::questioner, Role::voter}, Command{CastSheet{}}));
  EXPECT_FALSE(role_permits(RoleSet{}, Command{CastSheet{}}));
}

}  // namespace
}  // namespace dais::core

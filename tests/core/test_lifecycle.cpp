// The hearing's lifecycle, check-in and quorum.
#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace dais::core {
namespace {

using testing::FixtureOptions;
using testing::TestHearing;

TEST(Lifecycle, DraftToCheckInToSessionToAdjourned) {
  TestHearing h;
  EXPECT_EQ(h.state.phase, Phase::draft);
  h.ok("chair", OpenCheckIn{});
  EXPECT_EQ(h.state.phase, Phase::check_in);
  h.check_in_everyone();
  h.ok("chair", StartSession{});
  EXPECT_EQ(h.state.phase, Phase::in_session);
  h.ok("chair", PauseSession{});
  EXPECT_EQ(h.state.phase, Phase::paused);
  h.ok("chair", ResumeSession{});
  EXPECT_EQ(h.state.phase, Phase::in_session);
  h.ok("chair", Adjourn{});
  EXPECT_EQ(h.state.phase, Phase::adjourned);
}

TEST(Lifecycle, EachStepOnlyFromItsPhase) {
  TestHearing h;
  EXPECT_EQ(h.fail("chair", StartSession{}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", PauseSession{}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", ResumeSession{}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", Adjourn{}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("V1", CheckIn{}).code, ErrorCode::wrong_stage);
  h.start();
  EXPECT_EQ(h.fail("chair", OpenCheckIn{}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", StartSession{}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", ResumeSession{}).code, ErrorCode::wrong_stage);
  h.ok("chair", Adjourn{});
  EXPECT_EQ(h.fail("chair", PauseSession{}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", Adjourn{}).code, ErrorCode::wrong_stage);
}

TEST(Lifecycle, StartNeedsQuorumOfExpectedVoters) {
  // 3 questioners + 6 voters = 9 expected voters; 2/3 of them is 6.
  TestHearing h;
  h.ok("chair", OpenCheckIn{});
  EXPECT_EQ(h.state.expected_voters(), 9);
  for (const char* v : {"V1", "V2", "V3", "V4", "V5"}) h.ok(v, CheckIn{});
  h.ok("chair", CheckIn{});  // the chair is no voter: it does not count towards the quorum
  EXPECT_EQ(h.state.present_voters(), 5);
  EXPECT_FALSE(h.state.quorum_met());
  const Error e = h.fail("chair", StartSession{});
  EXPECT_EQ(e.code, ErrorCode::no_quorum);
  EXPECT_NE(e.message.find("5 of 9"), std::string::npos) << e.message;
  // The numbers go with the error, so a client can say it in its own language.
  EXPECT_EQ(e.params, (ErrorParams{{"present", 5}, {"expected", 9}, {"needed", 6}}));
  h.ok("Q1", CheckIn{});
  EXPECT_TRUE(h.state.quorum_met());
  h.ok("chair", StartSession{});
}

TEST(Lifecycle, QuorumIsComparedExactlyInIntegers) {
  FixtureOptions o;
  o.questioners = 0;
  o.voters = 3;
  o.quorum = {2, 3};
  TestHearing h(o);
  h.ok("chair", OpenCheckIn{});
  h.ok("V1", CheckIn{});
  EXPECT_FALSE(h.state.quorum_met());  // 1/3 < 2/3
  h.ok("V2", CheckIn{});
  EXPECT_TRUE(h.state.quorum_met());  // 2/3 is exactly the quorum, not 0.6666 < 0.6667
}

TEST(CheckIn, SelfOrAtTheDeskOnceEach) {
  TestHearing h;
  h.ok("chair", OpenCheckIn{});
  auto events = h.ok("V1", CheckIn{});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<ParticipantCheckedIn>(events[0].body).participant, "V1");
  EXPECT_FALSE(std::get<ParticipantCheckedIn>(events[0].body).late);
  h.ok("secretary", CheckIn{"V2"});
  h.ok("chair", CheckIn{"V3"});
  h.ok("V4", CheckIn{"V4"});  // naming oneself is checking oneself in
  EXPECT_EQ(h.state.checked_in, (std::set<ParticipantId>{"V1", "V2", "V3", "V4"}));
  EXPECT_EQ(h.fail("V1", CheckIn{}).code, ErrorCode::conflict);
  EXPECT_EQ(h.fail("secretary", CheckIn{"V2"}).code, ErrorCode::conflict);
  EXPECT_EQ(h.fail("V5", CheckIn{"V6"}).code, ErrorCode::not_allowed);
  const Error missing = h.fail("secretary", CheckIn{"nobody"});
  EXPECT_EQ(missing.code, ErrorCode::not_found);
  EXPECT_EQ(missing.field, "/participant");
  EXPECT_EQ(h.fail("stranger", CheckIn{}).code, ErrorCode::not_allowed);
}

TEST(CheckIn, AfterTheStartIsLateAndStillWorksWhilePaused) {
  TestHearing h;
  h.ok("chair", OpenCheckIn{});
  for (const char* v : {"V1", "V2", "V3", "V4", "V5", "V6"}) h.ok(v, CheckIn{});
  h.ok("chair", StartSession{});
  auto late = h.ok("Q1", CheckIn{});
  EXPECT_TRUE(std::get<ParticipantCheckedIn>(late.at(0).body).late);
  h.ok("chair", PauseSession{});
  auto paused = h.ok("Q2", CheckIn{});
  EXPECT_TRUE(std::get<ParticipantCheckedIn>(paused.at(0).body).late);
  h.ok("chair", ResumeSession{});
  h.ok("chair", Adjourn{});
  EXPECT_EQ(h.fail("Q3", CheckIn{}).code, ErrorCode::wrong_stage);
}

TEST(Lifecycle, PauseStopsTheClockAndRefusesAgendaWork) {
  TestHearing h;
  h.start();
  h.ok("chair", CallSlot{"S1"});
  h.ok("chair", BeginStage{"S1", Stage::reporting});
  const TimeMs started = h.now;
  h.now += 60'000;
  h.ok("chair", PauseSession{});
  const TimeMs paused = h.now;
  EXPECT_FALSE(h.state.slot("S1")->report.running());
  EXPECT_EQ(h.state.slot("S1")->report.used_ms, paused - started);
  EXPECT_EQ(h.fail("chair", BeginStage{"S1", Stage::questioning}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", CallSlot{"S2"}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", ResumeTimer{"S1", TimerKind::report}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", CreateBallot{"each", "S1"}).code, ErrorCode::wrong_stage);
  h.now += 600'000;  // a long break costs the presenter nothing
  h.ok("chair", ResumeSession{});
  EXPECT_EQ(h.state.slot("S1")->report.elapsed(h.now), paused - started);
  h.ok("chair", ResumeTimer{"S1", TimerKind::report});
  EXPECT_TRUE(h.state.slot("S1")->report.running());
}

TEST(Lifecycle, AdjournWaitsForOpenBallots) {
  TestHearing h;
  h.start();
  h.ok("chair", CreateBallot{"each", "S1"});
  h.ok("chair", OpenBallot{"B1"});
  EXPECT_EQ(h.fail("chair", Adjourn{}).code, ErrorCode::conflict);
  h.ok("chair", CloseBallot{"B1"});
  h.ok("chair", Adjourn{});
}

TEST(RevokeToken, RecordsTheParticipantButNotTheChairItself) {
  TestHearing h;
  h.ok("chair", RevokeToken{"V3"});
  EXPECT_TRUE(h.state.revoked.contains("V3"));
  EXPECT_EQ(h.fail("chair", RevokeToken{"chair"}).field, "/participant");
  EXPECT_EQ(h.fail("chair", RevokeToken{"nobody"}).code, ErrorCode::not_found);
  const Error refused = h.fail("secretary", RevokeToken{"V2"});
  EXPECT_EQ(refused.code, ErrorCode::not_allowed);
  EXPECT_EQ(refused.params, (ErrorParams{{"command", "revoke_token"}}));  // named for the client to translate
}

TEST(EventCount, CountsLoggedEventsOnly) {
  TestHearing h;
  h.start();
  const std::int64_t before = h.state.event_count;
  EXPECT_EQ(before, static_cast<std::int64_t>(h.log.size()));
  h.ok("chair", CreateBallot{"each", "S1"});
  h.ok("chair", OpenBallot{"B1"});
  auto cast = h.ok("V1", CastSheet{"B1", testing::marks_for({"S1"}, {"duty"}, "good"), testing::receipt(1)});
  ASSERT_EQ(cast.size(), 2u);  // who voted (logged) and what (secret); k = 3 so no refresh yet
  EXPECT_TRUE(is_secret(cast[1]));
  EXPECT_EQ(h.state.event_count, before + 3);
}

}  // namespace
}  // namespace dais::core

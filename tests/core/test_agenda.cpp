// The agenda: the current slot, stages, returns, reorder/skip/insert, and the report and Q&A timers.
#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace dais::core {
namespace {

using testing::TestHearing;

TEST(Timer, RemainingAndOverrunFollowTheTimeCarriedIn) {
  Timer t{480'000, 0, std::nullopt};
  EXPECT_EQ(t.remaining(5'000), 480'000);
  t.running_since = 1'000;
  EXPECT_EQ(t.elapsed(61'000), 60'000);
  EXPECT_EQ(t.remaining(61'000), 420'000);
  EXPECT_EQ(t.overrun(61'000), 0);
  EXPECT_EQ(t.remaining(491'000), -10'000);
  EXPECT_EQ(t.overrun(491'000), 10'000);
  EXPECT_EQ(t.elapsed(500), 0);  // a time before the start adds nothing
  Timer paused{480'000, 100'000, std::nullopt};
  EXPECT_EQ(paused.remaining(9'999'999), 380'000);
}

TEST(Agenda, AnOralSlotGoesThroughEveryStageWithItsTimers) {
  TestHearing h;
  h.start();
  h.ok("chair", CallSlot{"S1"});
  EXPECT_EQ(h.state.current_slot, "S1");
  h.ok("chair", BeginStage{"S1", Stage::reporting});
  const TimeMs report_start = h.now;
  EXPECT_EQ(h.state.slot("S1")->report.running_since, report_start);
  h.now += 500'000;  // 8 min limit: 20 s over
  h.ok("chair", BeginStage{"S1", Stage::questioning});
  const Slot& s1 = *h.state.slot("S1");
  EXPECT_FALSE(s1.report.running());
  EXPECT_EQ(s1.report.used_ms, h.now - report_start);
  EXPECT_EQ(s1.report.overrun(h.now), 21'000);
  EXPECT_EQ(s1.qa.running_since, h.now);
  const TimeMs qa_start = h.now;
  h.ok("chair", BeginStage{"S1", Stage::evaluating});
  EXPECT_FALSE(h.state.slot("S1")->qa.running());
  EXPECT_EQ(h.state.slot("S1")->qa.used_ms, h.now - qa_start);
  h.ok("chair", BeginStage{"S1", Stage::done});
  EXPECT_EQ(h.state.slot("S1")->stage, Stage::done);
}

TEST(Agenda, StagesMoveForwardOnlyAndWrittenSlotsSkipReporting) {
  TestHearing h;
  h.start();
  h.ok("chair", CallSlot{"S3"});  // every third slot is written
  const Error oral = h.fail("chair", BeginStage{"S3", Stage::reporting});
  EXPECT_EQ(oral.code, ErrorCode::wrong_stage);
  EXPECT_EQ(oral.field, "/stage");
  h.ok("chair", BeginStage{"S3", Stage::questioning});
  EXPECT_EQ(h.fail("chair", BeginStage{"S3", Stage::reporting}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", BeginStage{"S3", Stage::waiting}).code, ErrorCode::invalid);
  EXPECT_EQ(h.fail("chair", BeginStage{"S3", Stage::skipped}).code, ErrorCode::invalid);
  h.ok("chair", BeginStage{"S3", Stage::done});
  EXPECT_EQ(h.fail("chair", BeginStage{"S3", Stage::evaluating}).code, ErrorCode::wrong_stage);
  // Only the current slot moves.
  const Error other = h.fail("chair", BeginStage{"S1", Stage::reporting});
  EXPECT_EQ(other.code, ErrorCode::wrong_stage);
  EXPECT_EQ(other.field, "/slot");
  EXPECT_EQ(h.fail("chair", BeginStage{"S9", Stage::reporting}).code, ErrorCode::not_found);
}

TEST(Agenda, CallingAnotherSlotStopsTheClockAndAReturnStartsOver) {
  TestHearing h;
  h.start();
  h.to_questioning("S1");
  EXPECT_EQ(h.fail("chair", CallSlot{"S1"}).code, ErrorCode::conflict);
  h.ok("chair", BeginStage{"S1", Stage::done});
  h.ok("chair", CallSlot{"S2"});
  h.ok("chair", BeginStage{"S2", Stage::reporting});
  h.ok("chair", CallSlot{"S1"});  // a return to a finished presenter
  EXPECT_FALSE(h.state.slot("S2")->report.running());
  EXPECT_EQ(h.state.slot("S2")->stage, Stage::reporting);
  EXPECT_EQ(h.state.slot("S1")->stage, Stage::waiting);
  const std::int64_t used = h.state.slot("S1")->qa.used_ms;
  h.ok("chair", BeginStage{"S1", Stage::questioning});  // straight to questions on a return
  h.now += 10'000;
  EXPECT_EQ(h.state.slot("S1")->qa.elapsed(h.now), used + 10'000);
}

TEST(Agenda, TheSlotJustFinishedCanBeReturnedTo) {
  TestHearing h;
  h.start();
  h.to_questioning("S1");
  h.ok("chair", BeginStage{"S1", Stage::done});
  h.ok("chair", CallSlot{"S1"});
  EXPECT_EQ(h.state.slot("S1")->stage, Stage::waiting);
  EXPECT_EQ(h.state.current_slot, "S1");
}

TEST(Agenda, SkipReorderAndInsert) {
  TestHearing h;
  h.ok("chair", ReorderAgenda{{"S3", "S1", "S2"}});
  EXPECT_EQ(h.state.agenda.front().def.id, "S3");
  EXPECT_EQ(h.fail("chair", ReorderAgenda{{"S3", "S1"}}).field, "/order");
  EXPECT_EQ(h.fail("chair", ReorderAgenda{{"S3", "S1", "S1"}}).field, "/order");
  EXPECT_EQ(h.fail("chair", ReorderAgenda{{"S3", "S1", "S9"}}).field, "/order");

  h.state.def.participants.push_back(testing::person("P9", "新述职人", {Role::presenter}));
  h.state.index_participants();
  h.initial.def = h.state.def;
  h.initial.index_participants();
  h.ok("chair", InsertSlot{SlotDef{"S9", "P9", "新单位", ReportMode::oral, 300, 300}, 1});
  ASSERT_EQ(h.state.agenda.size(), 4u);
  EXPECT_EQ(h.state.agenda[1].def.id, "S9");
  EXPECT_EQ(h.state.agenda[1].report.limit_ms, 300'000);
  EXPECT_EQ(h.fail("chair", InsertSlot{SlotDef{"S9", "P9", "", ReportMode::oral, 300, 300}, 0}).field,
            "/slot/id");
  EXPECT_EQ(h.fail("chair", InsertSlot{SlotDef{"S10", "V1", "", ReportMode::oral, 300, 300}, 0}).field,
            "/slot/presenter");
  EXPECT_EQ(h.fail("chair", InsertSlot{SlotDef{"S10", "ghost", "", ReportMode::oral, 300, 300}, 0}).code,
            ErrorCode::not_found);
  EXPECT_EQ(h.fail("chair", InsertSlot{SlotDef{"S10", "P9", "", ReportMode::oral, 300, 300}, 5}).field,
            "/position");
  EXPECT_EQ(h.fail("chair", InsertSlot{SlotDef{"S10", "P9", "", ReportMode::oral, -1, 300}, 0}).field,
            "/slot/report_limit_s");

  h.ok("chair", SkipSlot{"S2"});
  EXPECT_EQ(h.state.slot("S2")->stage, Stage::skipped);
  EXPECT_EQ(h.fail("chair", SkipSlot{"S2"}).code, ErrorCode::wrong_stage);
  h.start();
  h.to_questioning("S1");
  EXPECT_EQ(h.fail("chair", SkipSlot{"S1"}).code, ErrorCode::wrong_stage);
  h.ok("chair", CallSlot{"S2"});  // a skipped presenter who arrives late is called back
  EXPECT_EQ(h.state.slot("S2")->stage, Stage::waiting);
  h.ok("chair", SkipSlot{"S2"});  // and skipped again: no longer current
  EXPECT_FALSE(h.state.current_slot.has_value());
}

TEST(Timers, PauseResumeExtendOnTheCurrentSlot) {
  TestHearing h;
  h.start();
  h.ok("chair", CallSlot{"S1"});
  EXPECT_EQ(h.fail("chair", PauseTimer{"S1", TimerKind::report}).code,
            ErrorCode::wrong_stage);  // not running
  h.ok("chair", BeginStage{"S1", Stage::reporting});
  const TimeMs start = h.now;
  h.now += 30'000;
  h.ok("chair", PauseTimer{"S1", TimerKind::report});
  EXPECT_EQ(h.state.slot("S1")->report.used_ms, h.now - start);
  const std::int64_t used = h.state.slot("S1")->report.used_ms;
  h.now += 100'000;
  EXPECT_EQ(h.state.slot("S1")->report.elapsed(h.now), used);
  EXPECT_EQ(h.fail("chair", ResumeTimer{"S1", TimerKind::qa}).code, ErrorCode::wrong_stage);
  h.ok("chair", ResumeTimer{"S1", TimerKind::report});
  EXPECT_EQ(h.fail("chair", ResumeTimer{"S1", TimerKind::report}).code, ErrorCode::conflict);
  h.ok("chair", ExtendTimer{"S1", TimerKind::report, 120});
  EXPECT_EQ(h.state.slot("S1")->report.limit_ms, 600'000);
  EXPECT_EQ(h.fail("chair", ExtendTimer{"S1", TimerKind::report, 0}).field, "/seconds");
  EXPECT_EQ(h.fail("chair", ExtendTimer{"S1", TimerKind::report, 7201}).field, "/seconds");
  EXPECT_EQ(h.fail("chair", PauseTimer{"S2", TimerKind::report}).code,
            ErrorCode::wrong_stage);  // not current
}

TEST(Agenda, NoSlotChangeWhileAnInquiryIsBeingAsked) {
  TestHearing h;
  h.start();
  h.ok("Q1", SubmitInquiry{"S1", "问题", std::nullopt});
  h.ok("chair", ApproveInquiry{"I1"});
  h.to_questioning("S1");
  h.ok("chair", AskInquiry{"I1"});
  EXPECT_EQ(h.fail("chair", CallSlot{"S2"}).code, ErrorCode::conflict);
  EXPECT_EQ(h.fail("chair", BeginStage{"S1", Stage::done}).code, ErrorCode::conflict);
  h.ok("secretary", AnswerInquiry{"I1", "已作答"});
  h.ok("chair", BeginStage{"S1", Stage::done});
}

// An inserted slot's id follows the one id rule of the definition: a slot id on the wire, in the log and in
// the exports is never one the definition file could not hold.
TEST(Agenda, AnInsertedSlotsIdFollowsTheDefinitionsIdRule) {
  TestHearing h;
  const std::string longest(32, 's');
  auto insert = [&](const std::string& id) {
    return InsertSlot{SlotDef{id, "P1", "新单位", ReportMode::oral, 300, 300}, 0};
  };
  for (const std::string& bad : {longest + "s", std::string(), std::string("s\0", 2), std::string("s/1"),
                                 std::string("s\t1"), std::string("=1+2"), std::string(" s1"),
                                 std::string("s1\r"), std::string("段1"), std::string("s.1")}) {
    SCOPED_TRACE(bad);
    const Error e = h.fail("chair", insert(bad));
    EXPECT_EQ(e.code, ErrorCode::invalid);
    EXPECT_EQ(e.field, "/slot/id");
    EXPECT_EQ(e.message, "must match the pattern ^[A-Za-z0-9_-]{1,32}$");
  }
  h.ok("chair", insert(longest));
  h.ok("chair", insert("S_9-b"));
  EXPECT_EQ(h.state.agenda[0].def.id, "S_9-b");
  EXPECT_EQ(h.state.agenda[1].def.id, longest);
}

}  // namespace
}  // namespace dais::core

// Agenda items that are not presenters: an opening remark (开幕讲话) and a break (休息). They run their one
// timer (waiting → reporting → done) and take no questions, no ballot, no place on a combined sheet.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <dais/schemas.hpp>

#include "core/schema.hpp"
#include "core/tally.hpp"
#include "core/view.hpp"
#include "fixtures.hpp"
#include "test_definition_fixture.hpp"

namespace dais::core {
namespace {

using testing::marks_for;
using testing::receipt;
using testing::TestHearing;

SlotDef remark(const SlotId& id, const std::string& title, std::int64_t limit_s) {
  SlotDef def;
  def.id = id;
  def.kind = SlotKind::remark;
  def.title = title;
  def.report_limit_s = limit_s;
  return def;
}

SlotDef recess(const SlotId& id, std::int64_t limit_s) {
  SlotDef def = remark(id, "休息", limit_s);
  def.kind = SlotKind::recess;
  return def;
}

// The fixture's three presenters with an opening remark before them and a break after the first.
HearingDefinition with_remarks() {
  HearingDefinition d = testing::make_definition();
  d.agenda.insert(d.agenda.begin(), remark("R0", "开幕讲话", 300));
  d.agenda.insert(d.agenda.begin() + 2, recess("B0", 600));
  return d;
}

TEST(AgendaKinds, ARemarkRunsItsTimerFromWaitingThroughReportingToDone) {
  TestHearing h(with_remarks());
  h.start();
  h.ok("chair", CallSlot{"R0"});
  h.ok("chair", BeginStage{"R0", Stage::reporting});
  const TimeMs started = h.now;
  const Slot& r0 = *h.state.slot("R0");
  EXPECT_EQ(r0.report.limit_ms, 300'000);
  EXPECT_EQ(r0.report.running_since, started);
  h.now += 299'000;
  EXPECT_EQ(h.state.slot("R0")->report.remaining(h.now), 1'000);
  h.ok("chair", PauseTimer{"R0", TimerKind::report});
  h.ok("chair", ResumeTimer{"R0", TimerKind::report});
  h.ok("chair", ExtendTimer{"R0", TimerKind::report, 60});
  h.ok("chair", BeginStage{"R0", Stage::done});
  EXPECT_EQ(h.state.slot("R0")->stage, Stage::done);
  EXPECT_FALSE(h.state.slot("R0")->report.running());
  // The next item is a presenter's, with every stage as before.
  h.to_questioning("S1");
  EXPECT_EQ(h.state.slot("S1")->stage, Stage::questioning);
}

TEST(AgendaKinds, ABreakHasNoQuestioningNoEvaluatingAndNoQaTimer) {
  TestHearing h(with_remarks());
  h.start();
  h.ok("chair", CallSlot{"B0"});
  for (Stage s : {Stage::questioning, Stage::evaluating}) {
    const Error e = h.fail("chair", BeginStage{"B0", s});
    EXPECT_EQ(e.code, ErrorCode::invalid);
    EXPECT_EQ(e.field, "/stage");
    EXPECT_NE(e.message.find("break"), std::string::npos) << e.message;
  }
  // Done only after its timer ran: waiting → done is not a step.
  EXPECT_EQ(h.fail("chair", BeginStage{"B0", Stage::done}).code, ErrorCode::wrong_stage);
  h.ok("chair", BeginStage{"B0", Stage::reporting});
  for (const Command& qa :
       {Command{PauseTimer{"B0", TimerKind::qa}}, Command{ResumeTimer{"B0", TimerKind::qa}},
        Command{ExtendTimer{"B0", TimerKind::qa, 60}}}) {
    const Error e = h.fail("chair", qa);
    EXPECT_EQ(e.code, ErrorCode::invalid);
    EXPECT_EQ(e.field, "/timer");
  }
  EXPECT_EQ(h.fail("chair", BeginStage{"B0", Stage::questioning}).code, ErrorCode::invalid);
  h.ok("chair", BeginStage{"B0", Stage::done});
}

TEST(AgendaKinds, InquiriesOnARemarkOrABreakAreRefusedNamingTheSlot) {
  TestHearing h(with_remarks());
  h.start();
  h.ok("chair", CallSlot{"R0"});
  h.ok("chair", BeginStage{"R0", Stage::reporting});
  for (const SlotId slot : {"R0", "B0"}) {
    const Error e = h.fail("Q1", SubmitInquiry{slot, "请问整改情况如何？", std::nullopt});
    EXPECT_EQ(e.code, ErrorCode::invalid);
    EXPECT_EQ(e.field, "/slot");
    EXPECT_NE(e.message.find("takes no inquiries"), std::string::npos) << e.message;
  }
  // A presenter's slot still takes them.
  h.ok("Q1", SubmitInquiry{"S1", "请问整改情况如何？", std::nullopt});
}

TEST(AgendaKinds, APerPresenterBallotOnARemarkIsRefusedAndTheCombinedSheetLeavesThemOut) {
  TestHearing h(with_remarks());
  const Error e = h.fail("chair", CreateBallot{"each", SlotId{"R0"}});
  EXPECT_EQ(e.code, ErrorCode::invalid);
  EXPECT_EQ(e.field, "/slot");
  EXPECT_NE(e.message.find("remark"), std::string::npos) << e.message;
  EXPECT_EQ(h.fail("chair", CreateBallot{"each_named", SlotId{"B0"}}).field, "/slot");

  h.ok("chair", CreateBallot{"combined", std::nullopt});
  const Ballot& combined = h.state.ballots.at("B1");
  EXPECT_EQ(combined.slots, (std::vector<SlotId>{"S1", "S2", "S3"}));

  h.start();
  h.ok("chair", OpenBallot{"B1"});
  // A sheet that marks the remark is refused at that mark.
  Marks marks = marks_for({"S1", "S2", "S3"}, {"overall"}, "satisfied");
  marks["R0"]["overall"] = {"satisfied"};
  const Error mark = h.fail("V1", CastSheet{"B1", marks, receipt(1)});
  EXPECT_EQ(mark.field, "/marks/R0");
  for (int v = 1; v <= 6; ++v) {
    h.ok("V" + std::to_string(v),
         CastSheet{"B1", marks_for({"S1", "S2", "S3"}, {"overall"}, "satisfied"), receipt(v)});
  }
  h.ok("chair", CloseBallot{"B1"});
  const BallotResult results = score(h.state, h.state.ballots.at("B1"), h.state.ballots.at("B1").tally);
  ASSERT_EQ(results.presenters.size(), 3u);
  for (const PresenterResult& p : results.presenters) {
    EXPECT_TRUE(p.slot == "S1" || p.slot == "S2" || p.slot == "S3") << p.slot;
    EXPECT_GE(p.rank, 1);
    EXPECT_LE(p.rank, 3);
  }
}

TEST(AgendaKinds, TheAgendaViewNamesTheKindAndTitleAndNoPresenter) {
  TestHearing h(with_remarks());
  const nlohmann::json agenda = section_view(h.state, Section::agenda, RoleSet{Role::chair});
  const nlohmann::json& slots = agenda.at("slots");
  ASSERT_EQ(slots.size(), 5u);
  EXPECT_EQ(slots[0].at("kind"), "remark");
  EXPECT_EQ(slots[0].at("title"), "开幕讲话");
  EXPECT_TRUE(slots[0].at("presenter").is_null());
  EXPECT_EQ(slots[0].at("report").at("limit_ms"), 300'000);
  EXPECT_EQ(slots[2].at("kind"), "break");
  EXPECT_EQ(slots[1].at("kind"), "presenter");
  EXPECT_EQ(slots[1].at("presenter").at("id"), "P1");
}

TEST(AgendaKinds, InsertSlotTakesARemarkOrABreakWithoutPresenterAndRefusesOneWithIt) {
  TestHearing h(with_remarks());
  h.start();
  h.ok("chair", InsertSlot{recess("BR1", 900), 3});
  EXPECT_EQ(h.state.agenda.at(3).def.kind, SlotKind::recess);
  SlotDef named = remark("R1", "区委书记讲话", 600);
  named.presenter = "P1";
  const Error e = h.fail("chair", InsertSlot{named, 0});
  EXPECT_EQ(e.code, ErrorCode::invalid);
  EXPECT_EQ(e.field, "/slot/presenter");
  SlotDef untitled = remark("R1", "", 600);
  EXPECT_EQ(h.fail("chair", InsertSlot{untitled, 0}).field, "/slot/title");
  // A presenter's slot still needs its presenter.
  SlotDef nobody = remark("S9", "新单位", 300);
  nobody.kind = SlotKind::presenter;
  EXPECT_EQ(h.fail("chair", InsertSlot{nobody, 0}).field, "/slot/presenter");
}

TEST(AgendaKinds, AHearingWithRemarksReplaysToTheSameStateAndRoundTripsThroughJson) {
  TestHearing h(with_remarks());
  h.start();
  h.ok("chair", CallSlot{"R0"});
  h.ok("chair", BeginStage{"R0", Stage::reporting});
  h.now += 120'000;
  h.ok("chair", BeginStage{"R0", Stage::done});
  h.ok("chair", InsertSlot{remark("R9", "讲话", 900), 5});
  h.to_questioning("S1");
  h.ok("chair", BeginStage{"S1", Stage::done});
  h.ok("chair", CallSlot{"B0"});
  h.ok("chair", BeginStage{"B0", Stage::reporting});
  const std::string live = state_to_json(h.state).dump();
  EXPECT_EQ(state_to_json(h.replay()).dump(), live);
  HearingState from_json = h.initial;
  for (const Event& e : h.log) {
    auto back = event_from_json(nlohmann::json::parse(to_json(e).dump()));
    ASSERT_TRUE(back) << back.error().message;
    apply(from_json, *back);
  }
  EXPECT_EQ(state_to_json(from_json).dump(), live);
  auto back = state_from_json(nlohmann::json::parse(live));
  ASSERT_TRUE(back) << back.error().message << " at " << back.error().field;
  EXPECT_EQ(*back, h.state);
  EXPECT_EQ(back->slot("R9")->def.kind, SlotKind::remark);
}

// ---- the definition and the schemas ----

nlohmann::json small_with(nlohmann::json slot) {
  nlohmann::json doc = test::small_definition();
  doc["agenda"].insert(doc["agenda"].begin(), std::move(slot));
  return doc;
}

TEST(AgendaKindsDefinition, ARemarkWithoutPresenterIsValidAndKeepsItsKind) {
  auto r = parse_definition(
      small_with({{"id", "r0"}, {"kind", "remark"}, {"title", "开幕讲话"}, {"report_limit_s", 300}}));
  ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
  EXPECT_EQ(r->agenda.at(0).kind, SlotKind::remark);
  EXPECT_EQ(r->agenda.at(0).report_limit_s, 300);
  EXPECT_EQ(r->agenda.at(1).kind, SlotKind::presenter);  // the default
  auto again = parse_definition(to_json(*r));
  ASSERT_TRUE(again.ok()) << again.error().field << ": " << again.error().message;
  EXPECT_EQ(*again, *r);
  EXPECT_TRUE(parse_definition(small_with({{"id", "b0"}, {"kind", "break"}, {"title", "休息"}})).ok());
}

TEST(AgendaKindsDefinition, APresenterSlotWithoutPresenterIsNot) {
  for (const nlohmann::json& slot :
       {nlohmann::json{{"id", "s0"}, {"title", "某局"}},
        nlohmann::json{{"id", "s0"}, {"kind", "presenter"}, {"title", "某局"}}}) {
    auto r = parse_definition(small_with(slot));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "/agenda/0/presenter");
  }
}

TEST(AgendaKindsDefinition, ARemarkNeedsItsTitleAndNamesNoPresenter) {
  auto untitled = parse_definition(small_with({{"id", "r0"}, {"kind", "remark"}}));
  ASSERT_FALSE(untitled.ok());
  EXPECT_EQ(untitled.error().field, "/agenda/0/title");
  auto named = parse_definition(
      small_with({{"id", "r0"}, {"kind", "remark"}, {"title", "讲话"}, {"presenter", "p1"}}));
  ASSERT_FALSE(named.ok());
  EXPECT_EQ(named.error().field, "/agenda/0/presenter");
  auto unknown = parse_definition(small_with({{"id", "r0"}, {"kind", "lunch"}, {"title", "午餐"}}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "/agenda/0/kind");
}

TEST(AgendaKindsDefinition, TheSampleSeedWithRemarksParses) {
  auto r = parse_definition(test::seed("sample-with-remarks.json"));
  ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
  int remarks = 0, breaks = 0;
  for (const SlotDef& s : r->agenda) {
    remarks += s.kind == SlotKind::remark ? 1 : 0;
    breaks += s.kind == SlotKind::recess ? 1 : 0;
  }
  EXPECT_EQ(remarks, 1);
  EXPECT_EQ(breaks, 1);
}

TEST(AgendaKindsSchema, IfThenElseChecksTheBranchTheConditionPicks) {
  auto schema = Schema::compile(nlohmann::json::parse(R"({
    "type": "object",
    "if": {"required": ["kind"], "properties": {"kind": {"const": "break"}}},
    "then": {"properties": {"presenter": false}},
    "else": {"required": ["presenter"]}
  })"));
  ASSERT_TRUE(schema.ok());
  EXPECT_FALSE(schema->validate({{"kind", "break"}}));
  EXPECT_EQ(schema->validate({{"kind", "break"}, {"presenter", "p1"}})->field, "/presenter");
  EXPECT_FALSE(schema->validate({{"presenter", "p1"}}));
  EXPECT_EQ(schema->validate(nlohmann::json::object())->field, "/presenter");
}

TEST(AgendaKindsSchema, InsertSlotTakesABreakWithoutPresenter) {
  auto schema =
      Schema::compile(nlohmann::json::parse(protocol::schema_files().at("insert_slot.schema.json")));
  ASSERT_TRUE(schema.ok());
  const nlohmann::json rest = {{"type", "insert_slot"}, {"id", "c1"}, {"position", 0}};
  nlohmann::json ok = rest;
  ok["slot"] = {{"id", "R1"}, {"kind", "break"}, {"title", "休息"}, {"report_limit_s", 600}};
  EXPECT_FALSE(schema->validate(ok));
  nlohmann::json named = ok;
  named["slot"]["presenter"] = "p1";
  EXPECT_EQ(schema->validate(named)->field, "/slot/presenter");
  nlohmann::json nobody = rest;
  nobody["slot"] = {{"id", "S9"}, {"title", "某局"}};
  EXPECT_EQ(schema->validate(nobody)->field, "/slot/presenter");
  auto decoded = command_from_json(ok);
  ASSERT_TRUE(decoded.ok()) << decoded.error().field << ": " << decoded.error().message;
  EXPECT_EQ(std::get<InsertSlot>(*decoded).slot.kind, SlotKind::recess);
}

}  // namespace
}  // namespace dais::core

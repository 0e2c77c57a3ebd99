// A whole hearing like Baodi's (February 2021): 2 district-level leaders and 13 heads of towns, streets and
// departments report to the district commission's plenary, answer questions, and are graded; the combined
// ballot at the end gives a published ranking. 20 questioners (commission members) and 60 more voters.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/tally.hpp"
#include "core/view.hpp"
#include "fixtures.hpp"

namespace dais::core {
namespace {

using nlohmann::json;
using testing::TestHearing;

constexpr int kPresenters = 15;
constexpr int kQuestioners = 20;
constexpr int kVoters = 60;
constexpr int kElectorate = kQuestioners + kVoters;  // 80

HearingDefinition baodi() {
  testing::FixtureOptions o;
  o.presenters = kPresenters;
  o.questioners = kQuestioners;
  o.voters = kVoters;
  o.k = 5;
  o.live_results = LiveResults::chair_and_display;
  HearingDefinition d = testing::make_definition(o);
  d.title = "宝坻区纪委全会述责述廉（模拟）";
  d.agenda[0].title = "区级领导（一）";
  d.agenda[1].title = "区级领导（二）";
  for (std::size_t i = 2; i < d.agenda.size(); ++i)
    d.agenda[i].title = "镇街部门负责人" + std::to_string(i - 1);
  return d;
}

std::string slot_id(int i) {
  return "S" + std::to_string(i);
}

std::vector<ParticipantId> electorate() {
  std::vector<ParticipantId> out;
  for (int i = 1; i <= kQuestioners; ++i) out.push_back("Q" + std::to_string(i));
  for (int i = 1; i <= kVoters; ++i) out.push_back("V" + std::to_string(i));
  return out;
}

// The combined sheet of voter j (0-based): for presenter i, the first 80 − 4i voters are satisfied, the last
// i unsatisfied, the rest basically satisfied. So satisfaction (满意 + 基本满意) falls with i, and 满意 has a
// majority of members exactly for i < 10.
Marks combined_sheet(int j) {
  Marks m;
  for (int i = 1; i <= kPresenters; ++i) {
    const GradeId g = j < kElectorate - 4 * i ? "satisfied" : j >= kElectorate - i ? "unsatisfied" : "basic";
    m[slot_id(i)]["overall"] = {g};
  }
  return m;
}

TEST(BaodiHearing, FromCheckInToAPublishedRanking) {
  TestHearing h(baodi());
  const std::vector<ParticipantId> voters = electorate();

  // Before the hearing: questions submitted in advance, one per presenter.
  h.ok("chair", OpenCheckIn{});
  for (int i = 1; i <= kPresenters; ++i) {
    h.ok("Q" + std::to_string(i),
         SubmitInquiry{slot_id(i), "请说明主体责任落实中的突出问题" + std::to_string(i), {}});
  }
  // Check-in: everyone but two voters, who come late.
  for (const Participant& p : h.state.def.participants) {
    if (p.id != "V59" && p.id != "V60") h.ok(p.id, CheckIn{});
  }
  const json hall = section_view(h.state, Section::attendance, RoleSet{Role::display});
  EXPECT_EQ(hall.at("expected"), kElectorate);
  EXPECT_EQ(hall.at("present"), kElectorate - 2);
  EXPECT_EQ(hall.at("quorum_met"), true);
  h.ok("chair", StartSession{});
  h.ok("V59", CheckIn{});
  h.ok("secretary", CheckIn{"V60"});
  EXPECT_EQ(h.state.present_voters(), kElectorate);

  // The chair lets the advance questions through; S7's presenter is absent and is skipped for now.
  for (int i = 1; i <= kPresenters; ++i) h.ok("chair", ApproveInquiry{"I" + std::to_string(i)});
  h.ok("chair", SkipSlot{"S7"});

  int answered = 0;
  auto present = [&](int i) {
    const SlotId s = slot_id(i);
    h.ok("chair", CallSlot{s});
    if (h.state.slot(s)->def.mode == ReportMode::oral) {
      h.ok("chair", BeginStage{s, Stage::reporting});
      h.now += (i == 2 ? 510 : 470) * 1000;  // the second leader runs 30 s over the 8 minutes
    }
    h.ok("chair", BeginStage{s, Stage::questioning});
    if (i == 2) {
      EXPECT_EQ(h.state.slot(s)->report.overrun(h.now), 31'000);
    }
    // A live question too, upvoted, and ordered first by the chair.
    h.ok("Q" + std::to_string(21 - i), SubmitInquiry{s, "现场质询：整改为何滞后？", {}});
    const InquiryId live = "I" + std::to_string(h.state.next_inquiry - 1);
    h.ok("chair", ApproveInquiry{live});
    h.ok("Q" + std::to_string(i), UpvoteInquiry{live});
    h.ok("chair", OrderInquiries{s, {live, "I" + std::to_string(i)}});
    for (InquiryId q : {live, "I" + std::to_string(i)}) {
      h.ok("chair", AskInquiry{q});
      h.now += 120'000;
      h.ok("secretary", AnswerInquiry{q, "述职人作出说明"});
      ++answered;
    }
    h.ok("secretary", RecordCommitment{live, "15个工作日内完成整改", "2021-03-01"});
    h.ok("chair", BeginStage{s, Stage::done});
  };

  for (int i = 1; i <= kPresenters; ++i) {
    if (i == 7) continue;
    present(i);
    if (i == 1) {
      // 连续发问、一追到底: a questioner follows up on the answered question, and the chair follows up too.
      h.ok("chair", CallSlot{"S1"});
      h.ok("chair", BeginStage{"S1", Stage::questioning});
      h.ok("Q5", SubmitInquiry{"S1", "追问：具体责任人是谁？", "I1"});
      const InquiryId follow = "I" + std::to_string(h.state.next_inquiry - 1);
      h.ok("chair", ApproveInquiry{follow});
      h.ok("chair", SubmitInquiry{"S1", "请明确完成时限", follow});
      const InquiryId chair_follow = "I" + std::to_string(h.state.next_inquiry - 1);
      for (const InquiryId& q : {follow, chair_follow}) {
        h.ok("chair", AskInquiry{q});
        h.ok("secretary", AnswerInquiry{q, "已明确"});
        ++answered;
      }
      h.ok("chair", BeginStage{"S1", Stage::done});
      // The first district-level leader is graded at once, on a per-presenter sheet.
      h.ok("chair", CreateBallot{"each", "S1"});
      h.ok("chair", OpenBallot{"B1"});
      for (std::size_t j = 0; j < voters.size(); ++j) {
        h.ok(voters[j], CastSheet{"B1", testing::marks_for({"S1"}, {"duty", "integrity"}, "good"),
                                  testing::receipt(static_cast<int>(j))});
      }
      h.ok("chair", CloseBallot{"B1"});
      h.ok("chair", PublishBallot{"B1"});
    }
  }
  // The absent presenter arrived: the chair returns to S7.
  present(7);
  EXPECT_EQ(answered, 2 * kPresenters + 2);

  // The combined end-of-hearing ballot, changeable until close; one voter first presses the wrong keys.
  h.ok("chair", CreateBallot{"combined", std::nullopt});
  const BallotId combined = h.state.ballot_order.back();
  EXPECT_EQ(h.state.ballots.at(combined).slots.size(), static_cast<std::size_t>(kPresenters));
  h.ok("chair", OpenBallot{combined});
  h.ok(voters.back(),
       CastSheet{combined, testing::marks_for({"S1"}, {"overall"}, "satisfied"), testing::receipt(999)});
  for (std::size_t j = 0; j < voters.size(); ++j) {
    const int code = j + 1 == voters.size() ? 999 : 1000 + static_cast<int>(j);
    h.ok(voters[j], CastSheet{combined, combined_sheet(static_cast<int>(j)), testing::receipt(code)});
  }
  // The hall display shows the k-anonymous live count, one step behind: 81 sheets and changes, the last step
  // at 80 showed the count held at 75.
  const json live = section_view(h.state, Section::tally, RoleSet{Role::display});
  ASSERT_EQ(live.at("ballots").size(), 1u);
  EXPECT_EQ(live.at("ballots").at(0).at("sheets"), kElectorate - h.state.def.settings.k_anonymity);
  h.ok("chair", CloseBallot{combined});
  h.ok("chair", PublishBallot{combined});

  // The published ranking: by satisfaction, S1 first, S15 last; 满意 for the first nine, then 基本满意.
  const json results = section_view(h.state, Section::results, RoleSet{Role::display});
  ASSERT_EQ(results.at("ballots").size(), 2u);
  const json first = results.at("ballots").at(0);
  EXPECT_EQ(first.at("presenters").at(0).at("verdict"), "好");
  EXPECT_EQ(first.at("presenters").at(0).at("points"), 100.0);
  const json ranking = results.at("ballots").at(1);
  EXPECT_EQ(ranking.at("turnout"), (json{{"expected", kElectorate},
                                         {"present", kElectorate},
                                         {"eligible", kElectorate},
                                         {"issued", kElectorate},
                                         {"voted", kElectorate},
                                         {"valid", kElectorate},
                                         {"invalid", 0}}));
  ASSERT_EQ(ranking.at("presenters").size(), static_cast<std::size_t>(kPresenters));
  for (int r = 0; r < kPresenters; ++r) {
    const json p = ranking.at("presenters").at(static_cast<std::size_t>(r));
    const int i = r + 1;
    EXPECT_EQ(p.at("slot"), slot_id(i));
    EXPECT_EQ(p.at("rank"), i);
    EXPECT_DOUBLE_EQ(p.at("satisfaction").get<double>(), static_cast<double>(kElectorate - i) / kElectorate);
    EXPECT_EQ(p.at("verdict"), i < 10 ? "满意" : "基本满意") << slot_id(i);
    EXPECT_EQ(p.at("dimensions").at(0).at("counts").at("satisfied"), kElectorate - 4 * i);
  }
  EXPECT_EQ(ranking.at("presenters").at(1).at("title"), "区级领导（二）");

  h.ok("chair", Adjourn{});
  // Everything the hearing was is in its events.
  EXPECT_EQ(state_to_json(h.replay()).dump(), state_to_json(h.state).dump());
  std::size_t commitments = 0;
  for (const auto& [id, q] : h.state.inquiries) commitments += q.commitments.size();
  EXPECT_EQ(commitments, static_cast<std::size_t>(kPresenters));
}

}  // namespace
}  // namespace dais::core

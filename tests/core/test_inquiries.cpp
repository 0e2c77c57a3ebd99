// Inquiries (质询): moderation, the queue, asking one at a time, follow-ups, answers, commitments, upvotes.
#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace dais::core {
namespace {

using testing::TestHearing;

TEST(Inquiries, SubmittedBeforeTheHearingWithDeterministicIds) {
  TestHearing h;  // still in draft
  auto events = h.ok("Q1", SubmitInquiry{"S1", "  请说明专项整治进展  ", std::nullopt});
  ASSERT_EQ(events.size(), 1u);
  const Inquiry& q = std::get<InquirySubmitted>(events[0].body).inquiry;
  EXPECT_EQ(q.id, "I1");
  EXPECT_EQ(q.author, "Q1");
  EXPECT_EQ(q.text, "请说明专项整治进展");  // trimmed
  EXPECT_EQ(q.status, InquiryStatus::submitted);
  EXPECT_EQ(q.submitted_at, h.now);
  h.ok("Q2", SubmitInquiry{"S2", "问题二", std::nullopt});
  EXPECT_TRUE(h.state.inquiries.contains("I2"));
  EXPECT_EQ(h.state.next_inquiry, 3);
}

TEST(Inquiries, TextIsOneToTwoThousandCharacters) {
  TestHearing h;
  EXPECT_EQ(h.fail("Q1", SubmitInquiry{"S1", "   ", std::nullopt}).field, "/text");
  std::string longest;
  for (int i = 0; i < 2000; ++i) longest += "问";  // 2000 characters, 6000 bytes
  h.ok("Q1", SubmitInquiry{"S1", longest, std::nullopt});
  EXPECT_EQ(h.fail("Q1", SubmitInquiry{"S1", longest + "问", std::nullopt}).field, "/text");
  EXPECT_EQ(h.fail("Q1", SubmitInquiry{"S9", "问", std::nullopt}).code, ErrorCode::not_found);
}

TEST(Inquiries, IdeographicSpacesAreTrimmedToo) {
  TestHearing h;
  EXPECT_EQ(h.fail("Q1", SubmitInquiry{"S1", "\xE3\x80\x80 \xE3\x80\x80", std::nullopt}).field, "/text");
  h.ok("Q1", SubmitInquiry{"S1", "\xE3\x80\x80\xE3\x80\x80请说明\xE3\x80\x80", std::nullopt});
  EXPECT_EQ(h.state.inquiries.at("I1").text, "请说明");
}

TEST(Inquiries, AtMostTwentyAwaitModerationPerAuthor) {
  TestHearing h;
  for (int i = 0; i < 20; ++i) h.ok("Q1", SubmitInquiry{"S1", "问题" + std::to_string(i), std::nullopt});
  EXPECT_EQ(h.fail("Q1", SubmitInquiry{"S1", "第21个", std::nullopt}).code, ErrorCode::conflict);
  h.ok("Q2", SubmitInquiry{"S1", "别人的问题", std::nullopt});  // others are not held up
  h.ok("chair", ApproveInquiry{"I1"});
  h.ok("Q1", SubmitInquiry{"S1", "第21个", std::nullopt});  // one was moderated: room again
}

// Submitting and withdrawing in a loop would grow the state (and every desk update) without end: what one
// questioner has submitted counts in every status.
TEST(Inquiries, AQuestionerSubmitsAtMostInquiriesPerAuthorWithdrawnOnesIncluded) {
  TestHearing h;
  ASSERT_EQ(h.state.def.settings.inquiries_per_author, 30);
  for (int i = 1; i <= 30; ++i) {
    SCOPED_TRACE(i);
    h.ok("Q1", SubmitInquiry{"S1", "问题" + std::to_string(i), std::nullopt});
    h.ok("Q1", WithdrawInquiry{"I" + std::to_string(i)});
  }
  const Error e = h.fail("Q1", SubmitInquiry{"S1", "第31个", std::nullopt});
  EXPECT_EQ(e.code, ErrorCode::conflict);
  EXPECT_EQ(e.message,
            "you have submitted 30 inquiries, the most one questioner may in this hearing (withdrawn and "
            "rejected ones count too)");
  h.ok("Q2", SubmitInquiry{"S1", "别人的问题", std::nullopt});  // others are not held up
}

TEST(Inquiries, TheBoundCountsEveryStatusAndFollowUpsButNotTheChair) {
  HearingDefinition def = testing::make_definition();
  def.settings.inquiries_per_author = 6;
  TestHearing h(def);
  h.start();
  for (int i = 1; i <= 5; ++i) h.ok("Q1", SubmitInquiry{"S1", "问题" + std::to_string(i), std::nullopt});
  h.ok("chair", ApproveInquiry{"I1"});
  h.ok("chair", RejectInquiry{"I2", "重复"});
  h.ok("Q1", WithdrawInquiry{"I3"});
  h.ok("chair", ApproveInquiry{"I4"});
  h.to_questioning("S1");
  h.ok("chair", AskInquiry{"I4"});
  h.ok("secretary", AnswerInquiry{"I4", "已整改"});
  // approved, rejected, withdrawn, answered, submitted: five so far; the sixth is a follow-up.
  h.ok("Q1", SubmitInquiry{"S1", "追问", "I4"});
  EXPECT_EQ(h.fail("Q1", SubmitInquiry{"S1", "第七个", std::nullopt}).code, ErrorCode::conflict);
  EXPECT_EQ(h.fail("Q1", SubmitInquiry{"S1", "再追问", "I4"}).code, ErrorCode::conflict);
  h.ok("Q1", WithdrawInquiry{"I1"});  // withdrawing makes no room
  EXPECT_EQ(h.fail("Q1", SubmitInquiry{"S1", "第七个", std::nullopt}).code, ErrorCode::conflict);
  // The chair follows up as the hearing goes, however many.
  for (int i = 0; i < 7; ++i) h.ok("chair", SubmitInquiry{"S1", "主持人追问" + std::to_string(i), "I4"});
  h.ok("Q2", SubmitInquiry{"S1", "别人的问题", std::nullopt});
}

TEST(Inquiries, ModerationAndTheQueue) {
  TestHearing h;
  for (int i = 0; i < 4; ++i) h.ok("Q1", SubmitInquiry{"S1", "问题" + std::to_string(i), std::nullopt});
  h.ok("chair", ApproveInquiry{"I1"});
  h.ok("chair", ApproveInquiry{"I3"});
  h.ok("chair", ApproveInquiry{"I2"});
  EXPECT_EQ(h.state.queue.at("S1"), (std::vector<InquiryId>{"I1", "I3", "I2"}));
  EXPECT_EQ(h.fail("chair", ApproveInquiry{"I1"}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("chair", RejectInquiry{"I4", "  "}).field, "/reason");
  h.ok("chair", RejectInquiry{"I4", "与议题无关"});
  EXPECT_EQ(h.state.inquiries.at("I4").status, InquiryStatus::rejected);
  EXPECT_EQ(h.state.inquiries.at("I4").reject_reason, "与议题无关");
  EXPECT_EQ(h.fail("chair", ApproveInquiry{"I4"}).code, ErrorCode::wrong_stage);
  h.ok("chair", OrderInquiries{"S1", {"I2", "I1", "I3"}});
  EXPECT_EQ(h.state.queue.at("S1"), (std::vector<InquiryId>{"I2", "I1", "I3"}));
  EXPECT_EQ(h.fail("chair", OrderInquiries{"S1", {"I2", "I1"}}).field, "/order");
  EXPECT_EQ(h.fail("chair", OrderInquiries{"S1", {"I2", "I1", "I4"}}).field, "/order");
  EXPECT_EQ(h.fail("chair", OrderInquiries{"S2", {"I1"}}).field, "/order");
  // Taking an approved question out of the queue again.
  h.ok("chair", RejectInquiry{"I1", "已合并到I2"});
  EXPECT_EQ(h.state.queue.at("S1"), (std::vector<InquiryId>{"I2", "I3"}));
  EXPECT_EQ(h.fail("chair", ApproveInquiry{"I99"}).code, ErrorCode::not_found);
}

TEST(Inquiries, WithdrawnByTheAuthorBeforeItIsAsked) {
  TestHearing h;
  h.start();
  h.ok("Q1", SubmitInquiry{"S1", "一", std::nullopt});
  h.ok("Q1", SubmitInquiry{"S1", "二", std::nullopt});
  h.ok("chair", ApproveInquiry{"I2"});
  EXPECT_EQ(h.fail("Q2", WithdrawInquiry{"I1"}).code, ErrorCode::not_allowed);
  h.ok("Q1", WithdrawInquiry{"I1"});
  h.ok("Q1", WithdrawInquiry{"I2"});
  EXPECT_FALSE(h.state.queue.contains("S1"));
  EXPECT_EQ(h.state.inquiries.at("I2").status, InquiryStatus::withdrawn);
  h.ok("Q1", SubmitInquiry{"S1", "三", std::nullopt});
  h.ok("chair", ApproveInquiry{"I3"});
  h.to_questioning("S1");
  h.ok("chair", AskInquiry{"I3"});
  EXPECT_EQ(h.fail("Q1", WithdrawInquiry{"I3"}).code, ErrorCode::wrong_stage);
}

TEST(Inquiries, OneAskedAtATimeWhileTheSlotIsQuestioning) {
  TestHearing h;
  h.start();
  h.ok("Q1", SubmitInquiry{"S1", "一", std::nullopt});
  h.ok("Q2", SubmitInquiry{"S1", "二", std::nullopt});
  h.ok("Q3", SubmitInquiry{"S2", "三", std::nullopt});
  for (const char* id : {"I1", "I2", "I3"}) h.ok("chair", ApproveInquiry{id});
  EXPECT_EQ(h.fail("chair", AskInquiry{"I1"}).code, ErrorCode::wrong_stage);  // S1 not current
  h.ok("chair", CallSlot{"S1"});
  h.ok("chair", BeginStage{"S1", Stage::reporting});
  EXPECT_EQ(h.fail("chair", AskInquiry{"I1"}).code, ErrorCode::wrong_stage);  // still reporting
  h.ok("chair", BeginStage{"S1", Stage::questioning});
  EXPECT_EQ(h.fail("chair", AskInquiry{"I3"}).code, ErrorCode::wrong_stage);  // another slot's
  h.ok("chair", AskInquiry{"I1"});
  EXPECT_EQ(h.state.asking, "I1");
  EXPECT_EQ(h.state.queue.at("S1"), (std::vector<InquiryId>{"I2"}));
  EXPECT_EQ(h.fail("chair", AskInquiry{"I2"}).code, ErrorCode::conflict);
  EXPECT_EQ(h.fail("secretary", AnswerInquiry{"I2", "x"}).code, ErrorCode::wrong_stage);
  h.ok("secretary", AnswerInquiry{"I1", "  将于三月底前完成整改  "});
  EXPECT_FALSE(h.state.asking.has_value());
  EXPECT_EQ(h.state.inquiries.at("I1").status, InquiryStatus::answered);
  EXPECT_EQ(h.state.inquiries.at("I1").answer_summary, "将于三月底前完成整改");
  h.ok("chair", AskInquiry{"I2"});
  h.ok("chair", AnswerInquiry{"I2", ""});  // the chair may record it too; the summary may follow later
}

TEST(Inquiries, FollowUpsHangUnderTheirParentInTheSameSlot) {
  TestHearing h;
  h.start();
  h.ok("Q1", SubmitInquiry{"S1", "一", std::nullopt});
  h.ok("Q1", SubmitInquiry{"S2", "二", std::nullopt});
  h.ok("chair", ApproveInquiry{"I1"});
  // A questioner follows up on what is being asked or was answered, not on the queue.
  EXPECT_EQ(h.fail("Q2", SubmitInquiry{"S1", "追问", "I1"}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("Q2", SubmitInquiry{"S1", "追问", "I9"}).code, ErrorCode::not_found);
  EXPECT_EQ(h.fail("Q2", SubmitInquiry{"S1", "追问", "I2"}).field, "/parent");  // parent is S2's
  h.to_questioning("S1");
  h.ok("chair", AskInquiry{"I1"});
  auto follow = h.ok("Q2", SubmitInquiry{"S1", "追问：具体时间？", "I1"});
  ASSERT_EQ(follow.size(), 1u);
  EXPECT_EQ(h.state.inquiries.at("I3").parent, "I1");
  EXPECT_EQ(h.state.inquiries.at("I3").status, InquiryStatus::submitted);
  // The chair's own follow-up needs no moderation: it joins the end of the queue at once.
  auto chair_follow = h.ok("chair", SubmitInquiry{"S1", "请再具体说明", "I1"});
  ASSERT_EQ(chair_follow.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<InquiryApproved>(chair_follow[1].body));
  EXPECT_EQ(h.state.inquiries.at("I4").status, InquiryStatus::approved);
  EXPECT_EQ(h.state.queue.at("S1").back(), "I4");
  // The chair submits no top-level questions of its own.
  EXPECT_EQ(h.fail("chair", SubmitInquiry{"S1", "主持人提问", std::nullopt}).code, ErrorCode::not_allowed);
}

TEST(Inquiries, CommitmentsOnAskedOrAnsweredInquiries) {
  TestHearing h;
  h.start();
  h.ok("Q1", SubmitInquiry{"S1", "一", std::nullopt});
  h.ok("chair", ApproveInquiry{"I1"});
  EXPECT_EQ(h.fail("secretary", RecordCommitment{"I1", "整改", "2021-03-31"}).code, ErrorCode::wrong_stage);
  h.to_questioning("S1");
  h.ok("chair", AskInquiry{"I1"});
  h.ok("secretary", RecordCommitment{"I1", "完成问题清单整改", "2021-03-31"});
  h.ok("secretary", AnswerInquiry{"I1", "作答"});
  h.ok("chair", RecordCommitment{"I1", "开展回头看", "2024-02-29"});
  ASSERT_EQ(h.state.inquiries.at("I1").commitments.size(), 2u);
  EXPECT_EQ(h.state.inquiries.at("I1").commitments[0], (Commitment{"完成问题清单整改", "2021-03-31"}));
  for (const char* bad :
       {"2021-02-30", "2023-02-29", "2021-13-01", "21-03-31", "2021/03/31", "2021-03-3x", ""}) {
    EXPECT_EQ(h.fail("secretary", RecordCommitment{"I1", "x", bad}).field, "/due") << bad;
  }
  EXPECT_EQ(h.fail("secretary", RecordCommitment{"I1", "", "2021-03-31"}).field, "/text");
}

TEST(Inquiries, UpvotesOnOthersOnceEach) {
  TestHearing h;
  h.ok("Q1", SubmitInquiry{"S1", "一", std::nullopt});
  EXPECT_EQ(h.fail("Q2", UpvoteInquiry{"I1"}).code, ErrorCode::wrong_stage);  // not yet approved
  h.ok("chair", ApproveInquiry{"I1"});
  h.ok("Q2", UpvoteInquiry{"I1"});
  h.ok("Q3", UpvoteInquiry{"I1"});
  EXPECT_EQ(h.state.inquiries.at("I1").upvoters, (std::set<ParticipantId>{"Q2", "Q3"}));
  EXPECT_EQ(h.fail("Q2", UpvoteInquiry{"I1"}).code, ErrorCode::conflict);
  EXPECT_EQ(h.fail("Q1", UpvoteInquiry{"I1"}).code, ErrorCode::invalid);
  EXPECT_EQ(h.fail("V1", UpvoteInquiry{"I1"}).code, ErrorCode::not_allowed);
}

TEST(Inquiries, NoneAfterAdjournmentOrForAFinishedSlot) {
  TestHearing h;
  h.start();
  h.to_questioning("S1");
  h.ok("chair", BeginStage{"S1", Stage::done});
  EXPECT_EQ(h.fail("Q1", SubmitInquiry{"S1", "迟到的问题", std::nullopt}).code, ErrorCode::wrong_stage);
  h.ok("chair", PauseSession{});
  h.ok("Q1", SubmitInquiry{"S2", "休会期间提交", std::nullopt});  // allowed while paused
  h.ok("chair", ApproveInquiry{"I1"});
  h.ok("chair", ResumeSession{});
  h.ok("chair", Adjourn{});
  EXPECT_EQ(h.fail("Q1", SubmitInquiry{"S2", "会后", std::nullopt}).code, ErrorCode::wrong_stage);
  EXPECT_EQ(h.fail("Q2", UpvoteInquiry{"I1"}).code, ErrorCode::wrong_stage);
}

}  // namespace
}  // namespace dais::core

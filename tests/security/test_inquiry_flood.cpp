// A questioner who submits a 2,000-character inquiry and withdraws it, again and again, within the rate
// limit: every inquiry stays in the hearing (withdrawn ones too) and in every update to the chair, so without
// a bound the chair's inquiries section, and each update carrying it, grew without end. Now what one
// questioner may submit is settings.inquiries_per_author (30 in the demo hearing), counted in every status,
// and past it the chair's section stops growing.
#include <gtest/gtest.h>

#include <string>

#include "net/harness.hpp"

namespace dais::test {
namespace {

std::string long_text() {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "问";  // the longest inquiry: 2,000 characters, 6,000 bytes
  return text;
}

std::size_t items_of(const json& view) {
  return view["inquiries"]["items"].size();
}

TEST(InquiryFlood, SubmitAndWithdrawInALoopStopsAtTheBoundAndTheChairsSectionStopsGrowing) {
  Hall hall;
  hall.start();
  const auto bound = static_cast<std::size_t>(hall.definition().settings.inquiries_per_author);
  ASSERT_EQ(bound, 30u);
  auto chair = hall.join("chair");
  auto questioner = hall.join("q01");
  const std::string text = long_text();

  std::size_t accepted = 0;
  std::size_t refused = 0;
  for (std::size_t round = 0; round < 2 * bound; ++round) {
    const json answer = questioner->request({{"type", "submit_inquiry"}, {"slot", "s01"}, {"text", text}});
    if (answer["type"] == "error") {
      EXPECT_EQ(answer["code"], "conflict") << answer.dump().substr(0, 300);
      ++refused;
      continue;
    }
    ASSERT_EQ(answer["type"], "ack") << answer.dump().substr(0, 300);
    ++accepted;
    const json withdrawn =
        questioner->request({{"type", "withdraw_inquiry"}, {"inquiry", answer["result"]["inquiry"]}});
    ASSERT_EQ(withdrawn["type"], "ack") << withdrawn.dump().substr(0, 300);
  }
  EXPECT_EQ(accepted, bound);  // the 30th is accepted, the 31st and every later one refused
  EXPECT_EQ(refused, bound);

  // The chair's section holds the 30, every one withdrawn, and nothing after them.
  const json full = chair->wait_view([&](const json& v) {
    if (items_of(v) != bound) return false;
    for (const json& q : v["inquiries"]["items"]) {
      if (q["status"] != "withdrawn") return false;
    }
    return true;
  });
  const std::size_t bytes = full["inquiries"].dump().size();
  EXPECT_LT(bytes, bound * 6200 + 8192);  // thirty texts and their fields, no more

  // Another round of the flood, then one change by the chair that the chair's update stream carries after it:
  // the inquiries section has not moved.
  for (std::size_t round = 0; round < bound; ++round) {
    const json answer = questioner->request({{"type", "submit_inquiry"}, {"slot", "s01"}, {"text", text}});
    EXPECT_EQ(answer["code"], "conflict");
  }
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  const json after = chair->view();
  EXPECT_EQ(after["hearing"]["phase"], "check_in");
  EXPECT_EQ(items_of(after), bound);
  EXPECT_EQ(after["inquiries"].dump().size(), bytes);

  // Others are not held up by one questioner's bound.
  const json other =
      hall.join("q02")->request({{"type", "submit_inquiry"}, {"slot", "s01"}, {"text", "请说明"}});
  EXPECT_EQ(other["type"], "ack") << other.dump().substr(0, 300);
}

}  // namespace
}  // namespace dais::test

// The records say how many sheets came on paper (纸质票): results.json's turnout and the minutes' counts, and
// nothing when none did.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../core/fixtures.hpp"
#include "net/exports.hpp"

namespace dais::net {
namespace {

using core::testing::marks_for;
using core::testing::receipt;
using core::testing::TestHearing;

core::Command entry(std::int64_t sheet, const core::GradeId& grade, int n) {
  return core::EnterPaperSheet{"B1", sheet, marks_for({"S1"}, {"duty", "integrity"}, grade), receipt(n)};
}

TEST(PaperExports, ResultsAndMinutesSayHowManySheetsCameOnPaper) {
  TestHearing h;
  h.start();
  h.ok("chair", core::CreateBallot{"each", "S1"});
  h.ok("chair", core::OpenBallot{"B1"});
  for (const char* voter : {"V1", "V2", "V3"}) h.ok("secretary", core::HandOutPaperSheet{"B1", voter});
  h.ok("chair", entry(1, "good", 1));
  h.ok("secretary", entry(1, "good", 2));
  h.ok("secretary", entry(2, "poor", 3));
  h.ok("chair", entry(2, "poor", 4));
  for (const char* voter : {"Q1", "Q2"})
    h.ok(voter, core::CastSheet{"B1", marks_for({"S1"}, {"duty", "integrity"}, "fair"), receipt(voter[1])});
  h.ok("chair", core::CloseBallot{"B1"});

  const auto results = nlohmann::json::parse(results_json(h.state));
  const auto& turnout = results.at("ballots").at(0).at("turnout");
  EXPECT_EQ(turnout.at("voted"), 4);  // V3 kept the paper sheet: it never came back
  EXPECT_EQ(turnout.at("paper"), 2);
  const std::string minutes =
      minutes_html(h.state, core::RoleSet{core::Role::chair}, std::string(64, 'a'), h.now);
  EXPECT_NE(minutes.find("，收回 4（其中纸质票 2 张），有效 "), std::string::npos);
}

TEST(PaperExports, NoPaperNoWord) {
  TestHearing h;
  h.start();
  h.ok("chair", core::CreateBallot{"each", "S1"});
  h.ok("chair", core::OpenBallot{"B1"});
  for (const char* voter : {"Q1", "Q2", "Q3"})
    h.ok(voter, core::CastSheet{"B1", marks_for({"S1"}, {"duty", "integrity"}, "fair"), receipt(voter[1])});
  h.ok("chair", core::CloseBallot{"B1"});
  const auto results = nlohmann::json::parse(results_json(h.state));
  EXPECT_FALSE(results.at("ballots").at(0).at("turnout").contains("paper"));
  const std::string minutes =
      minutes_html(h.state, core::RoleSet{core::Role::chair}, std::string(64, 'a'), h.now);
  EXPECT_EQ(minutes.find("纸质票"), std::string::npos);
}

}  // namespace
}  // namespace dais::net

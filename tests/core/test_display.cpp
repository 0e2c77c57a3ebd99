// The hall's big screen under the chair's control: set_display changes what every view's hearing section says
// the screen shows; bad input is refused by field and changes nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/view.hpp"
#include "fixtures.hpp"

namespace dais::core {
namespace {

using nlohmann::json;
using testing::TestHearing;

json shown(const TestHearing& h, Role role) {
  return section_view(h.state, Section::hearing, RoleSet{role}).at("display");
}

TEST(Display, FollowsTheHearingUntilTheChairChooses) {
  TestHearing h;
  EXPECT_EQ(shown(h, Role::display), json::parse(R"({"mode":"auto","message":""})"));
  h.ok("chair", SetDisplay{DisplayMode::results, std::nullopt});
  EXPECT_EQ(shown(h, Role::display).at("mode"), "results");
  EXPECT_EQ(shown(h, Role::voter).at("mode"), "results");  // the hall sees what the screen shows
  h.ok("chair", SetDisplay{DisplayMode::automatic, std::nullopt});
  EXPECT_EQ(shown(h, Role::display).at("mode"), "auto");
}

TEST(Display, AMessageIsTrimmedAndShown) {
  TestHearing h;
  const auto events = h.ok("chair", SetDisplay{DisplayMode::message, "　休会十分钟，14:40继续 "});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(sections_touched(events[0].body), mask_of(Section::hearing));
  EXPECT_EQ(shown(h, Role::display), json::parse(R"({"mode":"message","message":"休会十分钟，14:40继续"})"));
  // Another message replaces it; leaving the message mode clears it.
  h.ok("chair", SetDisplay{DisplayMode::message, "会议结束"});
  EXPECT_EQ(shown(h, Role::display).at("message"), "会议结束");
  h.ok("chair", SetDisplay{DisplayMode::blank, std::nullopt});
  EXPECT_EQ(shown(h, Role::display), json::parse(R"({"mode":"blank","message":""})"));
}

TEST(Display, BadInputIsRefusedByField) {
  TestHearing h;
  Error e = h.fail("chair", SetDisplay{DisplayMode::message, std::nullopt});
  EXPECT_EQ(e.code, ErrorCode::invalid);
  EXPECT_EQ(e.field, "/message");
  e = h.fail("chair", SetDisplay{DisplayMode::message, "   "});
  EXPECT_EQ(e.field, "/message");
  e = h.fail("chair", SetDisplay{DisplayMode::message, std::string(201, 'x')});
  EXPECT_EQ(e.field, "/message");
  e = h.fail("chair", SetDisplay{DisplayMode::tally, "这段文字不该出现"});
  EXPECT_EQ(e.code, ErrorCode::invalid);
  EXPECT_EQ(e.field, "/message");
  // Choosing what the screen already shows is a conflict, not a new event in the log.
  e = h.fail("chair", SetDisplay{DisplayMode::automatic, std::nullopt});
  EXPECT_EQ(e.code, ErrorCode::conflict);
}

TEST(Display, AChoiceSurvivesReplayAndTheSnapshot) {
  TestHearing h;
  h.start();
  h.ok("chair", SetDisplay{DisplayMode::message, "请各位委员就座"});
  h.ok("chair", PauseSession{});
  EXPECT_EQ(h.replay(), h.state);
  auto back = state_from_json(state_to_json(h.state, true));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->display, h.state.display);
  // A snapshot written before the screen had modes reads as the automatic one.
  json old = state_to_json(h.state, true);
  old.erase("display");
  auto legacy = state_from_json(old);
  ASSERT_TRUE(legacy) << legacy.error().message;
  EXPECT_EQ(legacy->display, Display{});
}

}  // namespace
}  // namespace dais::core

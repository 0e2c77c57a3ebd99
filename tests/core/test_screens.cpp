// The table of what each role's screen shows (protocol/screens.json): read from the compiled-in file, rows
// add up over roles, and a part left out of a row is left out of the section.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/screens.hpp"
#include "fixtures.hpp"

namespace dais::core {
namespace {

using nlohmann::json;
using testing::TestHearing;

SectionMask all_sections() {
  SectionMask m = 0;
  for (Section s : kAllSections) m |= mask_of(s);
  return m;
}

TEST(Screens, TheCountingScreensShowEverySectionAndTheVoterSheetNoCount) {
  for (Role r : {Role::chair, Role::secretary, Role::display})
    EXPECT_EQ(Screen(RoleSet{r}).sections(), all_sections());
  const Screen voter(RoleSet{Role::voter});
  EXPECT_TRUE(voter.shows(Section::hearing));
  EXPECT_TRUE(voter.shows(Section::agenda));
  EXPECT_TRUE(voter.shows(Section::ballots));
  for (Section s : {Section::attendance, Section::inquiries, Section::tally, Section::results})
    EXPECT_FALSE(voter.shows(s)) << to_string(s);
  EXPECT_EQ(Screen(RoleSet{}).sections(), 0u);
}

TEST(Screens, RolesAddUp) {
  const Screen both(RoleSet{Role::questioner, Role::voter});
  EXPECT_EQ(both.sections(),
            Screen(RoleSet{Role::questioner}).sections() | Screen(RoleSet{Role::voter}).sections());
  EXPECT_TRUE(both.shows(Section::inquiries));
  // A voter who also scrutinises sees the counts the scrutineer's screen shows.
  EXPECT_TRUE(Screen(RoleSet{Role::voter, Role::scrutineer}).shows(Section::tally));
}

TEST(Screens, TheVoterSheetGetsTheBallotsWithoutTheirCounts) {
  TestHearing h;
  h.start();
  h.ok("chair", CreateBallot{"each", "S1"});
  const RoleSet voter{Role::voter};
  const json full = section_view(h.state, Section::ballots, voter);
  const json shown = screen_view(h.state, Section::ballots, voter, Screen(voter));
  ASSERT_TRUE(full.at("items").at(0).contains("turnout"));
  EXPECT_FALSE(shown.at("items").at(0).contains("turnout"));
  json without = full;
  without["items"][0].erase("turnout");
  EXPECT_EQ(shown, without);  // nothing else is taken away
  const RoleSet display{Role::display};
  EXPECT_EQ(screen_view(h.state, Section::ballots, display, Screen(display)),
            section_view(h.state, Section::ballots, display));
  EXPECT_TRUE(screen_view(h.state, Section::tally, voter, Screen(voter)).is_null());
}

}  // namespace
}  // namespace dais::core

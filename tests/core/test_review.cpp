// A review hearing (回头看): a presenter's slot carries the commitments under review, bounded and checked
// with the field named; the agenda section carries the current slot's, and only the screens that question or
// show the hall receive them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/definition.hpp"
#include "core/screens.hpp"
#include "core/view.hpp"
#include "fixtures.hpp"
#include "test_definition_fixture.hpp"

namespace dais::core {
namespace {

using nlohmann::json;
using test::small_definition;
using ::testing::HasSubstr;
using testing::TestHearing;

json item(const std::string& text = "一个月内完成河道清淤", const std::string& status = "open") {
  return {{"from", "2025年述责述廉会 · 2025-02-20"},
          {"text", text},
          {"due", "2025-03-20"},
          {"status", status},
          {"progress", "已完成一半"}};
}

json with_review(json review, std::size_t slot = 1) {
  json doc = small_definition();
  doc["agenda"][slot]["review"] = std::move(review);
  return doc;
}

void expect_rejected(const json& doc, const std::string& field, const std::string& why) {
  auto r = parse_definition(doc);
  ASSERT_FALSE(r.ok()) << "accepted, expected an error at " << field;
  EXPECT_EQ(r.error().field, field) << r.error().message;
  EXPECT_THAT(r.error().message, HasSubstr(why));
}

std::string chars(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += "承";
  return s;
}

TEST(Review, ParsesAndRoundTrips) {
  json review = json::array({item(), item("建立长效机制", "overdue")});
  review[1]["progress"] = "";
  auto def = parse_definition(with_review(review));
  ASSERT_TRUE(def.ok()) << def.error().field << " " << def.error().message;
  ASSERT_EQ(def->agenda[1].review.size(), 2u);
  EXPECT_EQ(def->agenda[1].review[1],
            (ReviewItem{"2025年述责述廉会 · 2025-02-20", "建立长效机制", "2025-03-20", "overdue", ""}));
  EXPECT_TRUE(def->agenda[0].review.empty());
  const json out = to_json(*def);
  EXPECT_EQ(out["agenda"][1]["review"], review);
  EXPECT_FALSE(out["agenda"][0].contains("review"));  // written only when there is one
  EXPECT_EQ(parse_definition(out).value(), *def);
}

TEST(Review, ProgressMayBeLeftOut) {
  json one = item();
  one.erase("progress");
  auto def = parse_definition(with_review(json::array({one})));
  ASSERT_TRUE(def.ok()) << def.error().message;
  EXPECT_EQ(def->agenda[1].review[0].progress, "");
}

TEST(Review, ItemsPerSlotAtTheBoundary) {
  json review = json::array();
  for (std::size_t i = 0; i < kMaxReviewItems; ++i) review.push_back(item());
  EXPECT_TRUE(parse_definition(with_review(review)).ok());
  review.push_back(item());
  expect_rejected(with_review(review), "/agenda/1/review", "at most 20");
}

TEST(Review, LengthsAtTheBoundaryInCharacters) {
  const struct {
    const char* key;
    std::size_t max;
  } fields[] = {
      {"from", kMaxReviewFromChars}, {"text", kMaxReviewTextChars}, {"progress", kMaxReviewProgressChars}};
  for (const auto& f : fields) {
    json at_max = item();
    at_max[f.key] = chars(f.max);
    EXPECT_TRUE(parse_definition(with_review(json::array({item(), at_max}))).ok()) << f.key;
    json over = item();
    over[f.key] = chars(f.max + 1);
    expect_rejected(with_review(json::array({item(), over})), std::string("/agenda/1/review/1/") + f.key,
                    "at most " + std::to_string(f.max) + " characters");
  }
}

TEST(Review, TextAndFromAreRequiredAndNotBlank) {
  json blank = item();
  blank["text"] = "  ";
  expect_rejected(with_review(json::array({blank})), "/agenda/1/review/0/text", "must not be empty");
  json nameless = item();
  nameless["from"] = "";
  expect_rejected(with_review(json::array({nameless})), "/agenda/1/review/0/from", "must not be empty");
  json missing = item();
  missing.erase("due");
  EXPECT_FALSE(parse_definition(with_review(json::array({missing}))).ok());
}

TEST(Review, DueIsARealDateAndStatusAKnownOne) {
  json feb30 = item();
  feb30["due"] = "2025-02-30";
  expect_rejected(with_review(json::array({item(), item(), item(), feb30})), "/agenda/1/review/3/due",
                  "a real date");
  json loose = item();
  loose["due"] = "2025-3-1";
  expect_rejected(with_review(json::array({loose})), "/agenda/1/review/0/due", "");
  json unknown = item();
  unknown["status"] = "finished";
  expect_rejected(with_review(json::array({unknown})), "/agenda/1/review/0/status", "");
}

TEST(Review, OnlyAPresentersSlotHasOne) {
  json doc = small_definition();
  doc["agenda"].push_back(
      {{"id", "brk"}, {"kind", "break"}, {"title", "休息"}, {"review", json::array({item()})}});
  expect_rejected(doc, "/agenda/2/review", "a break has no review");
}

// The fixture's hearing with commitments under review on its first slot.
TestHearing reviewed_hearing() {
  HearingDefinition def = testing::make_definition();
  def.agenda[0].review = {ReviewItem{"上次全会 · 2025-02-20", "整改河道", "2025-03-20", "overdue", "已清淤"}};
  return TestHearing(def);
}

TEST(Review, TheAgendaCarriesTheCurrentSlotsReviewOnly) {
  TestHearing h = reviewed_hearing();
  h.start();
  const RoleSet chair{Role::chair};
  EXPECT_FALSE(section_view(h.state, Section::agenda, chair).contains("review"));  // nobody called yet
  h.ok("chair", CallSlot{"S1"});
  const json agenda = section_view(h.state, Section::agenda, chair);
  EXPECT_EQ(agenda.at("review"), review_json(h.state.def.agenda[0].review));
  for (const json& slot : agenda.at("slots")) EXPECT_FALSE(slot.contains("review"));
  h.ok("chair", SkipSlot{"S1"});
  h.ok("chair", CallSlot{"S2"});
  EXPECT_FALSE(section_view(h.state, Section::agenda, chair).contains("review"));
}

TEST(Review, TheQuestionersTheChairAndTheHallGetItAVoterDoesNot) {
  TestHearing h = reviewed_hearing();
  h.start();
  h.ok("chair", CallSlot{"S1"});
  for (Role r : kAllRoles) {
    const RoleSet roles{r};
    const json shown = screen_view(h.state, Section::agenda, roles, Screen(roles));
    const bool sees = r == Role::chair || r == Role::secretary || r == Role::display || r == Role::questioner;
    EXPECT_EQ(shown.contains("review"), sees) << to_string(r);
    json without = section_view(h.state, Section::agenda, roles);
    if (!sees) without.erase("review");
    EXPECT_EQ(shown, without) << to_string(r);  // nothing else is taken away
  }
  const RoleSet both{Role::questioner, Role::voter};
  EXPECT_TRUE(screen_view(h.state, Section::agenda, both, Screen(both)).contains("review"));
}

}  // namespace
}  // namespace dais::core

// Code cards (随机测评码): the definition's rules for a card and for the mode, and a hearing whose voters are
// cards — quorum and turnout count cards, a card checks itself in and votes, persons check in at the desk.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/definition.hpp"
#include "core/view.hpp"
#include "fixtures.hpp"
#include "test_definition_fixture.hpp"

namespace dais::core {
namespace {

using nlohmann::json;
using testing::FixtureOptions;
using ::testing::HasSubstr;
using testing::TestHearing;

// small_definition with code cards on: the persons v1 and v2 keep their groups and lose the voter role, and
// each of their groups gets one card.
json with_cards() {
  json d = test::small_definition();
  d["settings"]["code_cards"] = true;
  d["participants"][3]["roles"] = {"questioner"};
  d["participants"][4]["roles"] = json::array();  // attends: checks in at the desk and is handed a card
  d["participants"].push_back(
      {{"id", "c7Qx2"}, {"name", "测评码"}, {"groups", {"g1"}}, {"roles", {"voter"}}, {"card", true}});
  d["participants"].push_back(
      {{"id", "k9Pz4"}, {"name", "测评码"}, {"groups", {"g2"}}, {"roles", {"voter"}}, {"card", true}});
  return d;
}

void expect_rejected(const json& doc, const std::string& field, const std::string& why) {
  auto r = parse_definition(doc);
  ASSERT_FALSE(r.ok()) << "accepted, expected an error at " << field;
  EXPECT_EQ(r.error().code, ErrorCode::invalid);
  EXPECT_EQ(r.error().field, field) << r.error().message;
  EXPECT_THAT(r.error().message, HasSubstr(why));
}

TEST(CodeCardDefinition, CardsAndTheSettingRoundTripAndAreWrittenOnlyWhenSet) {
  auto r = parse_definition(with_cards());
  ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
  EXPECT_TRUE(r->settings.code_cards);
  EXPECT_TRUE(r->participants.at(5).card);
  EXPECT_FALSE(r->participants.at(3).card);
  const json out = to_json(*r);
  EXPECT_EQ(out["settings"]["code_cards"], true);
  EXPECT_EQ(out["participants"][5]["card"], true);
  EXPECT_FALSE(out["participants"][3].contains("card"));
  EXPECT_EQ(parse_definition(out).value(), *r);

  const json plain = to_json(parse_definition(test::small_definition()).value());
  EXPECT_FALSE(plain["settings"].contains("code_cards"));
  for (const json& p : plain["participants"]) EXPECT_FALSE(p.contains("card"));
}

TEST(CodeCardDefinition, ACardNeedsTheSetting) {
  json d = with_cards();
  d["settings"].erase("code_cards");
  d["participants"][4]["roles"] = {"secretary"};
  // The persons hold no voter role here, so the first refusal is the first card's.
  expect_rejected(d, "/participants/5/card", "needs settings.code_cards");
  d["settings"]["code_cards"] = false;
  expect_rejected(d, "/participants/5/card", "needs settings.code_cards");
}

TEST(CodeCardDefinition, WithTheSettingNoPersonVotes) {
  json d = with_cards();
  d["participants"][4]["roles"] = {"secretary", "voter"};
  expect_rejected(d, "/participants/4/roles", "the voter role belongs to the cards");
  // A person of a voter group without the voter role is an attendee: accepted (with_cards itself).
  EXPECT_TRUE(parse_definition(with_cards()).ok());
}

TEST(CodeCardDefinition, OnlyWithTheSettingMayAPersonHoldNoRole) {
  json d = with_cards();
  ASSERT_TRUE(parse_definition(d).ok());
  d["settings"]["code_cards"] = false;
  for (json& p : d["participants"]) p.erase("card");
  expect_rejected(d, "/participants/4/roles", "needs at least one role");
  d = test::small_definition();
  d["participants"][0]["roles"] = json::array();
  expect_rejected(d, "/participants/0/roles", "needs at least one role");
}

TEST(CodeCardDefinition, ACardIsAVoterOfExactlyOneVoterGroupAndNamesNoPost) {
  json d = with_cards();
  d["participants"][5]["roles"] = {"voter", "questioner"};
  expect_rejected(d, "/participants/5/roles", "the voter role and no other");
  d["participants"][5]["roles"] = {"questioner"};
  expect_rejected(d, "/participants/5/roles", "the voter role and no other");
  d = with_cards();
  d["participants"][5]["groups"] = json::array();
  expect_rejected(d, "/participants/5/groups", "exactly one voter group");
  d["participants"][5].erase("groups");
  expect_rejected(d, "/participants/5/groups", "exactly one voter group");
  d["participants"][5]["groups"] = {"g1", "g2"};
  expect_rejected(d, "/participants/5/groups", "exactly one voter group");
  d["participants"][5]["groups"] = {"nogroup"};
  expect_rejected(d, "/participants/5/groups/0", "is not a voter group");
  d = with_cards();
  d["participants"][5]["post"] = "某局局长";
  expect_rejected(d, "/participants/5/post", "names no post");
  d["participants"][5]["post"] = "";
  EXPECT_TRUE(parse_definition(d).ok());
}

TEST(CodeCardDefinition, TheFlagIsABoolean) {
  json d = with_cards();
  d["participants"][5]["card"] = "yes";
  auto r = parse_definition(d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "/participants/5/card");
}

// The fixture's hearing with code cards: Q1..Q3 and V1..V6 keep their groups as questioners or attendees,
// and five cards vote: three of the members, one of the deputies, one of the citizens.
HearingDefinition card_hearing() {
  FixtureOptions o;
  o.k = 1;
  HearingDefinition d = testing::make_definition(o);
  d.settings.code_cards = true;
  for (Participant& p : d.participants) {
    if (!p.roles.has(Role::voter)) continue;
    RoleSet kept;
    if (p.roles.has(Role::questioner)) kept.add(Role::questioner);
    p.roles = kept;
  }
  const std::vector<std::pair<std::string, GroupId>> cards = {{"aQ3z", "members"},
                                                              {"Zk81", "members"},
                                                              {"m-0_", "members"},
                                                              {"T7yw", "deputies"},
                                                              {"pp2R", "citizens"}};
  for (const auto& [id, group] : cards)
    d.participants.push_back({id, "测评码", "", {group}, {Role::voter}, true});
  return d;
}

TEST(CodeCardHearing, QuorumCountsCardsAndTheDeskChecksInPersonsOnly) {
  const HearingDefinition def = card_hearing();
  auto parsed = parse_definition(to_json(def));  // the fixture is itself a valid definition
  ASSERT_TRUE(parsed.ok()) << parsed.error().field << ": " << parsed.error().message;
  TestHearing h(def);
  h.ok("chair", OpenCheckIn{});
  EXPECT_EQ(h.state.expected_voters(), 5);
  h.ok("secretary", CheckIn{"Q1"});  // persons, at the desk: present, but no voters
  h.ok("secretary", CheckIn{"V1"});
  EXPECT_EQ(h.state.present_voters(), 0);
  const Error desk = h.fail("secretary", CheckIn{"aQ3z"});
  EXPECT_EQ(desk.code, ErrorCode::not_allowed);
  EXPECT_EQ(desk.field, "/participant");
  EXPECT_EQ(h.fail("chair", CheckIn{"aQ3z"}).code, ErrorCode::not_allowed);
  for (const char* card : {"aQ3z", "Zk81", "T7yw"}) h.ok(card, CheckIn{});
  EXPECT_EQ(h.state.present_voters(), 3);
  EXPECT_FALSE(h.state.quorum_met());  // 3 of 5 < 2/3
  EXPECT_EQ(h.fail("chair", StartSession{}).code, ErrorCode::no_quorum);
  h.ok("pp2R", CheckIn{});
  EXPECT_TRUE(h.state.quorum_met());
  h.ok("chair", StartSession{});
}

TEST(CodeCardHearing, TheDeskSeesWhichEntriesAreCardsAndCountsThemPerGroup) {
  TestHearing h(card_hearing());
  h.ok("chair", OpenCheckIn{});
  h.ok("T7yw", CheckIn{});
  const json desk = section_view(h.state, Section::attendance, RoleSet{Role::secretary});
  int cards = 0;
  for (const json& p : desk["participants"]) {
    const bool card = p.value("card", false);
    cards += card ? 1 : 0;
    EXPECT_EQ(card, h.state.participant(p["id"].get<std::string>())->card) << p.dump();
  }
  EXPECT_EQ(cards, 5);
  // 应到 per group counts the group's cards; 实到 the cards opened.
  std::map<std::string, std::pair<json, json>> groups;
  for (const json& g : desk["groups"]) groups[g["id"]] = {g["expected"], g["present"]};
  EXPECT_EQ(groups["members"], std::make_pair(json(3), json(0)));
  EXPECT_EQ(groups["deputies"], std::make_pair(json(1), json(1)));
  EXPECT_FALSE(section_view(h.state, Section::attendance, RoleSet{Role::display}).contains("participants"));
}

TEST(CodeCardHearing, ACardVotesAndAPersonDoesNot) {
  TestHearing h(card_hearing());
  h.ok("chair", OpenCheckIn{});
  for (const char* card : {"aQ3z", "Zk81", "m-0_", "T7yw"}) h.ok(card, CheckIn{});
  h.ok("secretary", CheckIn{"Q1"});
  h.ok("chair", StartSession{});
  h.ok("chair", CreateBallot{"each", "S1"});
  const BallotId b = h.state.ballot_order.back();
  h.ok("chair", OpenBallot{b});
  const Marks marks = testing::marks_for({"S1"}, {"duty", "integrity"}, "good");
  h.ok("T7yw", CastSheet{b, marks, testing::receipt(1)});
  EXPECT_EQ(h.fail("Q1", CastSheet{b, marks, testing::receipt(2)}).code, ErrorCode::not_allowed);
  EXPECT_EQ(h.state.ballots.at(b).voted, (std::set<ParticipantId>{"T7yw"}));
}

}  // namespace
}  // namespace dais::core

// Code cards (随机测评码) from /organize over real loopback sockets: turned on with each voter group's cards,
// counts of the organizer's own, turned off again, refused once the log has begun or without the CSRF token;
// and a card that joins, checks itself in, counts towards the quorum and votes while no person can.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/definition.hpp"
#include "organize_fixture.hpp"

namespace dais::test {
namespace {

class OrganizeCodeCards : public ::testing::Test {
 protected:
  void SetUp() override {
    add_account(hall, "alice", "organizer");
    hall.start();
    alice = test::sign_in(hall, "alice");
  }

  HttpReply code_cards(std::string_view method, const json& body = {}) {
    return browse(hall, alice, method, "/organize/api/hearings/" + hall.hearing_id() + "/code-cards",
                  body.is_null() ? "" : body.dump());
  }

  core::HearingDefinition stored() { return hall.store().load(hall.hearing_id()).value().def; }

  // The cards of an answer, by voter group.
  static std::map<std::string, std::vector<json>> cards_by_group(const HttpReply& r) {
    std::map<std::string, std::vector<json>> out;
    const json answer = json::parse(r.body);
    for (const json& c : answer["cards"]) {
      if (c.value("card", false)) out[c["groups"][0].get<std::string>()].push_back(c);
    }
    return out;
  }

  // Each voter group's persons who vote in the demo hearing.
  std::map<std::string, std::size_t> voters_by_group() const {
    std::map<std::string, std::size_t> out;
    for (const core::Participant& p : hall.definition().participants) {
      if (p.roles.has(core::Role::voter)) ++out[hall.definition().tally_group(p)];
    }
    return out;
  }

  std::shared_ptr<Client> join(const std::string& token) {
    auto c = std::make_shared<Client>(io.ioc());
    c->connect(hall.port());
    const json welcome = c->hello(token);
    EXPECT_EQ(welcome["type"], "welcome") << welcome.dump().substr(0, 300);
    return c;
  }

  Hall hall;
  Browser alice;
  ClientThread io;
};

TEST_F(OrganizeCodeCards, EachVoterGroupGetsACardPerVoterAndNoPersonVotesAnyMore) {
  const HttpReply r = code_cards("POST");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto by_group = cards_by_group(r);
  const auto expected = voters_by_group();
  ASSERT_EQ(by_group.size(), expected.size());
  std::set<std::string> names;  // every person's name: none may appear on a card
  for (const core::Participant& p : hall.definition().participants) names.insert(p.name);
  std::set<std::string> ids;
  for (const auto& [group, cards] : by_group) {
    EXPECT_EQ(cards.size(), expected.at(group)) << group;
    for (const json& c : cards) {
      EXPECT_EQ(names.count(c["name"].get<std::string>()), 0u) << c.dump();
      EXPECT_EQ(c["post"], "");
      EXPECT_EQ(c["roles"], json::array({"voter"}));
      const std::string id = c["participant"];
      EXPECT_FALSE(core::check_id(id, "/id")) << id;
      EXPECT_TRUE(ids.insert(id).second) << id << " twice";
      EXPECT_EQ(hall.store().find_token(c["token"].get<std::string>())->participant, id);
    }
  }
  const core::HearingDefinition def = stored();
  EXPECT_TRUE(def.settings.code_cards);
  for (const core::Participant& p : def.participants) {
    EXPECT_EQ(p.roles.has(core::Role::voter), p.card) << p.id;
  }
  // Persons keep their groups (which say whose card they are handed) and their other roles; every one of
  // them got a fresh join card too.
  EXPECT_EQ(def.participant("q01")->groups, hall.definition().participant("q01")->groups);
  EXPECT_TRUE(def.participant("q01")->roles.has(core::Role::questioner));
  EXPECT_EQ(json::parse(r.body)["cards"].size(), def.participants.size());
  EXPECT_FALSE(hall.store().find_token(hall.token("chair")));
}

TEST_F(OrganizeCodeCards, TheOrganizerNamesCountsWithSparesWithinALimit) {
  const HttpReply r = code_cards("POST", {{"groups", {{"jwwy", 28}, {"qunzhong", 0}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto by_group = cards_by_group(r);
  EXPECT_EQ(by_group.at("jwwy").size(), 28u);
  EXPECT_EQ(by_group.count("qunzhong"), 0u);
  EXPECT_EQ(by_group.at("daibiao").size(), voters_by_group().at("daibiao"));  // unnamed: the default

  // Once on, the default counts the group's persons, who no longer hold the voter role.
  const HttpReply again = code_cards("POST");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(cards_by_group(again).at("jwwy").size(), voters_by_group().at("jwwy"));
  const core::HearingDefinition before = stored();

  const std::vector<std::pair<json, std::string>> refused = {
      {json{{"groups", {{"jwwy", 5001}}}}, "/groups/jwwy"},
      {json{{"groups", {{"jwwy", -1}}}}, "/groups/jwwy"},
      {json{{"groups", {{"jwwy", "3"}}}}, "/groups/jwwy"},
      {json{{"groups", {{"jwwy", 2.5}}}}, "/groups/jwwy"},
      {json{{"groups", {{"nosuch", 1}}}}, "/groups/nosuch"},
      {json{{"groups", json::array()}}, "/groups"}};
  for (const auto& [body, field] : refused) {
    const HttpReply bad = code_cards("POST", body);
    EXPECT_EQ(bad.status, 400) << body.dump() << " " << bad.body;
    EXPECT_EQ(json::parse(bad.body)["field"], field) << body.dump();
  }
  EXPECT_EQ(code_cards("POST", {{"groups", {{"jwwy", 5000}}}}).status, 200);  // the limit itself
  EXPECT_NE(stored(), before);
}

TEST_F(OrganizeCodeCards, TurnedOffThePersonsVoteAgainAsBefore) {
  ASSERT_EQ(code_cards("POST").status, 200);
  const HttpReply off = code_cards("DELETE");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_TRUE(cards_by_group(off).empty());
  EXPECT_EQ(stored(), hall.definition());
  ASSERT_EQ(code_cards("POST", {{"groups", {{"jwwy", 2}}}}).status, 200);
  ASSERT_EQ(code_cards("POST", {{"off", true}}).status, 200);
  EXPECT_EQ(stored(), hall.definition());
}

TEST_F(OrganizeCodeCards, RefusedOnceTheLogHasBegunAndWithoutTheCsrfToken) {
  // A forged request (the session's cookie, no CSRF token) changes nothing.
  const HttpReply forged =
      http_request(hall.port(), "POST", "/organize/api/hearings/" + hall.hearing_id() + "/code-cards", "{}",
                   {{"Cookie", alice.cookie}});
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_EQ(stored(), hall.definition());
  EXPECT_TRUE(hall.store().find_token(hall.token("chair")));

  auto chair = hall.join("chair");
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  for (const char* method : {"POST", "DELETE"}) {
    const HttpReply late = code_cards(method);
    EXPECT_EQ(late.status, 409) << late.body;
    EXPECT_EQ(json::parse(late.body)["error"], "not_draft");
  }
  EXPECT_EQ(stored(), hall.definition());
  EXPECT_FALSE(chair->ended());
  EXPECT_EQ(browse(hall, alice, "POST", "/organize/api/hearings/nosuch/code-cards", "{}").status, 404);
}

TEST_F(OrganizeCodeCards, ACardChecksItselfInCountsTowardsTheQuorumAndVotes) {
  const HttpReply r =
      code_cards("POST", {{"groups", {{"jwwy", 3}, {"tyjcy", 0}, {"daibiao", 0}, {"qunzhong", 0}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<std::string, std::string> token;  // participant → token
  const json answer = json::parse(r.body);
  for (const json& c : answer["cards"]) token[c["participant"]] = c["token"];
  const std::vector<json> cards = cards_by_group(r).at("jwwy");
  ASSERT_EQ(cards.size(), 3u);

  auto chair = join(token.at("chair"));
  auto desk = join(token.at("sec1"));
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  // The persons check in at the desk; a card cannot be checked in there.
  EXPECT_EQ(desk->request({{"type", "check_in"}, {"participant", "q01"}})["type"], "ack");
  const json refused = desk->request({{"type", "check_in"}, {"participant", cards[0]["participant"]}});
  EXPECT_EQ(refused["type"], "error");
  EXPECT_EQ(refused["code"], "not_allowed") << refused.dump();

  std::vector<std::shared_ptr<Client>> held;
  for (std::size_t i = 0; i < 2; ++i) {
    held.push_back(join(cards[i]["token"]));
    EXPECT_EQ(held.back()->request({{"type", "check_in"}})["type"], "ack");
  }
  const json counted = chair->wait_view([](const json& v) { return v["attendance"]["present"] == 2; });
  EXPECT_EQ(counted["attendance"]["expected"], 3);  // 应到: the cards, not the persons
  EXPECT_EQ(counted["attendance"]["quorum_met"], true);
  ASSERT_EQ(chair->request({{"type", "start_session"}})["type"], "ack");
  const json created = chair->request({{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s01"}});
  ASSERT_EQ(created["type"], "ack") << created.dump();
  const std::string ballot = created["result"]["ballot"];
  ASSERT_EQ(chair->request({{"type", "open_ballot"}, {"ballot", ballot}})["type"], "ack");

  const json marks = {{"s01", {{"zhuti", {"hao"}}, {"lianjie", {"hao"}}, {"zuofeng", {"hao"}}}}};
  const json cast = held[0]->request({{"type", "cast_sheet"},
                                      {"ballot", ballot},
                                      {"marks", marks},
                                      {"receipt", random_receipt()},
                                      {"idempotency_key", "card-1"}});
  EXPECT_EQ(cast["type"], "ack") << cast.dump();
  auto person = join(token.at("q01"));
  const json by_person = person->request({{"type", "cast_sheet"},
                                          {"ballot", ballot},
                                          {"marks", marks},
                                          {"receipt", random_receipt()},
                                          {"idempotency_key", "person-1"}});
  EXPECT_EQ(by_person["type"], "error") << by_person.dump();
}

}  // namespace
}  // namespace dais::test

// A review hearing (回头看) prepared over real loopback sockets: a first hearing records commitments, so the
// ledger holds them; a second draft's slot takes the unit's commitments that are not done (or all of them)
// with their due dates, status and latest progress, stored as the draft's definition; every refusal changes
// nothing.
#include <gtest/gtest.h>

#include "core/definition.hpp"
#include "organize_fixture.hpp"

namespace dais::test {
namespace {

const std::string kDraft = "review-2027";

class OrganizeReview : public ::testing::Test {
 protected:
  void SetUp() override {
    add_account(hall, "alice", "organizer");
    add_account(hall, "olga", "observer");
    hall.start();
    alice = sign_in(hall, "alice");
    olga = sign_in(hall, "olga");
  }

  HttpReply call(const Browser& b, std::string_view method, const std::string& endpoint,
                 const json& body = {}) {
    return browse(hall, b, method, "/organize/api/" + endpoint, body.is_null() ? "" : body.dump());
  }

  // The demo hearing in session, s01 questioned; an inquiry answered with two commitments, due in February
  // and June.
  void hold_first_hearing() {
    auto chair = hall.join("chair");
    auto secretary = hall.join("sec1");
    auto questioner = hall.join("q01");
    const std::string ballot = start_with_open_ballot(hall, *chair);  // the quorum checked in, in session
    expect_ack(chair->request({{"type", "close_ballot"}, {"ballot", ballot}}));
    question_with_two_commitments(*chair, *secretary, *questioner);
    hall.clock().set(kMarch1);
    alice = sign_in(hall, "alice");  // the morning's sessions have long expired
    olga = sign_in(hall, "olga");
  }

  // The demo hearing as next year's draft, with a break after s01.
  void create_draft() {
    json d = core::to_json(hall.definition());
    d["id"] = kDraft;
    d["title"] = "2027年述责述廉会（回头看）";
    d["agenda"].insert(d["agenda"].begin() + 1, json{{"id", "brk"}, {"kind", "break"}, {"title", "休息"}});
    HttpReply r = call(alice, "POST", "hearings", json{{"definition", d}});
    ASSERT_EQ(r.status, 201) << r.body;
  }

  json draft_definition() {
    HttpReply r = call(alice, "GET", "hearings/" + kDraft + "/definition");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  HttpReply pull(const Browser& b, const json& body) {
    return call(b, "POST", "hearings/" + kDraft + "/review", body);
  }

  Hall hall;
  Browser alice;
  Browser olga;
};

TEST_F(OrganizeReview, ASlotTakesTheUnitsOpenCommitmentsWithTheirProgress) {
  hold_first_hearing();
  create_draft();
  // The ledger's secretariat marks the first done and notes progress on the second.
  ASSERT_EQ(call(alice, "GET", "ledger").status, 200);
  ASSERT_EQ(call(alice, "PATCH", "ledger/1", {{"status", "done"}}).status, 200);
  ASSERT_EQ(call(alice, "POST", "ledger/2/notes", {{"text", "方案已报区政府"}}).status, 201);
  ASSERT_EQ(call(alice, "POST", "ledger/2/notes", {{"text", "已印发长效管护办法"}}).status, 201);

  HttpReply r = pull(alice, {{"slot", "s01"}, {"unit", kUnit}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json expected_item = {{"from", hall.definition().title + " · " + hall.definition().date},
                              {"text", "6月底前建立长效机制"},
                              {"due", "2026-06-30"},
                              {"status", "open"},
                              {"progress", "已印发长效管护办法"}};  // the latest note
  EXPECT_EQ(json::parse(r.body), json({{"id", kDraft}, {"slot", "s01"}, {"review", {expected_item}}}));
  // Stored as the draft's definition: read back, and kept by the store across a restart.
  EXPECT_EQ(draft_definition()["agenda"][0]["review"], json::array({expected_item}));
  EXPECT_FALSE(draft_definition()["agenda"][2].contains("review"));
  hall.restart();
  alice = sign_in(hall, "alice");
  EXPECT_EQ(draft_definition()["agenda"][0]["review"], json::array({expected_item}));
}

TEST_F(OrganizeReview, AllTakesTheDoneOnesTooAndOverdueIsSaid) {
  hold_first_hearing();
  create_draft();
  ASSERT_EQ(call(alice, "GET", "ledger").status, 200);
  ASSERT_EQ(call(alice, "PATCH", "ledger/2", {{"status", "done"}}).status, 200);
  HttpReply r = pull(alice, {{"slot", "s02"}, {"unit", kUnit}, {"all", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json review = json::parse(r.body)["review"];
  ASSERT_EQ(review.size(), 2u) << review;
  EXPECT_EQ(review[0]["status"], "overdue");  // due the 15th of February, not done by the 1st of March
  EXPECT_EQ(review[0]["progress"], "");
  EXPECT_EQ(review[1]["status"], "done");
  // Taken again without "all": the list is replaced, not added to.
  r = pull(alice, {{"slot", "s02"}, {"unit", kUnit}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(draft_definition()["agenda"][2]["review"].size(), 1u);
}

TEST_F(OrganizeReview, RefusalsSayWhyAndChangeNothing) {
  hold_first_hearing();
  create_draft();
  const json before = draft_definition();
  const struct {
    json body;
    int status;
    const char* error;
  } cases[] = {
      {{{"slot", "nosuch"}, {"unit", kUnit}}, 404, "no_slot"},
      {{{"slot", "brk"}, {"unit", kUnit}}, 400, "not_presenter"},
      {{{"slot", "s01"}, {"unit", "无此单位"}}, 404, "no_unit"},
      {{{"slot", "s01"}}, 400, "bad_request"},
      {{{"slot", "s01"}, {"unit", kUnit}, {"all", "yes"}}, 400, "bad_request"},
      {{{"slot", "s01"}, {"unit", kUnit}, {"colour", "red"}}, 400, "bad_request"},
  };
  for (const auto& c : cases) {
    HttpReply r = pull(alice, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " " << r.body;
    const json answer = json::parse(r.body, nullptr, false);
    EXPECT_EQ(answer["error"], c.error) << r.body;
    EXPECT_FALSE(answer["message"].get<std::string>().empty());
  }
  // An observer reads but does not change.
  HttpReply r = pull(olga, {{"slot", "s01"}, {"unit", kUnit}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"], "read_only");
  EXPECT_EQ(call(alice, "POST", "hearings/nosuch/review", {{"slot", "s01"}, {"unit", kUnit}}).status, 404);
  EXPECT_EQ(draft_definition(), before);
  // A hearing whose log has begun is no draft to edit: the first hearing itself.
  r = call(alice, "POST", "hearings/" + hall.hearing_id() + "/review", {{"slot", "s02"}, {"unit", kUnit}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"], "not_draft");
}

}  // namespace
}  // namespace dais::test

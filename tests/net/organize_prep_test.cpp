// Preparing a hearing from /organize over real loopback sockets: a definition checked with the rules of
// `dais check`, a roster checked row by row, a draft created and made live, a draft's definition replaced
// (its devices sent back to join again, its chain starting from the new definition), the join cards, and
// every refusal changing nothing.
#include <gtest/gtest.h>

#include "organize_fixture.hpp"
#include "store/audit.hpp"

namespace dais::test {
namespace {

class OrganizePrep : public ::testing::Test {
 protected:
  void SetUp() override {
    add_account(hall, "alice", "organizer");
    add_account(hall, "olga", "observer");
    hall.start();
    alice = sign_in("alice");
  }

  Browser sign_in(const std::string& name) { return test::sign_in(hall, name); }

  HttpReply call(const Browser& b, std::string_view method, const std::string& endpoint,
                 const json& body = {}) {
    return browse(hall, b, method, "/organize/api/" + endpoint, body.is_null() ? "" : body.dump());
  }

  json definition() { return core::to_json(hall.definition()); }

  // The demo hearing as another draft, under a new id.
  json small_draft(const std::string& id) {
    json d = definition();
    d["id"] = id;
    d["title"] = "草稿 " + id;
    return d;
  }

  std::string stored_title(const std::string& id) {
    auto loaded = hall.store().load(id);
    return loaded ? loaded->def.title : "(not stored)";
  }

  Hall hall;
  Browser alice;
};

TEST_F(OrganizePrep, CheckNamesTheFirstProblemWithItsFieldAndSavesNothing) {
  HttpReply ok = call(alice, "POST", "check", json{{"definition", definition()}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body), json({{"ok", true}}));

  json bad = definition();
  bad["agenda"][2]["presenter"] = "nobody";
  HttpReply r = call(alice, "POST", "check", json{{"definition", bad}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = json::parse(r.body);
  EXPECT_EQ(body["ok"], false);
  EXPECT_EQ(body["field"], "/agenda/2/presenter") << body;
  EXPECT_NE(body["message"].get<std::string>().find("nobody"), std::string::npos) << body;
  EXPECT_EQ(stored_title(hall.hearing_id()), hall.definition().title);

  EXPECT_EQ(call(alice, "POST", "check", json{{"nodefinition", 1}}).status, 200);
  EXPECT_EQ(json::parse(call(alice, "POST", "check", json::array()).body)["ok"], false);
}

TEST_F(OrganizePrep, RosterRowsAreJudgedOneByOneWithDuplicatesNamed) {
  std::string sixty_four, sixty_five;
  for (int i = 0; i < 64; ++i) sixty_four += "王";  // 64 characters, 192 bytes: within the limit
  sixty_five = sixty_four + "王";
  const json rows = json::array({
      {{"name", "张三"}, {"post", "区财政局局长"}, {"groups", {"jwwy"}}, {"roles", {"voter", "questioner"}}},
      {{"name", ""}, {"roles", {"voter"}}},
      {{"name", "李四"}, {"groups", {"nosuch"}}, {"roles", {"voter"}}},
      {{"name", "王五"}, {"roles", {"judge"}}},
      {{"name", "张三"}, {"post", "区财政局局长"}, {"roles", {"voter"}}},
      {{"name", sixty_four}, {"roles", {"voter"}}},
      {{"name", sixty_five}, {"roles", {"voter"}}},
      {{"name", "赵六"}, {"roles", json::array()}},
      {{"name", "张三"}, {"post", "区教育局局长"}, {"roles", {"presenter"}}},
  });
  HttpReply r =
      call(alice, "POST", "roster/check", json{{"voter_groups", {"jwwy", "tyjcy"}}, {"rows", rows}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<int, std::vector<std::string>> fields;  // row → fields with a problem
  std::map<int, std::string> messages;
  const json answer = json::parse(r.body);
  for (const json& row : answer["rows"]) {
    for (const json& e : row["errors"]) {
      fields[row["row"].get<int>()].push_back(e["field"]);
      messages[row["row"].get<int>()] += e["message"].get<std::string>() + ";";
    }
  }
  const std::map<int, std::vector<std::string>> expected{{1, {"name"}}, {2, {"groups"}}, {3, {"roles"}},
                                                         {4, {"name"}}, {6, {"name"}},   {7, {"roles"}}};
  EXPECT_EQ(fields, expected) << r.body;
  EXPECT_NE(messages[4].find("row 0"), std::string::npos) << messages[4];
  EXPECT_NE(messages[2].find("nosuch"), std::string::npos) << messages[2];
  EXPECT_NE(messages[3].find("judge"), std::string::npos) << messages[3];
}

TEST_F(OrganizePrep, ARosterPastItsRowLimitIsRefusedWhole) {
  hall.stop();
  hall.options.limits.organize_max_roster_rows = 3;
  hall.start();
  alice = sign_in("alice");
  json rows = json::array();
  for (int i = 0; i < 3; ++i) rows.push_back({{"name", "人" + std::to_string(i)}, {"roles", {"voter"}}});
  EXPECT_EQ(call(alice, "POST", "roster/check", json{{"rows", rows}}).status, 200);
  rows.push_back({{"name", "多一人"}, {"roles", {"voter"}}});
  HttpReply r = call(alice, "POST", "roster/check", json{{"rows", rows}});
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"], "too_many_rows");
  EXPECT_EQ(json::parse(r.body)["max"], 3);
}

// A definition is larger than other requests may be (http_max_request_bytes), within its own limit.
TEST_F(OrganizePrep, AnOrganizersRequestHasItsOwnBodyLimit) {
  const std::string body = json{{"definition", definition()}}.dump();
  ASSERT_GT(body.size(), hall.options.limits.http_max_request_bytes);
  EXPECT_EQ(call(alice, "POST", "check", json{{"definition", definition()}}).status, 200);
  EXPECT_EQ(http_request(hall.port(), "POST", "/healthz", body).status, 413) << "other paths keep theirs";
  hall.stop();
  hall.options.limits.organize_max_request_bytes = body.size() - 1;
  hall.start();
  alice = sign_in("alice");
  HttpReply r = call(alice, "POST", "check", json{{"definition", definition()}});
  EXPECT_EQ(r.status, 413) << r.body;
}

TEST_F(OrganizePrep, ANewDraftIsStoredListedAndOpensWithItsPrintedCards) {
  HttpReply created = call(alice, "POST", "hearings", json{{"definition", small_draft("draft-2027")}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body), json({{"id", "draft-2027"}, {"phase", "draft"}}));
  EXPECT_EQ(stored_title("draft-2027"), "草稿 draft-2027");

  const json list = json::parse(call(alice, "GET", "hearings").body)["hearings"];
  bool listed = false;
  for (const json& h : list) listed |= h["id"] == "draft-2027" && h["phase"] == "draft";
  EXPECT_TRUE(listed) << list;

  HttpReply again = call(alice, "POST", "hearings", json{{"definition", small_draft("draft-2027")}});
  EXPECT_EQ(again.status, 409) << again.body;
  json broken = small_draft("draft-2028");
  broken["participants"][0].erase("roles");
  HttpReply invalid = call(alice, "POST", "hearings", json{{"definition", broken}});
  EXPECT_EQ(invalid.status, 400) << invalid.body;
  EXPECT_EQ(json::parse(invalid.body)["field"], "/participants/0/roles") << invalid.body;
  EXPECT_FALSE(hall.store().load("draft-2028"));

  HttpReply cards = call(alice, "POST", "hearings/draft-2027/cards");
  ASSERT_EQ(cards.status, 200) << cards.body;
  const json all = json::parse(cards.body)["cards"];
  ASSERT_EQ(all.size(), hall.definition().participants.size());
  EXPECT_EQ(all[0]["participant"], "chair");
  EXPECT_EQ(all[0]["roles"], json({"chair"}));
  const std::string token = all[0]["token"];
  EXPECT_EQ(all[0]["path"], "/j/" + token);
  EXPECT_EQ(hall.store().find_token(token)->hearing, "draft-2027");

  ClientThread io;
  auto chair = std::make_shared<Client>(io.ioc());
  chair->connect(hall.port());
  const json welcome = chair->hello(token);
  ASSERT_EQ(welcome["type"], "welcome") << welcome.dump().substr(0, 300);
  EXPECT_EQ(welcome["view"]["hearing"]["title"], "草稿 draft-2027");
}

TEST_F(OrganizePrep, ReplacingADraftsDefinitionSendsItsDevicesBackToJoinTheNewOne) {
  auto chair = hall.join("chair");
  auto presenter = hall.join("p07");
  json next = definition();
  next["title"] = "改过的标题";
  // p07 leaves the roster (with their slot); a new presenter takes a new slot.
  for (auto it = next["participants"].begin(); it != next["participants"].end(); ++it) {
    if ((*it)["id"] == "p07") {
      next["participants"].erase(it);
      break;
    }
  }
  for (auto it = next["agenda"].begin(); it != next["agenda"].end(); ++it) {
    if ((*it).value("presenter", "") == "p07") {
      next["agenda"].erase(it);
      break;
    }
  }
  next["participants"].push_back({{"id", "p99"}, {"name", "新来的"}, {"roles", {"presenter"}}});
  next["agenda"].push_back({{"id", "s99"}, {"presenter", "p99"}, {"title", "新单位"}});

  HttpReply r =
      call(alice, "PUT", "hearings/" + hall.hearing_id() + "/definition", json{{"definition", next}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(chair->wait_closed(), net::close_code::redefined);
  EXPECT_EQ(presenter->wait_closed(), net::close_code::redefined);
  EXPECT_EQ(stored_title(hall.hearing_id()), "改过的标题");
  EXPECT_EQ(json::parse(call(alice, "GET", "hearings/" + hall.hearing_id() + "/definition").body)["title"],
            "改过的标题");

  // The chair's link still opens the hearing, which is now the new one, from a fresh snapshot even when
  // the device asks to resume; the removed presenter's link opens nothing.
  ClientThread io;
  auto again = std::make_shared<Client>(io.ioc());
  again->connect(hall.port());
  const json welcome = again->hello(hall.token("chair"), 0);
  ASSERT_EQ(welcome["type"], "welcome") << welcome.dump().substr(0, 300);
  EXPECT_EQ(welcome["view"]["hearing"]["title"], "改过的标题");
  EXPECT_FALSE(hall.store().find_token(hall.token("p07")));

  // The chain starts from the new definition: a command logged after it verifies.
  EXPECT_EQ(again->request({{"type", "open_check_in"}})["type"], "ack");
  hall.store().flush();
  auto report = store::verify_file(hall.location(), hall.hearing_id());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->first_break) << report->first_break->what;
}

TEST_F(OrganizePrep, OnceCheckInOpenedTheDefinitionAndTheCardsStayAsTheyAre) {
  auto chair = hall.join("chair");
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  json next = definition();
  next["title"] = "太晚了";
  HttpReply r =
      call(alice, "PUT", "hearings/" + hall.hearing_id() + "/definition", json{{"definition", next}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"], "not_draft");
  EXPECT_EQ(stored_title(hall.hearing_id()), hall.definition().title);
  HttpReply cards = call(alice, "POST", "hearings/" + hall.hearing_id() + "/cards");
  EXPECT_EQ(cards.status, 409) << cards.body;
  EXPECT_TRUE(hall.store().find_token(hall.token("chair")));
  EXPECT_FALSE(chair->ended());
}

TEST_F(OrganizePrep, BadEditsAndObserversChangeNothing) {
  json other = definition();
  other["id"] = "other-id";
  HttpReply mismatch =
      call(alice, "PUT", "hearings/" + hall.hearing_id() + "/definition", json{{"definition", other}});
  EXPECT_EQ(mismatch.status, 400) << mismatch.body;
  EXPECT_EQ(json::parse(mismatch.body)["error"], "id_mismatch");
  json invalid = definition();
  invalid["settings"]["k_anonymity"] = 0;
  HttpReply bad =
      call(alice, "PUT", "hearings/" + hall.hearing_id() + "/definition", json{{"definition", invalid}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(json::parse(bad.body)["field"].get<std::string>().rfind("/settings/k_anonymity", 0), 0u)
      << bad.body;
  EXPECT_EQ(call(alice, "GET", "hearings/nosuch/definition").status, 404);
  EXPECT_EQ(call(alice, "POST", "hearings/nosuch/cards").status, 404);

  const Browser olga = sign_in("olga");
  EXPECT_EQ(call(olga, "GET", "hearings/" + hall.hearing_id() + "/definition").status, 200);
  json next = definition();
  next["title"] = "观察员改的";
  EXPECT_EQ(
      call(olga, "PUT", "hearings/" + hall.hearing_id() + "/definition", json{{"definition", next}}).status,
      403);
  EXPECT_EQ(call(olga, "POST", "hearings", json{{"definition", small_draft("by-olga")}}).status, 403);
  EXPECT_EQ(call(olga, "POST", "hearings/" + hall.hearing_id() + "/cards").status, 403);
  // Without the CSRF token even an organizer changes nothing.
  HttpReply forged =
      http_request(hall.port(), "PUT", "/organize/api/hearings/" + hall.hearing_id() + "/definition",
                   json{{"definition", next}}.dump(), {{"Cookie", alice.cookie}});
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(stored_title(hall.hearing_id()), hall.definition().title);
  EXPECT_FALSE(hall.store().load("by-olga"));
}

TEST_F(OrganizePrep, PrintingTheCardsRetiresEveryEarlierLinkAndItsDevices) {
  auto voter = hall.join("q01");
  const std::string old = hall.token("q01");
  HttpReply r = call(alice, "POST", "hearings/" + hall.hearing_id() + "/cards");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(voter->wait_closed(), net::close_code::revoked);
  EXPECT_FALSE(hall.store().find_token(old));
  std::string fresh;
  const json answer = json::parse(r.body);
  for (const json& c : answer["cards"]) {
    if (c["participant"] == "q01") fresh = c["token"];
  }
  ASSERT_FALSE(fresh.empty());
  EXPECT_NE(fresh, old);
  EXPECT_EQ(hall.store().find_token(fresh)->participant, "q01");
}

// A rehearsal (演练): marked on every screen and record, reset to a clean draft with the devices sent back to
// join, then turned into the real hearing, which can never be reset.
TEST_F(OrganizePrep, ARehearsalIsResetToACleanDraftAndTheRealHearingNeverIs) {
  const std::string base = "hearings/" + hall.hearing_id();
  json rehearsal = definition();
  rehearsal["settings"]["rehearsal"] = true;
  ASSERT_EQ(call(alice, "PUT", base + "/definition", json{{"definition", rehearsal}}).status, 200);

  auto chair = hall.join("chair");
  EXPECT_EQ(chair->view()["hearing"]["settings"]["rehearsal"], true);
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  auto voter = hall.join("q01");
  ASSERT_EQ(voter->request({{"type", "check_in"}})["type"], "ack");
  HttpReply minutes =
      http_get(hall.port(), "/api/minutes.html", {{"Authorization", "Bearer " + hall.token("chair")}});
  EXPECT_NE(minutes.body.find("<h1>【演练】"), std::string::npos) << minutes.body.substr(0, 600);
  HttpReply results =
      http_get(hall.port(), "/api/results.json", {{"Authorization", "Bearer " + hall.token("chair")}});
  EXPECT_EQ(json::parse(results.body)["hearing"]["rehearsal"], true);
  HttpReply csv =
      http_get(hall.port(), "/api/results.csv", {{"Authorization", "Bearer " + hall.token("chair")}});
  EXPECT_EQ(csv.body.find("\xEF\xBB\xBF【演练】"), 0u) << csv.body.substr(0, 80);

  EXPECT_EQ(call(alice, "POST", base + "/reset", json{{"tokens", "sometimes"}}).status, 400);
  HttpReply reset = call(alice, "POST", base + "/reset", json{{"tokens", "keep"}});
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(chair->wait_closed(), net::close_code::redefined);
  EXPECT_EQ(voter->wait_closed(), net::close_code::redefined);
  auto again = hall.join("chair");  // the same link: tokens kept
  EXPECT_EQ(again->view()["hearing"]["phase"], "draft");
  EXPECT_EQ(again->seq(), 0);
  EXPECT_EQ(again->view()["attendance"]["present"], 0) << again->view()["attendance"].dump().substr(0, 300);

  // The real hearing: the flag goes while it is a draft, and then nothing resets it.
  ASSERT_EQ(call(alice, "PUT", base + "/definition", json{{"definition", definition()}}).status, 200);
  auto chair2 = hall.join("chair");
  ASSERT_EQ(chair2->request({{"type", "open_check_in"}})["type"], "ack");
  HttpReply refused = call(alice, "POST", base + "/reset", json{{"tokens", "keep"}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(json::parse(refused.body)["error"], "not_rehearsal");
  EXPECT_EQ(hall.store().load(hall.hearing_id())->phase, core::Phase::check_in);
  EXPECT_FALSE(chair2->ended());
}

TEST_F(OrganizePrep, ResettingARehearsalMayPrintEveryCardAnew) {
  const std::string base = "hearings/" + hall.hearing_id();
  json rehearsal = definition();
  rehearsal["settings"]["rehearsal"] = true;
  ASSERT_EQ(call(alice, "PUT", base + "/definition", json{{"definition", rehearsal}}).status, 200);
  auto chair = hall.join("chair");
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  HttpReply r = call(alice, "POST", base + "/reset", json{{"tokens", "reissue"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json answer = json::parse(r.body);
  ASSERT_EQ(answer["cards"].size(), hall.definition().participants.size());
  EXPECT_FALSE(hall.store().find_token(hall.token("chair")));
  EXPECT_EQ(hall.store().find_token(answer["cards"][0]["token"].get<std::string>())->participant, "chair");
  EXPECT_EQ(hall.store().load(hall.hearing_id())->phase, core::Phase::draft);
}

}  // namespace
}  // namespace dais::test

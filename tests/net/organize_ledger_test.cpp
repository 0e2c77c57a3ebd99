// The rectification ledger over real loopback sockets: the demo hearing's commitments are taken into the
// ledger once, filtered, given due dates, status and notes by an organizer (an observer only reads), bad
// input is refused with nothing changed, and a unit's history shows its results and how its commitments
// stood.
#include <gtest/gtest.h>

#include "organize_fixture.hpp"

namespace dais::test {
namespace {

const std::string kUnitPath =
    "%E5%8C%BA%E6%94%BF%E5%BA%9C%EF%BC%88%E5%88%86%E7%AE%A1%E9%A2%86%E5%9F%9F%EF%BC%89";

class OrganizeLedger : public ::testing::Test {
 protected:
  void SetUp() override {
    add_account(hall, "alice", "organizer");
    add_account(hall, "olga", "observer");
    hall.start();
    alice = sign_in("alice");
    olga = sign_in("olga");
  }

  Browser sign_in(const std::string& name) { return test::sign_in(hall, name); }

  HttpReply get(const Browser& b, const std::string& target) {
    return http_request(hall.port(), "GET", target, "", {{"Cookie", b.cookie}});
  }

  HttpReply send(const Browser& b, std::string_view method, const std::string& target, const json& body) {
    return http_request(hall.port(), method, target, body.dump(),
                        {{"Cookie", b.cookie}, {"X-CSRF-Token", b.csrf}});
  }

  json ledger(const std::string& query = "") {
    HttpReply r = get(alice, "/organize/api/ledger" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  // The demo hearing in session: s01 questioned, an inquiry answered with two commitments, and a
  // per-presenter ballot on s01 cast by five voters and closed; then the clock moves to the 1st of March.
  void hold_hearing() {
    auto chair = hall.join("chair");
    auto secretary = hall.join("sec1");
    auto questioner = hall.join("q01");
    const std::string ballot = start_with_open_ballot(hall, *chair);
    for (int i = 1; i <= 5; ++i) {  // k = 5: an anonymous ballot is counted from five sheets on
      auto voter = hall.join(voter_id(i));
      expect_ack(voter->request(
          {{"type", "cast_sheet"},
           {"ballot", ballot},
           {"marks", {{"s01", {{"zhuti", {"hao"}}, {"lianjie", {"hao"}}, {"zuofeng", {"hao"}}}}}},
           {"receipt", random_receipt()},
           {"idempotency_key", "k" + std::to_string(i)}}));
    }
    expect_ack(chair->request({{"type", "close_ballot"}, {"ballot", ballot}}));
    question_with_two_commitments(*chair, *secretary, *questioner);
    hall.clock().set(kMarch1);
    alice = sign_in("alice");  // two months on, the morning's sessions have long expired
    olga = sign_in("olga");
  }

  Hall hall;
  Browser alice;
  Browser olga;
};

TEST_F(OrganizeLedger, EveryCommitmentIsTakenOnceWithItsUnitPresenterAndInquiry) {
  EXPECT_EQ(ledger()["entries"].size(), 0u);
  hold_hearing();
  const json first = ledger();
  ASSERT_EQ(first["entries"].size(), 2u) << first.dump();
  const json& e = first["entries"][0];
  EXPECT_EQ(e["id"], 1);
  EXPECT_EQ(e["unit"], kUnit);
  EXPECT_FALSE(e["presenter"].get<std::string>().empty());
  EXPECT_EQ(e["inquiry_text"], "河道整治何时完成？");
  EXPECT_EQ(e["text"], "2月中旬前完成清淤");
  EXPECT_EQ(e["hearing"]["id"], hall.hearing_id());
  EXPECT_EQ(e["due"], "2026-02-15");
  EXPECT_EQ(e["status"], "open");
  EXPECT_EQ(e["overdue"], true);  // 2026-03-01 is past the 15th of February
  EXPECT_EQ(first["entries"][1]["overdue"], false);
  EXPECT_EQ(first["today"], "2026-03-01");
  // Read again (and by an observer): the same two, never a second copy.
  EXPECT_EQ(json::parse(get(olga, "/organize/api/ledger").body)["entries"], first["entries"]);
  EXPECT_EQ(hall.store().ledger().size(), 2u);
  // After a restart the ledger is still there, and still holds each commitment once.
  hall.restart();
  alice = sign_in("alice");
  EXPECT_EQ(ledger()["entries"].size(), 2u);
  EXPECT_EQ(hall.store().ledger().size(), 2u);
}

TEST_F(OrganizeLedger, FiltersByStatusOverdueAndUnit) {
  hold_hearing();
  EXPECT_EQ(ledger("?overdue=true")["entries"].size(), 1u);
  EXPECT_EQ(ledger("?overdue=false")["entries"][0]["text"], "6月底前建立长效机制");
  EXPECT_EQ(ledger("?status=open&unit=" + kUnitPath)["entries"].size(), 2u);
  EXPECT_EQ(ledger("?status=done")["entries"].size(), 0u);
  EXPECT_EQ(ledger("?unit=%E4%B8%9C%E6%B2%B3%E9%95%87")["entries"].size(), 0u);  // 东河镇 promised nothing
  EXPECT_EQ(ledger()["units"], json::array({kUnit}));
  for (const char* bad : {"?status=overdue", "?overdue=yes", "?colour=red", "?unit=%ZZ"}) {
    HttpReply r = get(alice, std::string("/organize/api/ledger") + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_FALSE(json::parse(r.body)["message"].get<std::string>().empty());
  }
}

TEST_F(OrganizeLedger, AnOrganizerSetsDueDateStatusAndDatedNotes) {
  hold_hearing();
  ledger();
  HttpReply r =
      send(alice, "PATCH", "/organize/api/ledger/1", {{"due", "2026-03-31"}, {"status", "in_progress"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json e = json::parse(r.body);
  EXPECT_EQ(e["due"], "2026-03-31");
  EXPECT_EQ(e["promised_due"], "2026-02-15");
  EXPECT_EQ(e["status"], "in_progress");
  EXPECT_EQ(e["overdue"], false);

  r = send(alice, "POST", "/organize/api/ledger/1/notes", {{"text", "已完成两段河道清淤"}});
  ASSERT_EQ(r.status, 201) << r.body;
  e = json::parse(r.body);
  ASSERT_EQ(e["notes"].size(), 1u);
  EXPECT_EQ(e["notes"][0]["account"], "alice");
  EXPECT_EQ(e["notes"][0]["at_ms"], kMarch1);
  EXPECT_EQ(e["notes"][0]["text"], "已完成两段河道清淤");

  r = send(alice, "PATCH", "/organize/api/ledger/1", {{"status", "done"}});
  ASSERT_EQ(r.status, 200) << r.body;
  e = json::parse(r.body);
  EXPECT_EQ(e["done_on"], "2026-03-01");
  EXPECT_EQ(e["kept"], true);  // done before the (extended) due date
  EXPECT_EQ(ledger("?status=done")["entries"].size(), 1u);
}

TEST_F(OrganizeLedger, BadInputIsRefusedWithAReasonAndChangesNothing) {
  hold_hearing();
  const json before = ledger();
  struct Case {
    std::string_view method;
    std::string target;
    json body;
    int status;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"PATCH", "/organize/api/ledger/99", {{"status", "done"}}, 404, "not_found"},
      {"PATCH", "/organize/api/ledger/abc", {{"status", "done"}}, 404, "not_found"},
      {"PATCH", "/organize/api/ledger/1", {{"status", "finished"}}, 400, "bad_status"},
      {"PATCH", "/organize/api/ledger/1", {{"due", "2026-02-30"}}, 400, "bad_due"},
      {"PATCH", "/organize/api/ledger/1", {{"due", "30.06.2026"}}, 400, "bad_due"},
      {"PATCH", "/organize/api/ledger/1", {{"due", "2026-04-30"}, {"status", "late"}}, 400, "bad_status"},
      {"PATCH", "/organize/api/ledger/1", {{"owner", "x"}}, 400, "bad_request"},
      {"PATCH", "/organize/api/ledger/1", json::object(), 400, "bad_request"},
      {"POST", "/organize/api/ledger/1/notes", {{"text", "   "}}, 400, "empty_note"},
      {"POST", "/organize/api/ledger/1/notes", {{"text", std::string(2001, 'x')}}, 400, "note_too_long"},
      {"POST", "/organize/api/ledger/1/notes", {{"note", "x"}}, 400, "bad_request"},
      {"POST", "/organize/api/ledger/7/notes", {{"text", "x"}}, 404, "not_found"},
  };
  for (const Case& c : cases) {
    HttpReply r = send(alice, c.method, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << c.target << " " << c.body.dump() << " → " << r.body;
    const json answer = json::parse(r.body, nullptr, false);
    EXPECT_EQ(answer.value("error", ""), c.error) << r.body;
    EXPECT_FALSE(answer.value("message", "").empty());
  }
  // An observer reads but changes nothing.
  HttpReply r = send(olga, "PATCH", "/organize/api/ledger/1", {{"status", "done"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(send(olga, "POST", "/organize/api/ledger/1/notes", {{"text", "x"}}).status, 403);
  EXPECT_EQ(ledger(), before);
}

TEST_F(OrganizeLedger, AUnitsHistoryShowsItsResultsAndHowItsCommitmentsStood) {
  hold_hearing();
  ledger();
  // Done late: the promise was the 15th of February, the clock says the 1st of March.
  ASSERT_EQ(send(alice, "PATCH", "/organize/api/ledger/1", {{"status", "done"}}).status, 200);
  HttpReply r = get(olga, "/organize/api/units/" + kUnitPath + "/history");
  ASSERT_EQ(r.status, 200) << r.body;
  const json h = json::parse(r.body);
  EXPECT_EQ(h["unit"], kUnit);
  ASSERT_EQ(h["hearings"].size(), 1u);
  const json& one = h["hearings"][0];
  EXPECT_EQ(one["id"], hall.hearing_id());
  EXPECT_EQ(one["year"], hall.definition().date.substr(0, 4));
  EXPECT_EQ(one["commitments"], json({{"total", 2}, {"kept", 0}, {"late", 1}, {"overdue", 0}, {"open", 1}}));
  ASSERT_EQ(one["slots"].size(), 1u);
  const json& ballots = one["slots"][0]["ballots"];
  ASSERT_EQ(ballots.size(), 1u);
  EXPECT_EQ(ballots[0]["status"], "closed");
  EXPECT_EQ(ballots[0]["rank"], 1);
  EXPECT_EQ(ballots[0]["verdict"], "好");  // five sheets of 好: 100 points
  EXPECT_EQ(ballots[0]["points"], 100.0);

  HttpReply none =
      get(alice, "/organize/api/units/%E6%97%A0%E6%AD%A4%E5%8D%95%E4%BD%8D/history");  // 无此单位
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(json::parse(none.body)["error"], "not_found");
}

}  // namespace
}  // namespace dais::test

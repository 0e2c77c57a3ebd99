// Paper sheets (纸质票) over the wire: the desk's two commands pass the schemas, the server makes each
// entry's receipt (two counted sheets never share a box row), and the refusals reach the client with their
// codes.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "store/pg.hpp"
#include "store/sqlite.hpp"

namespace dais::test {
namespace {

using nlohmann::json;

// Every presenter of the combined sheet graded with the template's first grade.
json combined_marks(const core::HearingDefinition& def) {
  const core::BallotTemplate* tpl = def.ballot_template("final");
  json marks = json::object();
  for (const core::SlotDef& slot : def.agenda) {
    if (!slot.has_presenter()) continue;
    for (const core::Dimension& d : tpl->dimensions) marks[slot.id][d.id] = {d.grades.front().id};
  }
  return marks;
}

json hand_out(const std::string& ballot, const std::string& voter) {
  return {{"type", "hand_out_paper_sheet"}, {"ballot", ballot}, {"participant", voter}};
}
json enter(const std::string& ballot, int sheet, const json& marks) {
  return {{"type", "enter_paper_sheet"}, {"ballot", ballot}, {"sheet", sheet}, {"marks", marks}};
}

TEST(PaperSheetsOverTheWire, TwoSecretariesEnterSheetsAndEachCountedSheetHasItsOwnReceipt) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  // The demo's per-presenter sheet weights voter groups: its paper sheets are entered under their group.
  const std::string weighted = start_with_open_ballot(hall, *chair);
  ASSERT_EQ(chair->request(hand_out(weighted, voter_id(1)))["type"], "ack");
  const json no_group = chair->request(enter(weighted, 1, json::object()));
  EXPECT_EQ(no_group.value("code", ""), "invalid") << no_group.dump();
  EXPECT_EQ(no_group.value("field", ""), "/group");
  json not_a_group = enter(weighted, 1, json::object());
  not_a_group["group"] = "nobody";
  EXPECT_EQ(chair->request(not_a_group).value("field", ""), "/group");
  ASSERT_EQ(chair->request({{"type", "close_ballot"}, {"ballot", weighted}})["type"], "ack");

  const json created = chair->request({{"type", "create_ballot"}, {"template_id", "final"}});
  ASSERT_EQ(created["type"], "ack") << created.dump();
  const std::string ballot = created["result"]["ballot"];
  ASSERT_EQ(chair->request({{"type", "open_ballot"}, {"ballot", ballot}})["type"], "ack");

  auto sec1 = hall.join("sec1");
  auto sec2 = hall.join("sec2");
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(sec1->request(hand_out(ballot, voter_id(i)))["type"], "ack");
  // The voter who took paper cannot also vote on the tablet.
  auto v1 = hall.join(voter_id(1));
  const json tablet = v1->request({{"type", "cast_sheet"},
                                   {"ballot", ballot},
                                   {"marks", combined_marks(hall.definition())},
                                   {"receipt", random_receipt()},
                                   {"change_key", random_receipt()},
                                   {"idempotency_key", "paper-v1"}});
  EXPECT_EQ(tablet.value("code", ""), "already_voted") << tablet.dump();

  const json marks = combined_marks(hall.definition());
  for (int sheet = 1; sheet <= 5; ++sheet) {
    ASSERT_EQ(sec1->request(enter(ballot, sheet, marks))["type"], "ack");
    const json again = sec1->request(enter(ballot, sheet, marks));
    EXPECT_EQ(again.value("code", ""), "conflict") << "the same secretary twice: " << again.dump();
    ASSERT_EQ(sec2->request(enter(ballot, sheet, marks))["type"], "ack");
  }
  const json beyond = sec2->request(enter(ballot, 6, marks));
  EXPECT_EQ(beyond.value("code", ""), "invalid");
  EXPECT_EQ(beyond.value("field", ""), "/sheet");
  // A client cannot choose the receipt: the schema has no such field.
  json chosen = enter(ballot, 1, marks);
  chosen["receipt_hash"] = std::string(64, 'a');
  EXPECT_EQ(sec1->request(chosen).value("code", ""), "bad_message");

  ASSERT_EQ(chair->request({{"type", "close_ballot"}, {"ballot", ballot}})["type"], "ack");
  hall.stop();
  // The box holds each counted paper sheet once, and no entry waits any more.
  auto check = [&](auto& db) {
    auto q = db.query("SELECT count(DISTINCT receipt_hash), count(*) FROM ballot_box WHERE ballot = ?");
    q.with(ballot);
    ASSERT_TRUE(q.next());
    EXPECT_EQ(q.int64(0), 5);
    EXPECT_EQ(q.int64(1), 5);
    auto left = db.query("SELECT count(*) FROM paper_entries");
    ASSERT_TRUE(left.next());
    EXPECT_EQ(left.int64(0), 0);
  };
  if (on_postgres()) {
    store::pg::Connection db(hall.location());
    check(db);
  } else {
    store::sql::Database db(hall.db_path(), store::sql::OpenMode::read_only);
    check(db);
  }
}

}  // namespace
}  // namespace dais::test

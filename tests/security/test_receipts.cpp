// A voter who learnt another voter's receipt (it is shown on the tablet, and shown to the scrutineer to be
// checked) tries to replace that sheet on a changeable anonymous ballot, over real sockets. And one sheet per
// voter under random casts, changes, retries, reconnects and stolen receipts and keys.
#include <random>

#include <gtest/gtest.h>

#include "net/harness.hpp"

namespace dais::test {
namespace {

json marks_of(const Hall& hall, const std::string& grade) {
  json marks = json::object();
  for (const auto& slot : hall.definition().agenda) marks[slot.id] = {{"lianjie", {grade}}};
  return marks;
}

json sheet(const Hall& hall, const std::string& ballot, const std::string& grade, const std::string& receipt,
           const std::string& change_key, const std::string& key) {
  return {{"type", "cast_sheet"}, {"ballot", ballot},         {"marks", marks_of(hall, grade)},
          {"receipt", receipt},   {"change_key", change_key}, {"idempotency_key", key}};
}

void ok(Client& c, const json& command) {
  const json answer = c.request(command);
  ASSERT_EQ(answer["type"], "ack") << command.dump() << " → " << answer.dump();
}

// Check-in of the first 110 voters (the quorum), the session started, the combined ballot ("final":
// anonymous, changeable until close) open; returns its id.
std::string open_final(Hall& hall, Client& chair) {
  ok(chair, {{"type", "open_check_in"}});
  for (int i = 1; i <= 110; ++i) ok(chair, {{"type", "check_in"}, {"participant", voter_id(i)}});
  ok(chair, {{"type", "start_session"}});
  const json created = chair.request({{"type", "create_ballot"}, {"template_id", "final"}});
  EXPECT_EQ(created["type"], "ack") << created.dump();
  const std::string ballot = created["result"]["ballot"];
  ok(chair, {{"type", "open_ballot"}, {"ballot", ballot}});
  (void)hall;
  return ballot;
}

// Counts of grade `g` in the first slot's "lianjie" dimension of a closed ballot's result.
std::int64_t counted(const json& view, const std::string& ballot, const std::string& g) {
  for (const auto& r : view["results"]["ballots"]) {
    if (r["ballot"] != ballot) continue;
    for (const auto& p : r["presenters"]) {
      if (p["slot"] != "s01") continue;
      return p["dimensions"][0]["counts"].value(g, 0);
    }
  }
  return -1;
}

TEST(ReceiptOverwrite, AReceiptShownToOthersCannotReplaceTheSheetItChecks) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  auto scrutineer = hall.join("jpr");
  const std::string b = open_final(hall, *chair);
  auto v020 = hall.join("v020");
  auto v021 = hall.join("v021");
  auto v022 = hall.join("v022");
  const std::string r20 = random_receipt(), k20 = random_receipt();
  const std::string r21 = random_receipt(), k21 = random_receipt();
  ok(*v021, sheet(hall, b, "bulianjie", r21, k21, "a21"));
  ok(*v020, sheet(hall, b, "lianjie", r20, k20, "a20"));

  // v020 saw v021's receipt on the scrutineer's desk and casts with it, from v020's tablet.
  json refused = v020->request(sheet(hall, b, "lianjie", r21, k20, "b20"));
  EXPECT_EQ(refused["type"], "error");
  EXPECT_EQ(refused["message"], "receipt does not match");
  // Even v021's change key, had it leaked too, is bound to v021.
  refused = v020->request(sheet(hall, b, "lianjie", r21, k21, "c20"));
  EXPECT_EQ(refused["message"], "receipt does not match");
  // Someone who has not voted yet cannot take the receipt over either.
  refused = v022->request(sheet(hall, b, "lianjie", r21, random_receipt(), "a22"));
  EXPECT_EQ(refused["message"], "receipt already used");
  // The receipt still checks, and v021's own tablet still changes the sheet.
  const json check = scrutineer->request({{"type", "check_receipt"}, {"ballot", b}, {"receipt", r21}});
  EXPECT_EQ(check["result"]["in_box"], true) << check.dump();
  ok(*v021, sheet(hall, b, "jiben", r21, k21, "b21"));
  // Three more voters, for the k = 5 sheets a count needs.
  ok(*v022, sheet(hall, b, "bulianjie", random_receipt(), random_receipt(), "b22"));
  for (const char* id : {"v023", "v024"}) {
    auto voter = hall.join(id);
    ok(*voter, sheet(hall, b, "bulianjie", random_receipt(), random_receipt(), std::string("a") + id));
  }

  ok(*chair, {{"type", "close_ballot"}, {"ballot", b}});
  const json closed = scrutineer->wait_view([&](const json& v) { return counted(v, b, "lianjie") >= 0; });
  EXPECT_EQ(counted(closed, b, "lianjie"), 1);    // v020, once
  EXPECT_EQ(counted(closed, b, "jiben"), 1);      // v021's changed sheet
  EXPECT_EQ(counted(closed, b, "bulianjie"), 3);  // v022 to v024: v021's first sheet is gone
}

// Eight voters, 150 random steps: a first cast or a change from the voter's own tablet, the same request sent
// twice, a request resent after reconnecting, another voter's receipt (and key) tried. Every acked sheet is
// the voter's latest; at close the count holds each voter's last acknowledged sheet once.
TEST(ReceiptOverwrite, OneSheetPerVoterUnderRandomCastsChangesRetriesAndReconnects) {
  net::Limits limits = Hall::test_limits();
  limits.connections_per_token = 1000;  // every reconnect leaves the old connection to close in its own time
  Hall hall(limits);
  hall.start();
  auto chair = hall.join("chair");
  const std::string b = open_final(hall, *chair);
  const std::vector<std::string> grades = {"lianjie", "jiben", "bulianjie"};
  struct Device {
    std::string voter;
    std::shared_ptr<Client> client;
    std::string receipt = random_receipt();
    std::string change_key = random_receipt();
    std::optional<std::string> acked;  // the grade of the last acknowledged sheet
  };
  std::vector<Device> devices(8);
  for (std::size_t i = 0; i < devices.size(); ++i) {
    devices[i].voter = voter_id(static_cast<int>(i) + 1);
    devices[i].client = hall.join(devices[i].voter);
  }
  std::mt19937 rng(7);
  for (int step = 0; step < 150; ++step) {
    Device& d = devices[rng() % devices.size()];
    const Device& other = devices[rng() % devices.size()];
    const std::string grade = grades[rng() % grades.size()];
    const std::string key = "s" + std::to_string(step);
    switch (rng() % 5) {
      case 0: {  // the same request twice at once: one sheet, one of the answers a duplicate
        json frame = sheet(hall, b, grade, d.receipt, d.change_key, key);
        frame["id"] = d.client->next_id();
        json again = frame;
        again["id"] = d.client->next_id();
        d.client->send(frame);
        d.client->send(again);
        const json first = d.client->wait_answer(frame["id"]);
        const json second = d.client->wait_answer(again["id"]);
        ASSERT_EQ(first["type"], "ack") << first.dump();
        ASSERT_EQ(second["type"], "ack") << second.dump();
        d.acked = grade;
        break;
      }
      case 1: {  // the tablet reconnects and resends its request, as after a Wi-Fi drop
        ASSERT_EQ(d.client->request(sheet(hall, b, grade, d.receipt, d.change_key, key))["type"], "ack");
        d.client = hall.join(d.voter);
        const json again = d.client->request(sheet(hall, b, grade, d.receipt, d.change_key, key));
        ASSERT_EQ(again["type"], "ack") << again.dump();
        EXPECT_EQ(again.value("duplicate", false), true);
        d.acked = grade;
        break;
      }
      case 2: {  // another voter's receipt, with their change key too
        if (&other == &d || !other.acked) break;
        const json answer = d.client->request(sheet(hall, b, grade, other.receipt, other.change_key, key));
        EXPECT_EQ(answer["type"], "error") << answer.dump();
        break;
      }
      default: {  // a cast or a change from the voter's own tablet
        const json answer = d.client->request(sheet(hall, b, grade, d.receipt, d.change_key, key));
        ASSERT_EQ(answer["type"], "ack") << answer.dump();
        d.acked = grade;
      }
    }
  }
  std::map<std::string, std::int64_t> expected;
  std::int64_t voters = 0;
  for (const Device& d : devices) {
    if (d.acked) {
      ++expected[*d.acked];
      ++voters;
    }
  }
  ok(*chair, {{"type", "close_ballot"}, {"ballot", b}});
  const json closed = chair->wait_view([&](const json& v) { return counted(v, b, "lianjie") >= 0; });
  for (const std::string& g : grades) EXPECT_EQ(counted(closed, b, g), expected[g]) << g;
  for (const auto& r : closed["results"]["ballots"]) {
    if (r["ballot"] == b) {
      EXPECT_EQ(r["turnout"]["voted"], voters);
    }
  }
}

}  // namespace
}  // namespace dais::test

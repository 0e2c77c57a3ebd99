// The chair's reminder to the 未提交名单 over real sockets: it reaches exactly the tablets of the voters
// present, eligible and not yet submitted, and nobody else — the hall screen, the desk, a voter who
// submitted, a voter who is absent — receives anything.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace dais::test {
namespace {

json ballot_of(const json& view, const std::string& id) {
  for (const auto& b : view["ballots"]["items"]) {
    if (b["id"] == id) return b;
  }
  return nullptr;
}

bool reminded(const json& view, const std::string& ballot) {
  for (const auto& b : view["me"]["ballots"]) {
    if (b["ballot"] == ballot) return b.contains("reminded_at");
  }
  return false;
}

TEST(Remind, ReachesExactlyThePresentEligibleWhoHaveNotSubmitted) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  auto display = hall.join("screen");
  auto desk = hall.join("sec1");
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  for (int i = 1; i <= 100; ++i)  // the demo hearing's quorum; v101 … v110 stay away
    ASSERT_EQ(desk->request({{"type", "check_in"}, {"participant", voter_id(i)}})["type"], "ack");
  ASSERT_EQ(chair->request({{"type", "start_session"}})["type"], "ack");
  const json created = chair->request({{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s01"}});
  const std::string ballot = created["result"]["ballot"];
  ASSERT_EQ(chair->request({{"type", "open_ballot"}, {"ballot", ballot}})["type"], "ack");

  auto submitted = hall.join(voter_id(1));
  auto waiting = hall.join(voter_id(2));
  auto absent = hall.join(voter_id(110));
  ASSERT_EQ(submitted->request(
                {{"type", "cast_sheet"},
                 {"ballot", ballot},
                 {"marks", {{"s01", {{"zhuti", {"hao"}}, {"lianjie", {"hao"}}, {"zuofeng", {"hao"}}}}}},
                 {"receipt", random_receipt()},
                 {"idempotency_key", "c1"}})["type"],
            "ack");
  // The chair's 未提交名单: the 99 present who have not submitted, v002 among them, v001 and v110 not.
  const json listed = chair->wait_view([&](const json& v) {
    const json b = ballot_of(v, ballot);
    return b.is_object() && b.contains("not_submitted") && b["not_submitted"].size() == 99;
  });
  const json names = ballot_of(listed, ballot)["not_submitted"];
  EXPECT_NE(std::find(names.begin(), names.end(), voter_id(2)), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), voter_id(1)), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), voter_id(110)), names.end());
  EXPECT_FALSE(ballot_of(display->view(), ballot).contains("not_submitted"));

  const std::vector<std::shared_ptr<Client>> others = {display, desk, submitted, absent};
  std::vector<std::size_t> before;
  for (const auto& c : others) before.push_back(c->count());
  ASSERT_EQ(chair->request({{"type", "remind_voters"}, {"ballot", ballot}})["type"], "ack");
  waiting->wait_view([&](const json& v) { return reminded(v, ballot); });

  // A change everyone sees, sent after the reminder: once it has arrived, anything the reminder sent them
  // would have arrived before it (one connection keeps the server's order).
  ASSERT_EQ(chair->request({{"type", "set_display"}, {"mode", "blank"}})["type"], "ack");
  for (std::size_t i = 0; i < others.size(); ++i) {
    others[i]->wait_view([](const json& v) { return v["hearing"]["display"]["mode"] == "blank"; });
    const auto seen = others[i]->messages();
    for (std::size_t m = before[i]; m < seen.size(); ++m) {
      EXPECT_FALSE(seen[m].contains("me")) << "connection " << i << " got " << seen[m].dump();
    }
    EXPECT_FALSE(reminded(others[i]->view(), ballot)) << "connection " << i;
  }
  // The reminder is refused, and changes nothing, once the ballot has ended (voided: it has fewer than k
  // sheets to close with).
  ASSERT_EQ(chair->request({{"type", "void_ballot"}, {"ballot", ballot}, {"reason", "重新表决"}})["type"],
            "ack");
  const json refused = chair->request({{"type", "remind_voters"}, {"ballot", ballot}});
  EXPECT_EQ(refused["type"], "error");
  EXPECT_EQ(refused["code"], "wrong_stage");
}

}  // namespace
}  // namespace dais::test

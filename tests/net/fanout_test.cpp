// Fan-out: one buffer per role set and change, tally and turnout coalesced, a bounded outgoing queue.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "net/outgoing_queue.hpp"

namespace dais::test {
namespace {

TEST(FanOut, EachChangeIsSerialisedOncePerRoleSet) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  std::vector<std::shared_ptr<Client>> voters;
  for (int i = 1; i <= 20; ++i) voters.push_back(hall.join(voter_id(i)));
  const auto built_before = hall.server().metrics().updates.load();
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  for (auto& v : voters)
    v->wait_view([](const json& view) { return view["hearing"]["phase"] == "check_in"; });
  // Two role sets are present (chair; voter): two buffers built, whatever the number of voters.
  EXPECT_EQ(hall.server().metrics().updates.load() - built_before, 2);
  // And every voter got the very same bytes.
  auto last_update = [](const Client& c) {
    json found;
    for (const auto& m : c.messages()) {
      if (m["type"] == "update" && m.contains("sections")) found = m;
    }
    return found;
  };
  for (auto& v : voters) EXPECT_EQ(last_update(*v), last_update(*voters[0]));
}

TEST(FanOut, TallyAndTurnoutAreCoalescedAndFlushedWhenTheBallotCloses) {
  net::Limits limits = Hall::test_limits();
  limits.tally_hz = 0.001;  // one count update per 1000 s: during the test, only the ones forced out
  Hall hall(limits);
  hall.start();
  auto chair = hall.join("chair");
  auto display = hall.join("screen");
  auto desk = hall.join("sec1");
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  std::vector<std::string> ids;
  for (int i = 1; i <= 100; ++i) {
    ids.push_back(desk->next_id());
    desk->send({{"type", "check_in"}, {"id", ids.back()}, {"participant", voter_id(i)}});
  }
  for (const auto& id : ids) ASSERT_EQ(desk->wait_answer(id)["type"], "ack");
  ASSERT_EQ(chair->request({{"type", "start_session"}})["type"], "ack");
  const json created = chair->request({{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s01"}});
  const std::string ballot = created["result"]["ballot"];
  ASSERT_EQ(chair->request({{"type", "open_ballot"}, {"ballot", ballot}})["type"], "ack");  // sent at once
  const std::size_t before_votes = display->count();

  std::vector<std::shared_ptr<Client>> voters;
  for (int i = 1; i <= 30; ++i) voters.push_back(hall.join(voter_id(i)));
  for (std::size_t i = 0; i < voters.size(); ++i) {
    const json ack = voters[i]->request(
        {{"type", "cast_sheet"},
         {"ballot", ballot},
         {"marks", {{"s01", {{"zhuti", {"hao"}}, {"lianjie", {"hao"}}, {"zuofeng", {"hao"}}}}}},
         {"receipt", random_receipt()},
         {"idempotency_key", "c" + std::to_string(i)}});
    ASSERT_EQ(ack["type"], "ack");
  }
  // 30 sheets moved the turnout 30 times and the k-anonymous tally 6 times; all of it waits for the next
  // tick.
  ASSERT_EQ(chair->request({{"type", "ping"}})["type"], "ack");
  std::size_t count_updates = 0;
  const auto seen = display->messages();
  for (std::size_t i = before_votes; i < seen.size(); ++i) {
    if (seen[i]["type"] == "update" && seen[i].contains("sections")) ++count_updates;
  }
  EXPECT_EQ(count_updates, 0u);
  // Closing is sent at once, with the current count.
  ASSERT_EQ(chair->request({{"type", "close_ballot"}, {"ballot", ballot}})["type"], "ack");
  const json v = display->wait_view([&](const json& view) {
    for (const auto& b : view["ballots"]["items"]) {
      if (b["id"] == ballot) return b["status"] == "closed";
    }
    return false;
  });
  for (const auto& b : v["ballots"]["items"]) {
    if (b["id"] == ballot) {
      EXPECT_EQ(b["turnout"]["voted"], 30);
    }
  }
}

net::Outgoing text(const std::string& s, bool coalescable = false) {
  return net::make_outgoing(s, coalescable);
}

TEST(OutgoingQueue, ReplacesAStaleCountButNeverTheMessageBeingWritten) {
  net::OutgoingQueue q(4, 1 << 20);
  using P = net::OutgoingQueue::Pushed;
  EXPECT_EQ(q.push(text("count-1", true), false), P::queued);  // now being written
  EXPECT_EQ(q.push(text("agenda"), true), P::queued);
  EXPECT_EQ(q.push(text("count-2", true), true), P::queued);
  EXPECT_EQ(q.push(text("count-3", true), true), P::replaced_stale);
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(*q.front().text, "count-1");
  q.pop_front();
  EXPECT_EQ(*q.front().text, "agenda");
  q.pop_front();
  EXPECT_EQ(*q.front().text, "count-3");  // the newest, after what was queued before it
  EXPECT_EQ(q.bytes(), 7u);
}

TEST(OutgoingQueue, ABacklogOverEitherBoundIsTooSlow) {
  using P = net::OutgoingQueue::Pushed;
  net::OutgoingQueue by_count(3, 1 << 20);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(by_count.push(text("m"), true), P::queued);
  EXPECT_EQ(by_count.push(text("m"), true), P::over_bound);
  net::OutgoingQueue by_bytes(100, 10);
  EXPECT_EQ(by_bytes.push(text(std::string(50, 'x')), true), P::queued);  // one message always fits
  EXPECT_EQ(by_bytes.push(text("y"), true), P::over_bound);
  by_bytes.drop_unsent(true);
  EXPECT_EQ(by_bytes.size(), 1u);
  EXPECT_EQ(by_bytes.bytes(), 50u);
  // Coalescing keeps a client that only lags on counts inside the bound.
  net::OutgoingQueue counts(2, 1 << 20);
  EXPECT_EQ(counts.push(text("c1", true), false), P::queued);
  for (int i = 0; i < 50; ++i) EXPECT_NE(counts.push(text("c", true), true), P::over_bound);
  EXPECT_EQ(counts.size(), 2u);
}

}  // namespace
}  // namespace dais::test

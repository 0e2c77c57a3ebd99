// Fan-out: one buffer per role set and change, tally and turnout coalesced, a bounded outgoing queue.
#include <gtest/gtest.h>

#include "core/view.hpp"
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
  const auto built_before = hall.metrics().updates.load();
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  for (auto& v : voters)
    v->wait_view([](const json& view) { return view["hearing"]["phase"] == "check_in"; });
  // Two role sets are present (chair; voter): two buffers built, whatever the number of voters.
  EXPECT_EQ(hall.metrics().updates.load() - built_before, 2);
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
  // The chair's ack and the display's update travel on different connections: wait for the display's.
  display->wait_view([&](const json& view) {
    for (const auto& b : view["ballots"]["items"]) {
      if (b["id"] == ballot) return b["status"] == "open";
    }
    return false;
  });
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

// Over real sockets, with count updates going out one connection at a time and the ballot closed while
// sheets are still arriving: every tablet ends with the final count and never sees the ballots section go
// back. Whether a spread is still under way at the close depends on timing here; LiveHearing's own test
// (live_hearing_test.cpp) forces that interleaving step by step.
TEST(FanOut, ACountSentInSlicesNeverArrivesAfterANewerCopy) {
  net::Limits limits = Hall::test_limits();
  limits.tally_hz = 0;     // every count change goes out
  limits.count_slice = 1;  // one connection, then the hearing's other work, then the next
  limits.connections_per_token = 6;
  Hall hall(limits);
  hall.start();
  auto chair = hall.join("chair");
  // Several hall screens on the display's token: the count is spread over them (voters' tablets show none).
  std::vector<std::shared_ptr<Client>> screens;
  for (int i = 0; i < 6; ++i) screens.push_back(hall.join("screen"));
  auto desk = hall.join("sec1");
  constexpr int kVoters = 30;
  std::vector<std::shared_ptr<Client>> voters;
  for (int i = 1; i <= kVoters; ++i) voters.push_back(hall.join(voter_id(i)));
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  for (int i = 1; i <= 100; ++i)  // the demo hearing's quorum
    ASSERT_EQ(desk->request({{"type", "check_in"}, {"participant", voter_id(i)}})["type"], "ack");
  ASSERT_EQ(chair->request({{"type", "start_session"}})["type"], "ack");
  const json created = chair->request({{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s01"}});
  const std::string ballot = created["result"]["ballot"];
  ASSERT_EQ(chair->request({{"type", "open_ballot"}, {"ballot", ballot}})["type"], "ack");
  // Every voter sends at once and the chair closes without waiting: counts of many batches are still being
  // spread when the closing update goes out.
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < voters.size(); ++i) {
    ids.push_back(voters[i]->next_id());
    voters[i]->send({{"type", "cast_sheet"},
                     {"id", ids.back()},
                     {"ballot", ballot},
                     {"marks", {{"s01", {{"zhuti", {"hao"}}, {"lianjie", {"hao"}}, {"zuofeng", {"hao"}}}}}},
                     {"receipt", random_receipt()},
                     {"idempotency_key", "k" + std::to_string(i)}});
  }
  ASSERT_EQ(chair->request({{"type", "close_ballot"}, {"ballot", ballot}})["type"], "ack");
  int acked = 0;
  for (std::size_t i = 0; i < voters.size(); ++i) {
    const json answer = voters[i]->wait_answer(ids[i]);
    if (answer["type"] == "ack") ++acked;
  }

  auto status_of = [&](const json& sections) -> json {
    for (const auto& b : sections["ballots"]["items"]) {
      if (b["id"] == ballot) return b;
    }
    return json();
  };
  std::vector<std::shared_ptr<Client>> everyone = voters;
  everyone.insert(everyone.end(), screens.begin(), screens.end());
  for (auto& c : everyone) {
    const bool shows_counts = c->view().contains("tally");
    c->wait_view([&](const json& view) { return status_of(view).value("status", "") == "closed"; });
    std::int64_t last_seq = -1;
    int voted = -1;
    bool closed = false;
    for (const auto& m : c->messages()) {
      if (m["type"] != "update" || !m.contains("sections") || !m["sections"].contains("ballots")) continue;
      EXPECT_GE(m["seq"].get<std::int64_t>(), last_seq) << "an older ballots section after a newer one";
      EXPECT_FALSE(closed) << "a ballots section after the closing one";
      last_seq = m["seq"];
      const json b = status_of(m["sections"]);
      if (b.is_null()) continue;
      closed = b["status"] == "closed";
      if (!shows_counts) {
        EXPECT_FALSE(b.contains("turnout")) << "a count sent to a tablet that shows none";
        continue;
      }
      EXPECT_GE(b["turnout"]["voted"].get<int>(), voted) << "the turnout went back";
      voted = b["turnout"]["voted"];
    }
    if (shows_counts) {
      EXPECT_EQ(voted, acked);
    }
    EXPECT_TRUE(closed);
  }
  EXPECT_TRUE(screens[0]->view().contains("tally"));
}

net::Outgoing text(const std::string& s, net::Carried carries = 0) {
  return net::make_outgoing(s, carries);
}

constexpr net::Carried kCount = core::mask_of(core::Section::tally) | core::mask_of(core::Section::ballots);
constexpr net::Carried kAgenda = core::mask_of(core::Section::agenda);

TEST(OutgoingQueue, ANewerUpdateSupersedesWaitingOnesItCoversButNeverTheOneBeingWritten) {
  net::OutgoingQueue q(8, 1 << 20);
  using P = net::OutgoingQueue::Pushed;
  EXPECT_EQ(q.push(text("count-1", kCount), false), P::queued);  // now being written
  EXPECT_EQ(q.push(text("agenda-1", kAgenda), true), P::queued);
  EXPECT_EQ(q.push(text("count-2", kCount), true), P::queued);
  EXPECT_EQ(q.push(text("count-3", kCount), true), P::replaced_stale);         // count-2 goes
  EXPECT_EQ(q.push(text("both", kCount | kAgenda), true), P::replaced_stale);  // agenda-1 and count-3
  EXPECT_EQ(q.push(text("me", net::kCarriesMe), true), P::queued);             // covers nothing else
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(*q.front().text, "count-1");
  q.pop_front();
  EXPECT_EQ(*q.front().text, "both");
  q.pop_front();
  EXPECT_EQ(*q.front().text, "me");
  EXPECT_EQ(q.bytes(), 2u);
}

TEST(OutgoingQueue, AnAnswerKeepsEveryUpdateBeforeIt) {
  net::OutgoingQueue q(8, 1 << 20);
  using P = net::OutgoingQueue::Pushed;
  EXPECT_EQ(q.push(text("welcome"), false), P::queued);
  EXPECT_EQ(q.push(text("agenda-1", kAgenda), true), P::queued);
  EXPECT_EQ(q.push(text("ack"), true), P::queued);
  EXPECT_EQ(q.push(text("agenda-2", kAgenda), true), P::queued);  // agenda-1 is what the ack's sender saw
  EXPECT_EQ(q.push(text("agenda-3", kAgenda), true), P::replaced_stale);
  ASSERT_EQ(q.size(), 4u);
  std::vector<std::string> order;
  while (!q.empty()) {
    order.push_back(*q.front().text);
    q.pop_front();
  }
  EXPECT_EQ(order, (std::vector<std::string>{"welcome", "agenda-1", "ack", "agenda-3"}));
}

TEST(OutgoingQueue, ABacklogOverEitherBoundIsTooSlow) {
  using P = net::OutgoingQueue::Pushed;
  net::OutgoingQueue by_count(3, 1 << 20);
  EXPECT_EQ(by_count.push(text("being written"), false), P::queued);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(by_count.push(text("m"), true), P::queued);
  EXPECT_EQ(by_count.push(text("m"), true), P::over_bound);
  // The message being written and one waiting always fit, however large; a second waiting one does not.
  net::OutgoingQueue by_bytes(100, 10);
  EXPECT_EQ(by_bytes.push(text(std::string(50, 'x')), false), P::queued);
  EXPECT_EQ(by_bytes.push(text(std::string(50, 'y')), true), P::queued);
  EXPECT_EQ(by_bytes.push(text("z"), true), P::over_bound);
  by_bytes.drop_unsent(true);
  EXPECT_EQ(by_bytes.size(), 1u);
  EXPECT_EQ(by_bytes.bytes(), 50u);
  // Superseding keeps a client that only lags on state inside the bound.
  net::OutgoingQueue counts(2, 1 << 20);
  EXPECT_EQ(counts.push(text("c1", kCount), false), P::queued);
  for (int i = 0; i < 50; ++i) EXPECT_NE(counts.push(text("c", kCount), true), P::over_bound);
  EXPECT_EQ(counts.size(), 2u);
}

}  // namespace
}  // namespace dais::test

// Reconnecting: resume with exactly the missed updates or a snapshot; votes retried by idempotency key never
// count twice; tokens reissued and revoked; a restart in the middle of a ballot loses no acknowledged vote.
#include <limits>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace dais::test {
namespace {

std::vector<std::int64_t> shared_update_seqs(const std::vector<json>& messages, std::int64_t after) {
  std::vector<std::int64_t> out;
  for (const auto& m : messages) {
    const bool shared = m.contains("sections") || m.contains("patches");  // not a personal `me` update
    if (m.value("type", "") == "update" && shared && m["seq"].get<std::int64_t>() > after) {
      out.push_back(m["seq"].get<std::int64_t>());
    }
  }
  return out;
}

// Changes the desk sees: the phase and the attendance (a voter's tablet shows no attendance, so the resume
// tests below follow the second secretary, sec2).
void check_in_two(Hall& hall, Client& chair) {
  ASSERT_EQ(chair.request({{"type", "open_check_in"}})["type"], "ack");
  auto desk = hall.join("sec1");
  ASSERT_EQ(desk->request({{"type", "check_in"}, {"participant", "v050"}})["type"], "ack");
  ASSERT_EQ(desk->request({{"type", "check_in"}, {"participant", "v051"}})["type"], "ack");
}

TEST(Resume, SendsExactlyTheMissedUpdates) {
  // Sections whole, so the resumed client (which starts empty here) rebuilds the view from the replay alone;
  // a replay of patches on the view held is Patches.AResumeReplaysThePatchesMissedAndEndsEqualToASnapshot.
  net::Limits limits = Hall::test_limits();
  limits.patch_min_bytes = std::numeric_limits<std::int32_t>::max();
  Hall hall(limits);
  hall.start();
  auto chair = hall.join("chair");
  auto twin = hall.join("sec1");  // same roles as sec2, connected throughout
  auto first = hall.join("sec2");
  const std::int64_t left_at = first->seq();
  first.reset();  // gone (the server notices when the socket closes)

  check_in_two(hall, *chair);
  const json view = twin->wait_view([](const json& v) { return v["attendance"]["present"] == 2; });

  auto back = hall.connect();
  const std::size_t from = back->count();
  const json welcome = back->hello(hall.token("sec2"), left_at);
  ASSERT_EQ(welcome["type"], "welcome");
  EXPECT_TRUE(welcome["resumed"]);
  EXPECT_EQ(welcome["view"].size(), 1u);  // only "me"
  const auto expected = shared_update_seqs(twin->messages(), left_at);
  ASSERT_FALSE(expected.empty());
  // The missed updates, then one with the current count.
  back->wait_for(
      [&](const json& m) {
        return m["type"] == "update" && m.contains("sections") && m["sections"].contains("tally");
      },
      from + 1);
  auto got = shared_update_seqs(back->messages(), left_at);
  ASSERT_EQ(got.size(), expected.size() + 1);
  got.pop_back();
  EXPECT_EQ(got, expected);
  EXPECT_EQ(back->view()["attendance"], view["attendance"]);
  EXPECT_EQ(back->view()["hearing"], view["hearing"]);
  EXPECT_EQ(hall.metrics().resumes.load(), 1);
}

TEST(Resume, TooFarBehindOrFromTheFutureGetsASnapshot) {
  net::Limits limits = Hall::test_limits();
  limits.resume_window = 1;
  Hall hall(limits);
  hall.start();
  auto chair = hall.join("chair");
  auto first = hall.join("sec2");
  const std::int64_t left_at = first->seq();
  first.reset();
  check_in_two(hall, *chair);

  auto late = hall.connect();
  json welcome = late->hello(hall.token("sec2"), left_at);
  EXPECT_FALSE(welcome["resumed"]);
  EXPECT_TRUE(welcome["view"].contains("agenda"));
  EXPECT_EQ(welcome["view"]["attendance"]["present"], 2);

  auto future = hall.connect();
  welcome = future->hello(hall.token("v003"), 1'000'000);
  EXPECT_FALSE(welcome["resumed"]);
  EXPECT_TRUE(welcome["view"].contains("hearing"));
}

json sheet(const std::string& ballot, const std::string& key, const std::string& receipt) {
  return {{"type", "cast_sheet"},
          {"ballot", ballot},
          {"marks", {{"s01", {{"zhuti", {"hao"}}, {"lianjie", {"hao"}}, {"zuofeng", {"jiaohao"}}}}}},
          {"receipt", receipt},
          {"idempotency_key", key}};
}

std::int64_t voted(const json& chair_view, const std::string& ballot) {
  for (const auto& b : chair_view["ballots"]["items"]) {
    if (b["id"] == ballot) return b["turnout"]["voted"].get<std::int64_t>();
  }
  return -1;
}

TEST(IdempotentRetry, ReturnsTheOriginalAckAndNeverCountsTwice) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  auto v = hall.join("v001");
  const std::string ballot = start_with_open_ballot(hall, *chair);
  const std::string receipt = random_receipt();
  const json first = v->request(sheet(ballot, "key-1", receipt));
  ASSERT_EQ(first["type"], "ack");
  EXPECT_FALSE(first.contains("duplicate"));
  // The same key again, on the same connection and on a new one.
  const json again = v->request(sheet(ballot, "key-1", receipt));
  EXPECT_EQ(again["type"], "ack");
  EXPECT_EQ(again["duplicate"], true);
  EXPECT_EQ(again["seq"], first["seq"]);
  v.reset();
  auto reconnected = hall.join("v001");
  const json third = reconnected->request(sheet(ballot, "key-1", receipt));
  EXPECT_EQ(third["duplicate"], true);
  EXPECT_EQ(third["seq"], first["seq"]);
  // A different key is a second sheet: refused, first press counts.
  EXPECT_EQ(reconnected->request(sheet(ballot, "key-2", receipt))["code"], "already_voted");
  EXPECT_EQ(voted(chair->view(), ballot), 1);

  // Two sends of one sheet in flight at once: one counts, both are answered with the same ack.
  auto w = hall.join("v002");
  const std::string r2 = random_receipt();
  json a = sheet(ballot, "w-1", r2), b = sheet(ballot, "w-1", r2);
  a["id"] = "a";
  b["id"] = "b";
  w->send(a);
  w->send(b);
  const json ack_a = w->wait_answer("a"), ack_b = w->wait_answer("b");
  EXPECT_EQ(ack_a["type"], "ack");
  EXPECT_EQ(ack_b["type"], "ack");
  EXPECT_EQ(ack_a["seq"], ack_b["seq"]);
  EXPECT_TRUE(ack_a.value("duplicate", false) != ack_b.value("duplicate", false));
  chair->wait_view([&](const json& view) { return voted(view, ballot) == 2; });
}

TEST(Replay, AReplayedCommandIsRefusedByStateAndChangesNothing) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  EXPECT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  const auto seq = chair->seq();
  const json again = chair->request({{"type", "open_check_in"}});
  EXPECT_EQ(again["type"], "error");
  EXPECT_EQ(again["code"], "wrong_stage");
  EXPECT_EQ(chair->seq(), seq);
}

TEST(RoleMatrix, OverTheWire) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  struct Case {
    std::string who;
    json command;
  };
  const std::vector<Case> refused = {
      {"v001", {{"type", "open_check_in"}}},
      {"v001", {{"type", "call_slot"}, {"slot", "s01"}}},
      {"q01", {{"type", "approve_inquiry"}, {"inquiry", "I1"}}},
      {"screen", {{"type", "submit_inquiry"}, {"slot", "s01"}, {"text", "?"}}},
      {"sec1", {{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s01"}}},
      {"p01", {{"type", "revoke_token"}, {"participant", "v001"}}},
      {"jpr", {{"type", "start_session"}}},
      {"v001", {{"type", "issue_tokens"}, {"participants", {"v002"}}}},
      {"screen", {{"type", "check_receipt"}, {"ballot", "B1"}, {"receipt", random_receipt()}}},
  };
  for (const auto& c : refused) {
    auto client = hall.join(c.who);
    const json answer = client->request(c.command);
    EXPECT_EQ(answer.value("code", ""), "not_allowed")
        << c.who << " " << c.command.dump() << " → " << answer.dump();
  }
  auto q = hall.join("q01");
  EXPECT_EQ(q->request({{"type", "submit_inquiry"}, {"slot", "s01"}, {"text", "请说明。"}})["type"], "ack");
}

TEST(Tokens, ReissuedAndRevokedTokensCloseAndStopWorking) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  auto old_session = hall.join("v010");
  const json issued = chair->request({{"type", "issue_tokens"}, {"participants", {"v010"}}});
  ASSERT_EQ(issued["type"], "ack");
  const std::string fresh = issued["result"]["tokens"][0]["token"];
  EXPECT_EQ(issued["result"]["tokens"][0]["path"], "/j/" + fresh);
  EXPECT_EQ(old_session->wait_closed(), net::close_code::revoked);
  EXPECT_EQ(hall.connect()->hello(hall.token("v010"))["code"], "unauthorized");
  auto renewed = hall.connect();
  EXPECT_EQ(renewed->hello(fresh)["type"], "welcome");

  ASSERT_EQ(chair->request({{"type", "revoke_token"}, {"participant", "v010"}})["type"], "ack");
  EXPECT_EQ(renewed->wait_closed(), net::close_code::revoked);
  const json refused = hall.connect()->hello(fresh);
  EXPECT_EQ(refused["code"], "unauthorized") << refused.dump();  // no word on whether it ever existed
  EXPECT_EQ(chair->request({{"type", "issue_tokens"}, {"participants", {"v010"}}})["code"], "revoked");
}

TEST(Restart, InTheMiddleOfABallotLosesNoAcknowledgedVote) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  std::vector<std::shared_ptr<Client>> voters;
  for (int i = 1; i <= 40; ++i) {
    const std::string id = voter_id(i);
    voters.push_back(hall.join(id));
  }
  const std::string ballot = start_with_open_ballot(hall, *chair);
  std::vector<std::string> receipts, keys, ids;
  for (std::size_t i = 0; i < voters.size(); ++i) {
    receipts.push_back(random_receipt());
    keys.push_back("restart-" + std::to_string(i));
  }
  // Half vote and are acknowledged; ten more send their sheets just as the server stops.
  for (std::size_t i = 0; i < 20; ++i)
    ASSERT_EQ(voters[i]->request(sheet(ballot, keys[i], receipts[i]))["type"], "ack");
  for (std::size_t i = 20; i < 30; ++i) {
    json s = sheet(ballot, keys[i], receipts[i]);
    ids.push_back(voters[i]->next_id());
    s["id"] = ids.back();
    voters[i]->send(s);
  }
  std::vector<bool> acked(voters.size(), false);
  for (std::size_t i = 0; i < 20; ++i) acked[i] = true;
  hall.stop();
  for (std::size_t i = 20; i < 30; ++i) {
    for (const auto& m : voters[i]->messages()) {
      if (m.value("id", "") == ids[i - 20] && m["type"] == "ack") acked[i] = true;
    }
    const int code = voters[i]->wait_closed();
    EXPECT_TRUE(code == net::close_code::going_away || code == 0) << code;
  }
  EXPECT_EQ(chair->wait_closed(), net::close_code::going_away);

  hall.start();
  auto chair2 = hall.join("chair");
  const json before = chair2->view();
  const json* b = nullptr;
  for (const auto& item : before["ballots"]["items"]) {
    if (item["id"] == ballot) b = &item;
  }
  ASSERT_NE(b, nullptr);
  EXPECT_EQ((*b)["status"], "open");
  for (std::size_t i = 0; i < voters.size(); ++i) {
    const std::string id = voter_id(static_cast<int>(i) + 1);
    if (acked[i]) {
      EXPECT_TRUE(std::find((*b)["voted"].begin(), (*b)["voted"].end(), id) != (*b)["voted"].end()) << id;
    }
  }
  // Everyone retries what they sent with the same key: acknowledged votes come back as duplicates, nothing
  // doubles.
  for (std::size_t i = 0; i < 30; ++i) {
    const std::string id = voter_id(static_cast<int>(i) + 1);
    auto again = hall.join(id);
    const json answer = again->request(sheet(ballot, keys[i], receipts[i]));
    EXPECT_EQ(answer["type"], "ack") << id << answer.dump();
    if (acked[i]) {
      EXPECT_EQ(answer["duplicate"], true) << id;
    }
  }
  for (std::size_t i = 30; i < voters.size(); ++i) {
    const std::string id = voter_id(static_cast<int>(i) + 1);
    EXPECT_EQ(hall.join(id)->request(sheet(ballot, keys[i], receipts[i]))["type"], "ack");
  }
  chair2->wait_view([&](const json& view) { return voted(view, ballot) == 40; });
  ASSERT_EQ(chair2->request({{"type", "close_ballot"}, {"ballot", ballot}})["type"], "ack");
  const json closed =
      chair2->wait_view([&](const json& view) { return !view["results"]["ballots"].empty(); });
  EXPECT_EQ(closed["results"]["ballots"][0]["turnout"]["voted"], 40);
  EXPECT_EQ(closed["results"]["ballots"][0]["presenters"][0]["dimensions"][0]["cast"], 40);
}

}  // namespace
}  // namespace dais::test

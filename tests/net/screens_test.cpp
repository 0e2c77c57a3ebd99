// Each role is sent only what its screen shows (protocol/screens.json), over real sockets: during a vote wave
// a voter's tablet, which shows no count, receives no tally and no turnout, while the hall screen and the
// chair receive every change of theirs and end with exactly what a fresh snapshot holds.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace dais::test {
namespace {

constexpr int kSheets = 40;

const json* ballot_in(const json& sections, const std::string& ballot) {
  if (!sections.contains("ballots")) return nullptr;
  for (const auto& b : sections["ballots"]["items"]) {
    if (b["id"] == ballot) return &b;
  }
  return nullptr;
}

// How many `update` frames from index `from` on carry each section.
std::map<std::string, int> frames_by_section(const Client& c, std::size_t from) {
  std::map<std::string, int> out;
  const auto seen = c.messages();
  for (std::size_t i = from; i < seen.size(); ++i) {
    if (seen[i]["type"] != "update") continue;
    for (const char* kind : {"sections", "patches"}) {  // whole or patched, a frame carries the section
      if (!seen[i].contains(kind)) continue;
      for (const auto& [name, section] : seen[i][kind].items()) ++out[name];
    }
  }
  return out;
}

bool any_turnout(const Client& c) {
  for (const auto& m : c.messages()) {
    const json& body = m["type"] == "welcome" ? m["view"] : m.value("sections", json::object());
    if (!body.contains("ballots")) continue;
    for (const auto& b : body["ballots"]["items"]) {
      if (b.contains("turnout")) return true;
    }
  }
  return false;
}

json mark(const std::string& ballot, int k) {
  return {{"type", "cast_sheet"},
          {"ballot", ballot},
          {"marks", {{"s01", {{"zhuti", {"hao"}}, {"lianjie", {"hao"}}, {"zuofeng", {"yiban"}}}}}},
          {"receipt", random_receipt()},
          {"idempotency_key", "wave-" + std::to_string(k)}};
}

// The hearing brought to a vote (start_with_open_ballot), the ballot seen open by every client in `wait`.
std::string open_ballot(Hall& hall, Client& chair, const std::vector<std::shared_ptr<Client>>& wait) {
  const std::string ballot = start_with_open_ballot(hall, chair);
  for (const auto& c : wait) {
    c->wait_view([&](const json& v) {
      const json* b = ballot_in(v, ballot);
      return b != nullptr && (*b)["status"] == "open";
    });
  }
  return ballot;
}

TEST(Screens, AVoterTabletGetsNoCountDuringAVoteWaveWhileTheHallScreenAndTheChairGetEveryChange) {
  net::Limits limits = Hall::test_limits();
  limits.tally_hz = 0;  // every count change goes out at once: a tablet subscribed to counts would get each
  Hall hall(limits);
  hall.start();
  auto chair = hall.join("chair");
  auto display = hall.join("screen");
  std::vector<std::shared_ptr<Client>> voters;
  for (int i = 1; i <= kSheets; ++i) voters.push_back(hall.join(voter_id(i)));

  // The welcome holds what the sheet screen shows: the hearing, the agenda, the ballots without their counts.
  const json welcome = voters[0]->messages().front();
  ASSERT_EQ(welcome["type"], "welcome");
  for (const char* shown : {"hearing", "agenda", "ballots", "me"})
    EXPECT_TRUE(welcome["view"].contains(shown));
  for (const char* hidden : {"attendance", "inquiries", "tally", "results"})
    EXPECT_FALSE(welcome["view"].contains(hidden)) << hidden;

  std::vector<std::shared_ptr<Client>> everyone = voters;
  everyone.push_back(display);
  everyone.push_back(chair);
  const std::string ballot = open_ballot(hall, *chair, everyone);
  std::vector<std::size_t> from;
  for (const auto& c : everyone) from.push_back(c->count());

  // The wave: every voter sends at once.
  std::vector<std::string> ids;
  for (int k = 0; k < kSheets; ++k) {
    json sheet = mark(ballot, k);
    ids.push_back(voters[static_cast<std::size_t>(k)]->next_id());
    sheet["id"] = ids.back();
    voters[static_cast<std::size_t>(k)]->send(sheet);
  }
  for (int k = 0; k < kSheets; ++k)
    ASSERT_EQ(voters[static_cast<std::size_t>(k)]->wait_answer(ids[static_cast<std::size_t>(k)])["type"],
              "ack");
  // The counts of the last batches reach the chair and the hall screen.
  for (const auto& c : {display, chair}) {
    c->wait_view([&](const json& v) {
      const json* b = ballot_in(v, ballot);
      return b != nullptr && (*b)["turnout"]["voted"] == kSheets;
    });
  }

  // No voter received a single section during the wave: nothing their screen shows changed.
  for (std::size_t i = 0; i < voters.size(); ++i) {
    EXPECT_TRUE(frames_by_section(*voters[i], from[i]).empty()) << voter_id(static_cast<int>(i) + 1);
    EXPECT_FALSE(any_turnout(*voters[i]));
  }
  // The hall screen and the chair watched the count move.
  for (std::size_t i = voters.size(); i < everyone.size(); ++i) {
    const auto frames = frames_by_section(*everyone[i], from[i]);
    EXPECT_GE(frames.count("ballots") ? frames.at("ballots") : 0, 1);
    EXPECT_GE(frames.count("tally") ? frames.at("tally") : 0, 1);
  }

  // No lost update: what each kept from its welcome and updates is what a fresh snapshot of its roles holds.
  const std::vector<std::pair<std::shared_ptr<Client>, std::string>> who = {
      {voters[0], voter_id(1)}, {display, "screen"}, {chair, "chair"}};
  for (const auto& [client, participant] : who) {
    auto fresh = hall.join(participant);
    json now = fresh->view();
    json kept = client->view();
    now.erase("me");
    kept.erase("me");
    EXPECT_EQ(kept, now) << participant;
  }
  // The hall screen's count stands at the last step of k = 5 below the sheets in, one step behind.
  EXPECT_EQ(display->view()["tally"]["ballots"][0]["sheets"], kSheets - 5);
}

TEST(Screens, AResumingVoterGetsTheMissedBallotsButNoCount) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  auto away = hall.join(voter_id(41));
  std::vector<std::shared_ptr<Client>> voters;
  for (int i = 1; i <= 10; ++i) voters.push_back(hall.join(voter_id(i)));
  std::vector<std::shared_ptr<Client>> wait = voters;
  wait.push_back(away);
  const std::string ballot = open_ballot(hall, *chair, wait);
  const std::int64_t left_at = away->seq();
  away.reset();  // the tablet drops off during the wave

  for (int k = 0; k < 10; ++k)
    ASSERT_EQ(voters[static_cast<std::size_t>(k)]->request(mark(ballot, k))["type"], "ack");
  ASSERT_EQ(chair->request({{"type", "close_ballot"}, {"ballot", ballot}})["type"], "ack");
  voters[0]->wait_view([&](const json& v) { return (*ballot_in(v, ballot))["status"] == "closed"; });

  auto back = hall.connect();
  const json welcome = back->hello(hall.token(voter_id(41)), left_at);
  ASSERT_TRUE(welcome["resumed"]);
  // The missed close, then the current ballots (where a counting screen gets the count too): no count.
  back->wait_for(
      [&](const json& m) {
        return m["type"] == "update" && m.contains("sections") && m["sections"].size() == 1 &&
               m["sections"].contains("ballots") && m["seq"] == welcome["seq"];
      },
      1);
  EXPECT_FALSE(any_turnout(*back));
  EXPECT_EQ(frames_by_section(*back, 0).count("tally"), 0u);
  EXPECT_EQ((*ballot_in(back->view(), ballot))["status"], "closed");
  EXPECT_EQ(back->view()["ballots"], voters[0]->view()["ballots"]);
}

}  // namespace
}  // namespace dais::test

// Errors carry what a client needs to say them in its reader's language: the numbers of a quorum refusal and
// the command a role may not send, as `params`, over a real socket.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "harness.hpp"
#include "net/protocol.hpp"

namespace dais::test {
namespace {

using nlohmann::json;

TEST(ErrorParams, AreSentOnlyWhenThereAreSome) {
  const json plain = json::parse(net::error_text({"wrong_stage", "not now", "/inquiry"}, "c1"));
  EXPECT_FALSE(plain.contains("params"));
  const json with = json::parse(
      net::error_text({"no_quorum", "few", "", {{"present", std::int64_t{3}}, {"note", "x"}}}, "c2"));
  EXPECT_EQ(with["params"], json({{"present", 3}, {"note", "x"}}));
}

TEST(ErrorParams, AQuorumRefusalCarriesPresentExpectedAndNeeded) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  for (const char* voter : {"q01", "v001"}) {
    auto c = hall.join(voter);
    ASSERT_EQ(c->request({{"type", "check_in"}})["type"], "ack") << voter;
  }
  const json e = chair->request({{"type", "start_session"}});
  ASSERT_EQ(e["type"], "error") << e;
  EXPECT_EQ(e["code"], "no_quorum");
  std::int64_t expected = 0;
  for (const auto& p : hall.definition().participants) expected += p.roles.has(core::Role::voter) ? 1 : 0;
  // The demo hearing's quorum is two thirds of the expected voters, rounded up.
  EXPECT_EQ(e["params"], json({{"present", 2}, {"expected", expected}, {"needed", (2 * expected + 2) / 3}}));
}

TEST(ErrorParams, ARefusedCommandIsNamedByItsType) {
  Hall hall;
  hall.start();
  auto voter = hall.join("v001");
  json e = voter->request({{"type", "call_slot"}, {"slot", "s01"}});
  ASSERT_EQ(e["type"], "error") << e;
  EXPECT_EQ(e["code"], "not_allowed");
  EXPECT_EQ(e["params"], json({{"command", "call_slot"}}));
  // Requests the server answers itself name theirs too.
  e = voter->request({{"type", "issue_tokens"}, {"participants", json::array({"v002"})}});
  ASSERT_EQ(e["type"], "error") << e;
  EXPECT_EQ(e["params"], json({{"command", "issue_tokens"}}));
}

}  // namespace
}  // namespace dais::test

// Errors carry what a client needs to say them in its reader's language: the numbers of a quorum refusal and
// the command a role may not send, as `params`, over a real socket.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include <dais/schemas.hpp>
#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "harness.hpp"
#include "net/metrics.hpp"
#include "net/protocol.hpp"

namespace dais::test {
namespace {

using nlohmann::json;

// error.schema.json's code enum is the one list clients translate (client-web/tests/errors.test.ts reads it):
// every code the engine or the server can send is in it.
TEST(ErrorCodes, TheSchemaListsEveryCodeTheServerSends) {
  const json schema = json::parse(protocol::schema_files().at("error.schema.json"));
  const auto listed = schema["properties"]["code"]["enum"].get<std::set<std::string>>();
  std::set<std::string> sent(std::begin(net::kWireErrorCodes), std::end(net::kWireErrorCodes));
  int engine_codes = 0;
  for (int i = 0;; ++i) {
    const std::string_view name = core::to_string(static_cast<core::ErrorCode>(i));
    if (name == "unknown") break;
    sent.insert(std::string(name));
    ++engine_codes;
  }
  EXPECT_GE(engine_codes, 10);  // the loop walked the enum (ten codes today; a new one is found the same way)
  EXPECT_EQ(sent, listed);
}

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

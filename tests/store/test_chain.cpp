// The hash chain's definitions, pinned: an auditor can recompute every hash from docs/storage.md.
#include <nlohmann/json.hpp>

#include "store/chain.hpp"
#include "store_fixture.hpp"

namespace dais::store::testing {
namespace {

using nlohmann::json;

TEST(Chain, Sha256HexIsTheStandardDigest) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Chain, RandomTokensAreUrlSafeAndDistinct) {
  const std::string a = random_token();
  const std::string b = random_token();
  EXPECT_EQ(a.size(), 24u);  // 18 bytes = 144 bits
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(random_token(16).size(), 22u);
}

TEST(Chain, EventHashIsShaOfPrevHashAndTheCanonicalObject) {
  const std::string event = json{{"type", "session_started"}, {"at", 5}}.dump();
  const std::string prev(64, '0');
  const json object = {{"event", json::parse(event)}, {"hearing", "h1"}, {"position", 3}};
  EXPECT_EQ(event_hash(prev, "h1", 3, event, std::nullopt), sha256_hex(prev + object.dump()));
  json sealed = object;
  sealed["box_digest"] = "ab";
  EXPECT_EQ(event_hash(prev, "h1", 3, event, "ab"), sha256_hex(prev + sealed.dump()));
  // Every input counts.
  EXPECT_NE(event_hash(prev, "h1", 4, event, std::nullopt), event_hash(prev, "h1", 3, event, std::nullopt));
  EXPECT_NE(event_hash(prev, "h2", 3, event, std::nullopt), event_hash(prev, "h1", 3, event, std::nullopt));
  EXPECT_NE(event_hash(std::string(64, '1'), "h1", 3, event, std::nullopt),
            event_hash(prev, "h1", 3, event, std::nullopt));
}

TEST(Chain, BoxDigestIsOrderFreeAndCoversEveryField) {
  const json marks = {{"S1", {{"duty", {"good"}}}}};
  std::vector<BoxRow> rows = {{"bb", "g1", marks.dump()}, {"aa", "g2", marks.dump()}};
  const json doc = {{"ballot", "B1"},
                    {"hearing", "h1"},
                    {"sheets",
                     {{{"group", "g2"}, {"marks", marks}, {"receipt_hash", "aa"}},
                      {{"group", "g1"}, {"marks", marks}, {"receipt_hash", "bb"}}}}};
  const std::string digest = box_digest("h1", "B1", rows);
  EXPECT_EQ(digest, sha256_hex(doc.dump()));
  std::swap(rows[0], rows[1]);
  EXPECT_EQ(box_digest("h1", "B1", rows), digest);  // the order rows are read in does not matter
  rows[0].group = "g9";
  EXPECT_NE(box_digest("h1", "B1", rows), digest);
  EXPECT_NE(box_digest("h1", "B2", {}), box_digest("h1", "B1", {}));
}

TEST(Chain, TheChainStartsAtTheDefinitionsHash) {
  EXPECT_EQ(genesis_hash("{\"id\":\"h1\"}"), sha256_hex("{\"id\":\"h1\"}"));
}

}  // namespace
}  // namespace dais::store::testing

// The load client's parsing and lookups, on the exact shapes the server and `dais import` produce.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bench/bench.hpp"
#include "bench/broadcast_server.hpp"
#include "bench/gallery.hpp"
#include "bench/haproxy_front.hpp"
#include "bench/scenarios.hpp"
#include "bench/stats.hpp"
#include "bench/wire.hpp"
#include "core/definition.hpp"

namespace dais::bench {
namespace {

using nlohmann::json;

TEST(ReadHead, ReadsTheTopLevelOnly) {
  const auto h = read_head(
      R"({"type":"update","sections":{"agenda":{"seq":99,"type":"x","id":"inner"}},"seq":141,"server_time":17})");
  EXPECT_EQ(h.type, "update");
  ASSERT_TRUE(h.seq.has_value());
  EXPECT_EQ(*h.seq, 141);
  EXPECT_TRUE(h.id.empty());
}

TEST(ReadHead, ReadsAnAckWithDuplicate) {
  const auto h = read_head(R"({"duplicate":true,"id":"c4","result":{"ballot":"B1"},"seq":57,"type":"ack"})");
  EXPECT_EQ(h.type, "ack");
  EXPECT_EQ(h.id, "c4");
  EXPECT_EQ(h.seq, 57);
  EXPECT_TRUE(h.duplicate);
}

TEST(ReadHead, SkipsStringsWithQuotesAndBraces) {
  const auto h =
      read_head(R"({"me":{"name":"a \"}\" b\\","x":[1,{"y":"]"}]},"type":"welcome","resumed":true,"seq":3})");
  EXPECT_EQ(h.type, "welcome");
  EXPECT_TRUE(h.resumed);
  EXPECT_EQ(h.seq, 3);
}

TEST(ReadHead, ReadsTheHearingAndTheNodeOfAWelcome) {
  const auto h = read_head(
      R"({"hearing":{"id":"bench","title":"x \"}"},"node":"n2","participant":{"id":"v1"},"seq":8,"type":"welcome"})");
  EXPECT_EQ(h.type, "welcome");
  EXPECT_EQ(h.hearing, "bench");
  EXPECT_EQ(h.node, "n2");
  EXPECT_EQ(h.seq, 8);
  // Without node mode the welcome names no node.
  EXPECT_TRUE(read_head(R"({"hearing":{"title":"t","id":"h"},"type":"welcome"})").node.empty());
}

TEST(HaproxyConfig, TheLoopbackConfigIsTheReferenceWithNodesAndPortsSubstituted) {
  std::ifstream in(std::string(DAIS_SOURCE_DIR) + "/tools/scale-out/haproxy.cfg");
  ASSERT_TRUE(in);
  const std::string reference((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto config =
      loopback_haproxy_config(reference, 18080, {{"n1", 4101}, {"n2", 4102}}, "/tmp/x/haproxy.sock", 9000);
  for (const char* line :
       {"    bind 127.0.0.1:18080\n", "    use-server n1 if { urlp(node) -m str n1 }\n",
        "    use-server n2 if { urlp(node) -m str n2 }\n", "    server n1 127.0.0.1:4101\n",
        "    server n2 127.0.0.1:4102\n", "    server n2 127.0.0.1:4102 track nodes/n2 cookie n2\n",
        "    stats socket /tmp/x/haproxy.sock mode 660 level admin\n", "    maxconn 9000\n",
        "    balance url_param hearing\n", "    hash-type consistent\n",
        "    default-server check inter 500 fall 2 rise 2 on-marked-down shutdown-sessions\n"}) {
    EXPECT_NE(config.find(line), std::string::npos) << line << config;
  }
  // The reference's third node and its addresses are gone; so are the lines only a system service needs.
  for (const char* gone :
       {"n3", "10.0.0.", "\n    user haproxy\n", "\n    daemon\n", "/dev/log", "/run/haproxy"})
    EXPECT_EQ(config.find(gone), std::string::npos) << gone;
}

TEST(ReadHead, MalformedFramesHaveNoType) {
  for (const char* bad :
       {"", "[]", "{", R"({"type":)", R"({"type":"update")", R"({"type":"update",})", "nonsense"}) {
    EXPECT_TRUE(read_head(bad).type.empty()) << bad;
  }
}

TEST(TallyLookup, FindsSheetsAndTurnoutInTheEngineViews) {
  // The shapes of core::section_view: tally.ballots[] and ballots.items[].turnout.
  const json tally = {{"visible", true},
                      {"ballots", {{{"ballot", "B1"}, {"sheets", 40}, {"sections", json::object()}}}}};
  EXPECT_EQ(tally_sheets(tally, "B1"), 40);
  EXPECT_EQ(tally_sheets(tally, "B2"), std::nullopt);
  const json ballots = {
      {"items",
       {{{"id", "B1"}, {"voted", {"v1", "v2"}}, {"turnout", {{"voted", 2}, {"eligible", 9}}}},
        {{"id", "B2"}, {"turnout", {{"voted", 7}, {"eligible", 9}}}}}}};
  EXPECT_EQ(ballot_figure(ballots, "B1", "voted"), 2);
  EXPECT_EQ(ballot_figure(ballots, "B2", "voted"), 7);
}

TEST(Tokens, ReadsTheImportTable) {
  const auto file = std::filesystem::temp_directory_path() / "dais-bench-tokens-test.tsv";
  std::ofstream(file)
      << "participant\tname\troles\ttoken\nchair\t主持人\tchair\tTOKEN-A\nv00001\t测评人 1\tvoter\tTOKEN-B\n";
  const auto tokens = read_tokens(file);
  std::filesystem::remove(file);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens.at("chair"), "TOKEN-A");
  EXPECT_EQ(tokens.at("v00001"), "TOKEN-B");
}

TEST(Listening, ReadsThePortFromTheServersLine) {
  EXPECT_EQ(listening_port("listening on http://127.0.0.1:41234"), 41234);
  EXPECT_EQ(listening_port("listening on https://127.0.0.1:8443 (TLS)"), 8443);
  EXPECT_EQ(listening_port("demo hearing: x"), std::nullopt);
}

TEST(Stats, NearestRankPercentiles) {
  std::vector<std::int64_t> us;
  for (int i = 1; i <= 100; ++i) us.push_back(i * 1000);
  const auto s = summarize(us);
  EXPECT_EQ(s.count, 100);
  EXPECT_DOUBLE_EQ(s.p50_ms, 50);
  EXPECT_DOUBLE_EQ(s.p99_ms, 99);
  EXPECT_DOUBLE_EQ(s.max_ms, 100);
}

// The soak passes when the server's memory after the last round is back within 10 % of the first round's,
// whichever way it moved.
TEST(Soak, TheLastRoundsRssMustBeWithinTenPercentOfTheFirst) {
  EXPECT_TRUE(rss_settled({}, 0.10));
  EXPECT_TRUE(rss_settled({80.0}, 0.10));
  EXPECT_TRUE(rss_settled({80.0, 120.0, 87.9}, 0.10));
  EXPECT_TRUE(rss_settled({80.0, 72.1}, 0.10));
  EXPECT_FALSE(rss_settled({80.0, 80.0, 88.5}, 0.10));
  EXPECT_FALSE(rss_settled({80.0, 71.0}, 0.10));
}

// The engine's steps (BallotTest.TheLiveTallyMovesInStepsOfKOneStepBehind): 0 until 2k sheets, then one step
// behind the last multiple of k.
TEST(BenchHearing, TheLastLiveCountIsOneStepOfKBehind) {
  EXPECT_EQ(last_live_count(4, 5), 0);
  EXPECT_EQ(last_live_count(5, 5), 0);
  EXPECT_EQ(last_live_count(9, 5), 0);
  EXPECT_EQ(last_live_count(10, 5), 5);
  EXPECT_EQ(last_live_count(2000, 5), 1995);
  EXPECT_EQ(last_live_count(2004, 5), 1995);
  EXPECT_EQ(last_live_count(7, 3), 3);
}

TEST(BenchHearing, TenThousandVotersMakeAValidDefinition) {
  HearingSize size;
  size.voters = 10000;
  const auto doc = json::parse(bench_hearing_json(size));
  const auto def = core::parse_definition(doc);
  ASSERT_TRUE(def.ok()) << def.error().field << ": " << def.error().message;
  EXPECT_EQ(def->participants.size(), 10000u + 4 + 2 + 3);
  EXPECT_NE(def->participant(voter_id(10000)), nullptr);
}

TEST(RoundFrame, CarriesItsRoundAndHasTheSizeAsked) {
  const auto frame = round_frame(17, 882);
  EXPECT_EQ(frame.size(), 882u);
  EXPECT_EQ(frame_round(frame), 17);
  EXPECT_TRUE(json::accept(frame));
  // Too small a size to hold the marking: the frame is as short as it can be.
  EXPECT_EQ(frame_round(round_frame(3, 1)), 3);
  EXPECT_EQ(frame_round(R"({"type":"update","seq":5})"), std::nullopt);
  EXPECT_EQ(frame_round(R"({"round":x})"), std::nullopt);
}

// The bare Beast reference of the fan-out comparison: every onlooker gets every round's frame, whole, once.
TEST(BroadcastServer, EveryOnlookerGetsEveryRoundsFrameWithItsSize) {
  BroadcastServer server(0, 2);
  constexpr std::size_t kOnlookers = 300, kBytes = 882;
  constexpr int kRounds = 5;
  Gallery gallery({{"127.0.0.1", server.port(), "/any/path"}, 2, 1}, kOnlookers);
  const auto connected = gallery.connect(64, std::chrono::seconds(30));
  ASSERT_EQ(connected.connected, static_cast<std::int64_t>(kOnlookers)) << connected.first_failure;
  for (int r = 1; r <= kRounds; ++r) {
    const auto round = gallery.round(r, kBytes, std::chrono::seconds(30));
    EXPECT_EQ(round.missing, 0) << "round " << r;
    ASSERT_EQ(round.deliveries.size(), kOnlookers - 1);
    for (const auto& d : round.deliveries) {
      ASSERT_TRUE(d.at.has_value()) << "round " << r;
      EXPECT_GE(*d.at, round.sent);
      EXPECT_EQ(d.bytes, kBytes);
    }
  }
  // One frame per round each, the trigger's own copy included: nothing lost, nothing twice.
  for (const auto frames : gallery.frames()) EXPECT_EQ(frames, kRounds);
}

}  // namespace
}  // namespace dais::bench

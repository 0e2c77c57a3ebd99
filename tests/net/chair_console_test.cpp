// What the chair's console needs from the server to avoid one-click accidents: the public address for the QR
// sheet, and who has a device open before a reissue drops it.
#include <algorithm>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "net/options.hpp"

namespace dais::test {
namespace {

bool has(const json& list, const std::string& id) {
  return std::find(list.begin(), list.end(), json(id)) != list.end();
}

TEST(PublicUrl, AcceptsAnOriginAndRefusesAnythingElse) {
  net::ServerOptions o;
  ASSERT_TRUE(net::apply_setting(o, "public_url", "http://192.168.1.20:8080/"));
  EXPECT_EQ(o.public_url, "http://192.168.1.20:8080");  // no trailing slash: paths are appended
  ASSERT_TRUE(net::apply_setting(o, "public_url", "https://hall.example"));
  EXPECT_EQ(o.public_url, "https://hall.example");
  for (const char* bad : {"192.168.1.20:8080", "ftp://host", "http://", "http://host/j", "http://a b",
                          "http://host?x=1", "http://user@host"}) {
    auto r = net::apply_setting(o, "public_url", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "public_url");
  }
  EXPECT_EQ(o.public_url, "https://hall.example");  // a refused value changes nothing
  ASSERT_TRUE(net::apply_setting(o, "public_url", ""));
  EXPECT_TRUE(o.public_url.empty());
}

TEST(PublicUrl, ReachesTheChairOnlyInTheWelcome) {
  Hall hall;
  hall.options.public_url = "http://10.0.0.7:8080";
  hall.start();
  const json chair = hall.connect()->hello(hall.token("chair"));
  ASSERT_EQ(chair["type"], "welcome");
  EXPECT_EQ(chair["public_url"], "http://10.0.0.7:8080");
  const json voter = hall.connect()->hello(hall.token("v001"));
  ASSERT_EQ(voter["type"], "welcome");
  EXPECT_FALSE(voter.contains("public_url"));
}

TEST(PublicUrl, AbsentWhenNotSet) {
  Hall hall;
  hall.start();
  EXPECT_FALSE(hall.connect()->hello(hall.token("chair")).contains("public_url"));
}

TEST(ListOnline, NamesWhoHasADeviceOpenAndOnlyForTheChair) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  auto screen = hall.join("screen");
  auto voter = hall.join("v002");
  json online = chair->request({{"type", "list_online"}});
  ASSERT_EQ(online["type"], "ack") << online.dump();
  const json& ids = online["result"]["participants"];
  EXPECT_TRUE(has(ids, "chair"));
  EXPECT_TRUE(has(ids, "screen"));
  EXPECT_TRUE(has(ids, "v002"));
  EXPECT_FALSE(has(ids, "v003"));

  // Reissuing one person's code drops that person's devices only.
  ASSERT_EQ(chair->request({{"type", "issue_tokens"}, {"participants", {"v002"}}})["type"], "ack");
  EXPECT_EQ(voter->wait_closed(), net::close_code::revoked);
  online = chair->request({{"type", "list_online"}});
  EXPECT_FALSE(has(online["result"]["participants"], "v002"));
  EXPECT_TRUE(has(online["result"]["participants"], "screen"));
  EXPECT_FALSE(screen->ended());

  for (const char* who : {"sec1", "screen", "v003"}) {
    auto c = who == std::string("screen") ? screen : hall.join(who);
    const json refused = c->request({{"type", "list_online"}});
    EXPECT_EQ(refused["code"], "not_allowed") << who;
    EXPECT_EQ(refused["params"]["command"], "list_online") << who;
  }
}

TEST(ChairConsole, ReissuingAListGivesEachPersonOneWorkingCardOrNoOneAny) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  const std::vector<std::string> who = {"v003", "v004", "v005"};
  std::vector<std::shared_ptr<Client>> old_devices;
  for (const auto& p : who) old_devices.push_back(hall.join(p));

  const json issued = chair->request({{"type", "issue_tokens"}, {"participants", who}});
  ASSERT_EQ(issued["type"], "ack") << issued.dump();
  const json& tokens = issued["result"]["tokens"];
  ASSERT_EQ(tokens.size(), who.size());
  for (std::size_t i = 0; i < who.size(); ++i) {
    EXPECT_EQ(tokens[i]["participant"], who[i]);
    EXPECT_EQ(old_devices[i]->wait_closed(), net::close_code::revoked) << who[i];
    EXPECT_EQ(hall.connect()->hello(hall.token(who[i]))["code"], "unauthorized") << who[i];
    EXPECT_EQ(hall.connect()->hello(tokens[i]["token"].get<std::string>())["type"], "welcome") << who[i];
  }

  // A list naming someone unknown is refused whole: the others keep the cards they hold.
  auto v006 = hall.join("v006");
  const json refused = chair->request({{"type", "issue_tokens"}, {"participants", {"v006", "nobody"}}});
  EXPECT_EQ(refused["code"], "not_found") << refused.dump();
  EXPECT_EQ(hall.connect()->hello(hall.token("v006"))["type"], "welcome");
  EXPECT_FALSE(v006->ended());
}

}  // namespace
}  // namespace dais::test

// The secretariat's door over real loopback sockets: sign-in, the session cookie, CSRF, lockout on the
// server's manual clock, logout, expiry, the observer's read-only access and the list of hearings.
#include <gtest/gtest.h>

#include <fstream>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "organize_fixture.hpp"

namespace dais::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::asio::ip::tcp;

constexpr const char* kPassword = kOrganizerPassword;

class Organize : public ::testing::Test {
 protected:
  void SetUp() override {
    add("alice", "organizer");
    add("olga", "observer");
    hall.start();
  }

  void add(const std::string& name, const std::string& role) { add_account(hall, name, role); }

  HttpReply login(const std::string& name, const std::string& password) {
    return log_in(hall, name, password);
  }

  Browser sign_in(const std::string& name) { return test::sign_in(hall, name); }

  HttpReply get(const Browser& b, const std::string& target) {
    return http_request(hall.port(), "GET", target, "", {{"Cookie", b.cookie}});
  }

  HttpReply post(const Browser& b, const std::string& target,
                 std::map<std::string, std::string> headers = {}) {
    headers["Cookie"] = b.cookie;
    return http_request(hall.port(), "POST", target, "{}", headers);
  }

  Hall hall;
};

TEST_F(Organize, SignInSetsAStrictHttpOnlySessionCookieAndMeNamesTheAccount) {
  HttpReply r = login("alice", kPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string cookie = r.headers["set-cookie"];
  EXPECT_EQ(cookie.rfind("dais_org=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; Path=/organize"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Max-Age=43200"), std::string::npos) << cookie;  // 12 h
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP: a Secure cookie would never come back";
  const std::string id = cookie.substr(9, cookie.find(';') - 9);
  EXPECT_GE(id.size(), 43u);  // 32 random bytes
  EXPECT_EQ(r.headers["cache-control"], "no-store");
  EXPECT_FALSE(r.headers["content-security-policy"].empty());
  const json body = json::parse(r.body);
  EXPECT_EQ(body["name"], "alice");
  EXPECT_EQ(body["role"], "organizer");
  EXPECT_GE(body["csrf"].get<std::string>().size(), 43u);
  EXPECT_EQ(r.body.find(kPassword), std::string::npos);

  const Browser b{cookie.substr(0, cookie.find(';')), body["csrf"]};
  HttpReply me = get(b, "/organize/api/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(json::parse(me.body), body);
  EXPECT_EQ(http_request(hall.port(), "GET", "/organize/api/me").status, 401);
  EXPECT_EQ(http_request(hall.port(), "GET", "/organize/api/me", "", {{"Cookie", "dais_org=made-up"}}).status,
            401);
  EXPECT_TRUE(hall.store().find_account("alice")->last_sign_in_ms);
}

// Over TLS the cookie is also Secure: a browser never sends it back over plain HTTP.
TEST_F(Organize, OverTlsTheSessionCookieIsSecure) {
  hall.stop();
  const auto dir = std::filesystem::temp_directory_path() / ("dais-organize-tls-" + random_receipt());
  std::filesystem::create_directories(dir);
  make_test_certificate(dir);
  hall.options.tls_cert = dir / "cert.pem";
  hall.options.tls_key = dir / "key.pem";
  hall.start();
  boost::asio::io_context ioc;
  boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
  ctx.load_verify_file((dir / "cert.pem").string());
  ctx.set_verify_mode(boost::asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).connect({boost::asio::ip::make_address("127.0.0.1"), hall.port()});
  bound_reads(beast::get_lowest_layer(stream).socket());
  stream.handshake(boost::asio::ssl::stream_base::client);
  http::request<http::string_body> req{http::verb::post, "/organize/api/login", 11};
  req.set(http::field::host, "127.0.0.1");
  req.body() = json{{"name", "alice"}, {"password", kPassword}}.dump();
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  const std::string cookie(res[http::field::set_cookie]);
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
}

TEST_F(Organize, WrongPasswordAndUnknownAccountAnswerAlike) {
  HttpReply wrong = login("alice", "not the password");
  HttpReply unknown = login("nobody", "not the password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(json::parse(wrong.body)["error"], "wrong_credentials");
  EXPECT_EQ(wrong.headers.count("set-cookie"), 0u);
  EXPECT_EQ(unknown.headers.count("set-cookie"), 0u);
  auto headers_of = [](HttpReply r) {
    r.headers.erase("date");
    return r.headers;
  };
  EXPECT_EQ(headers_of(wrong), headers_of(unknown));
  EXPECT_EQ(login("alice", "").status, 401);
  EXPECT_EQ(http_request(hall.port(), "POST", "/organize/api/login", "not json").status, 400);
}

TEST_F(Organize, FiveFailuresLockTheAccountUntilTheLockoutEnds) {
  const core::TimeMs start = hall.clock().now();
  for (int i = 0; i < 4; ++i) ASSERT_EQ(login("alice", "guess " + std::to_string(i)).status, 401);
  HttpReply fifth = login("alice", "guess 5");
  ASSERT_EQ(fifth.status, 423) << fifth.body;
  const json locked = json::parse(fifth.body);
  EXPECT_EQ(locked["error"], "locked");
  EXPECT_EQ(locked["until"], start + 15 * 60 * 1000);
  // Now even the right password is refused, saying until when.
  HttpReply right = login("alice", kPassword);
  EXPECT_EQ(right.status, 423);
  EXPECT_EQ(json::parse(right.body)["until"], start + 15 * 60 * 1000);
  EXPECT_EQ(right.headers.count("set-cookie"), 0u);
  // An unknown name locks alike: a lock tells nothing about whether the account exists.
  for (int i = 0; i < 4; ++i) ASSERT_EQ(login("nobody", "guess").status, 401);
  EXPECT_EQ(json::parse(login("nobody", "guess").body), locked);

  hall.clock().advance(std::chrono::minutes(15) - std::chrono::milliseconds(1));
  EXPECT_EQ(login("alice", kPassword).status, 423);
  hall.clock().advance(std::chrono::milliseconds(1));
  EXPECT_EQ(login("alice", kPassword).status, 200);
}

TEST_F(Organize, TooManyFailuresFromOneAddressAreRateLimited) {
  hall.stop();
  hall.options.limits.login_max_failures_per_address = 3;
  hall.start();
  EXPECT_EQ(login("a", "x").status, 401);
  EXPECT_EQ(login("b", "x").status, 401);
  EXPECT_EQ(login("c", "x").status, 401);
  HttpReply r = login("alice", kPassword);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json::parse(r.body)["error"], "rate_limited");
  EXPECT_EQ(json::parse(r.body)["until"], hall.clock().now() + 15 * 60 * 1000);
  hall.clock().advance(std::chrono::minutes(15));
  EXPECT_EQ(login("alice", kPassword).status, 200);
}

TEST_F(Organize, AChangeWithoutTheSessionsCsrfTokenIsRefusedAndChangesNothing) {
  const Browser b = sign_in("alice");
  EXPECT_EQ(post(b, "/organize/api/logout").status, 403);
  EXPECT_EQ(post(b, "/organize/api/logout", {{"X-CSRF-Token", "wrong"}}).status, 403);
  const Browser other = sign_in("olga");
  EXPECT_EQ(post(b, "/organize/api/logout", {{"X-CSRF-Token", other.csrf}}).status, 403);
  // From another site, even with the token.
  EXPECT_EQ(
      post(b, "/organize/api/logout", {{"X-CSRF-Token", b.csrf}, {"Origin", "http://evil.example"}}).status,
      403);
  EXPECT_EQ(get(b, "/organize/api/me").status, 200);  // still signed in
  EXPECT_EQ(post(b, "/organize/api/logout",
                 {{"X-CSRF-Token", b.csrf}, {"Origin", "http://127.0.0.1:" + std::to_string(hall.port())}})
                .status,
            200);
}

TEST_F(Organize, LogoutEndsTheSession) {
  const Browser b = sign_in("alice");
  HttpReply out = post(b, "/organize/api/logout", {{"X-CSRF-Token", b.csrf}});
  ASSERT_EQ(out.status, 200);
  EXPECT_NE(out.headers["set-cookie"].find("dais_org=; Path=/organize"), std::string::npos);
  EXPECT_NE(out.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(get(b, "/organize/api/me").status, 401);
  EXPECT_EQ(get(b, "/organize/api/hearings").status, 401);
}

TEST_F(Organize, ASessionEndsWhenIdleAndAtItsLifetime) {
  const Browser idle = sign_in("alice");
  hall.clock().advance(std::chrono::minutes(29));
  EXPECT_EQ(get(idle, "/organize/api/me").status, 200);  // a request keeps it alive
  hall.clock().advance(std::chrono::minutes(29));
  EXPECT_EQ(get(idle, "/organize/api/me").status, 200);
  hall.clock().advance(std::chrono::minutes(30));
  EXPECT_EQ(get(idle, "/organize/api/me").status, 401);

  const Browser busy = sign_in("alice");
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    hall.clock().advance(std::chrono::minutes(20));
    ASSERT_EQ(get(busy, "/organize/api/me").status, 200) << i;
  }
  hall.clock().advance(std::chrono::minutes(20));  // 12 h after sign-in
  EXPECT_EQ(get(busy, "/organize/api/me").status, 401);
}

TEST_F(Organize, ARemovedAccountsSessionEnds) {
  const Browser b = sign_in("alice");
  ASSERT_TRUE(hall.store().remove_account("alice"));
  EXPECT_EQ(get(b, "/organize/api/me").status, 401);
}

TEST_F(Organize, AnObserverReadsButMayNotChangeAnything) {
  const Browser o = sign_in("olga");
  EXPECT_EQ(json::parse(get(o, "/organize/api/me").body)["role"], "observer");
  EXPECT_EQ(get(o, "/organize/api/hearings").status, 200);
  HttpReply r = post(o, "/organize/api/hearings", {{"X-CSRF-Token", o.csrf}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json::parse(r.body)["error"], "read_only");
  const Browser a = sign_in("alice");
  // The same request from an organizer reaches the hearing's rules (and `{}` is no definition).
  EXPECT_EQ(post(a, "/organize/api/hearings", {{"X-CSRF-Token", a.csrf}}).status, 400);
  EXPECT_EQ(post(o, "/organize/api/logout", {{"X-CSRF-Token", o.csrf}}).status,
            200);  // signing out is theirs
}

TEST_F(Organize, TheListShowsEveryHearingOfTheFileWithItsPhase) {
  const Browser b = sign_in("olga");
  HttpReply r = get(b, "/organize/api/hearings");
  ASSERT_EQ(r.status, 200) << r.body;
  const json list = json::parse(r.body)["hearings"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], hall.definition().id);
  EXPECT_EQ(list[0]["title"], hall.definition().title);
  EXPECT_EQ(list[0]["date"], hall.definition().date);
  EXPECT_EQ(list[0]["venue"], hall.definition().venue);
  EXPECT_EQ(list[0]["phase"], "draft");

  auto chair = hall.join("chair");
  ASSERT_EQ(chair->request(json{{"type", "open_check_in"}})["type"], "ack");
  EXPECT_EQ(json::parse(get(b, "/organize/api/hearings").body)["hearings"][0]["phase"], "check_in");
}

TEST_F(Organize, ThePasswordIsStoredOnlyAsAnArgon2idHash) {
  ASSERT_EQ(login("alice", kPassword).status, 200);
  // A copy of every page of the file as it is now (the online backup), read raw.
  const auto dir = std::filesystem::temp_directory_path() / ("dais-organize-" + random_receipt());
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(hall.store().backup_to(dir / "copy.db"));
  std::ifstream in(dir / "copy.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  EXPECT_NE(bytes.find("$argon2id$v=19$"), std::string::npos);
  EXPECT_EQ(bytes.find(kPassword), std::string::npos);
  EXPECT_EQ(hall.store().find_account("alice")->password_hash.rfind("$argon2id$", 0), 0u);
}

}  // namespace
}  // namespace dais::test

// Attack: another site frames the chair console (clickjacking), a join link's token leaks to another site in
// the Referer, a download is sniffed into a script, injected markup runs inline script, a tablet is talked
// down to plain HTTP. Every answer of the server, the client's files and the exports alike, carries the
// headers that close these; Strict-Transport-Security only where the server speaks TLS.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "net/harness.hpp"
#include "security/helpers.hpp"

namespace dais::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;

// A scratch directory with a small client in web/.
struct WebScratch : Scratch {
  WebScratch() : Scratch("dais-headers") {
    fs::create_directories(dir / "web" / "assets");
    std::ofstream(dir / "web" / "index.html") << "<!doctype html><title>Dais</title>";
    std::ofstream(dir / "web" / "assets" / "app-3f2a9c.js") << "console.log('dais')";
  }
  fs::path web() const { return dir / "web"; }
};

// The policy's directives, each with its sources.
std::map<std::string, std::set<std::string>> directives(const std::string& policy) {
  std::map<std::string, std::set<std::string>> out;
  std::stringstream all(policy);
  std::string one;
  while (std::getline(all, one, ';')) {
    std::stringstream words(one);
    std::string name, source;
    if (!(words >> name)) continue;
    auto& sources = out[name];
    while (words >> source) sources.insert(source);
  }
  return out;
}

void expect_security_headers(const HttpReply& r, const std::string& what, bool tls) {
  SCOPED_TRACE(what + " (" + std::to_string(r.status) + ")");
  auto h = r.headers;
  ASSERT_EQ(h.count("content-security-policy"), 1u);
  auto csp = directives(h["content-security-policy"]);
  EXPECT_EQ(csp["default-src"], std::set<std::string>{"'self'"});
  EXPECT_EQ(csp["script-src"], std::set<std::string>{"'self'"});  // nothing inline, no eval
  EXPECT_EQ(csp["connect-src"], (std::set<std::string>{"'self'", "ws:", "wss:"}));
  EXPECT_EQ(csp["frame-ancestors"], std::set<std::string>{"'none'"});
  EXPECT_EQ(csp["object-src"], std::set<std::string>{"'none'"});
  EXPECT_EQ(csp["base-uri"], std::set<std::string>{"'none'"});
  EXPECT_EQ(csp["style-src"].count("'self'"), 1u);
  EXPECT_EQ(h["x-frame-options"], "DENY");
  EXPECT_EQ(h["referrer-policy"], "no-referrer");
  EXPECT_EQ(h["x-content-type-options"], "nosniff");
  if (tls) {
    EXPECT_EQ(h["strict-transport-security"], "max-age=31536000");
  } else {
    EXPECT_EQ(h.count("strict-transport-security"), 0u) << "HSTS over plain HTTP is meaningless";
  }
}

// The answers to check: the client's page and a hashed asset, a join link, the exports (allowed, refused,
// forbidden), a 404, a refused path, health and metrics.
struct Probe {
  std::string target;
  std::string token;  // sent as a Bearer token when not empty
  int status;
};

std::vector<Probe> probes(const Hall& hall) {
  return {
      {"/", "", 200},
      {"/index.html", "", 200},
      {"/assets/app-3f2a9c.js", "", 200},
      {"/j/" + hall.token("v001"), "", 200},
      {"/api/minutes.html", hall.token("chair"), 200},
      {"/api/results.csv", hall.token("jpr"), 200},
      {"/api/results.xlsx", hall.token("chair"), 200},
      {"/api/results.json", hall.token("chair"), 200},
      {"/api/results.json", "", 401},
      {"/api/minutes.html", hall.token("v001"), 403},
      {"/nothing-here.js", "", 404},
      {"/%2fetc/passwd", "", 400},
      {"/healthz", "", 200},
      {"/metrics", "", 200},
  };
}

std::map<std::string, std::string> bearer(const std::string& token) {
  if (token.empty()) return {};
  return {{"Authorization", "Bearer " + token}};
}

TEST(SecurityHeaders, OnEveryAnswerOverPlainHttp) {
  WebScratch s;
  Hall hall;
  hall.options.web = s.web();
  hall.start();
  for (const auto& p : probes(hall)) {
    const HttpReply r = http_get(hall.port(), p.target, bearer(p.token));
    EXPECT_EQ(r.status, p.status) << p.target;
    expect_security_headers(r, p.target, false);
  }
  // Without a web root the 404 for the client's files carries them too.
  Hall bare;
  bare.start();
  expect_security_headers(http_get(bare.port(), "/index.html"), "no web root", false);
}

HttpReply https_get(std::uint16_t port, const fs::path& ca, const std::string& target,
                    const std::map<std::string, std::string>& headers) {
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(ca.string());
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).connect({asio::ip::make_address("127.0.0.1"), port});
  bound_reads(beast::get_lowest_layer(stream).socket());
  stream.handshake(asio::ssl::stream_base::client);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  HttpReply out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  return out;
}

TEST(SecurityHeaders, StrictTransportSecurityUnderTls) {
  WebScratch s;
  make_test_certificate(s.dir);
  Hall hall;
  hall.options.web = s.web();
  hall.options.tls_cert = s.dir / "cert.pem";
  hall.options.tls_key = s.dir / "key.pem";
  hall.start();
  for (const auto& p : probes(hall)) {
    const HttpReply r = https_get(hall.port(), s.dir / "cert.pem", p.target, bearer(p.token));
    EXPECT_EQ(r.status, p.status) << p.target;
    expect_security_headers(r, p.target, true);
  }
}

// The policy allows scripts and stylesheets from the server alone; the built client must need nothing more:
// no inline script, every script and stylesheet a path on this server, and each of them served.
TEST(SecurityHeaders, TheBuiltClientNeedsNothingThePolicyForbids) {
  const fs::path dist = fs::path(DAIS_SOURCE_DIR) / "client-web" / "dist";
  if (!fs::exists(dist / "index.html")) GTEST_SKIP() << "client-web/dist is not built (make web)";
  std::ifstream in(dist / "index.html");
  std::stringstream text;
  text << in.rdbuf();
  const std::string page = text.str();
  Hall hall;
  hall.options.web = dist;
  hall.start();
  expect_security_headers(http_get(hall.port(), "/"), "the built index.html", false);

  // Each script element: a src on this server, and nothing between its tags.
  const std::regex external(R"re(<script\b[^>]*\bsrc="/[^/"][^"]*"[^>]*>)re", std::regex::icase);
  int scripts = 0;
  for (auto at = page.find("<script"); at != std::string::npos;
       at = page.find("<script", at + 1), ++scripts) {
    const auto open_end = page.find('>', at);
    const auto close = page.find("</script>", at);
    ASSERT_TRUE(open_end != std::string::npos && close != std::string::npos) << page.substr(at, 200);
    const std::string tag = page.substr(at, open_end + 1 - at);
    EXPECT_TRUE(std::regex_match(tag, external)) << "not an external script of this server: " << tag;
    EXPECT_EQ(close, open_end + 1) << "inline script: " << page.substr(at, close - at);
  }
  EXPECT_GE(scripts, 1);
  EXPECT_EQ(page.find("<style"), std::string::npos);
  EXPECT_EQ(page.find(" style="), std::string::npos);
  // Every file the page names (scripts, stylesheets, icons) is a path on this server, and is served.
  const std::regex source(R"re(\b(?:src|href)="([^"]*)")re", std::regex::icase);
  for (std::sregex_iterator it(page.begin(), page.end(), source), end; it != end; ++it) {
    const std::string path = (*it)[1].str();
    ASSERT_TRUE(path.size() > 1 && path[0] == '/' && path[1] != '/') << "not a path on this server: " << path;
    EXPECT_EQ(http_get(hall.port(), path).status, 200) << path;
  }
}

}  // namespace
}  // namespace dais::test

// The HTTP side of the port: the web client's files with their types and cache headers, join links, health,
// metrics, path traversal, request limits, and a clean stop.
#include <gtest/gtest.h>

#include <fstream>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "harness.hpp"

namespace dais::test {
namespace {

namespace fs = std::filesystem;

struct WebRoot {
  fs::path dir;
  WebRoot() {
    std::string pattern = (fs::temp_directory_path() / "dais-web-XXXXXX").string();
    dir = ::mkdtemp(pattern.data());
    fs::create_directories(dir / "assets");
    write("index.html", "<!doctype html><title>Dais</title>");
    write("assets/app-3f2a9c.js", "console.log('dais')");
    write("assets/app-3f2a9c.css", "body{}");
    write("assets/font-1.woff2", "wOF2");
    write("favicon.ico", "ico");
    fs::create_directories(dir.parent_path() / (dir.filename().string() + "-secret"));
    std::ofstream(dir.parent_path() / (dir.filename().string() + "-secret") / "db.txt") << "secret";
  }
  ~WebRoot() {
    std::error_code ec;
    fs::remove_all(dir.parent_path() / (dir.filename().string() + "-secret"), ec);
    fs::remove_all(dir, ec);
  }
  void write(const std::string& name, const std::string& text) const { std::ofstream(dir / name) << text; }
};

// Sends raw bytes and returns the status code of the answer (for targets an HTTP library would clean up).
int raw_status(std::uint16_t port, const std::string& request) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(s, boost::asio::buffer(request));
  std::string reply(12, '\0');
  boost::system::error_code ec;
  boost::asio::read(s, boost::asio::buffer(reply), ec);
  return reply.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(reply.substr(9, 3)) : -1;
}

TEST(Http, ServesTheClientWithTypesAndCacheHeaders) {
  WebRoot web;
  Hall hall;
  hall.options.web = web.dir;
  hall.start();
  HttpReply r = http_get(hall.port(), "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(r.headers["cache-control"], "no-cache");
  r = http_get(hall.port(), "/assets/app-3f2a9c.js");
  EXPECT_EQ(r.body, "console.log('dais')");
  EXPECT_EQ(r.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(r.headers["cache-control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(http_get(hall.port(), "/assets/app-3f2a9c.css").headers["content-type"],
            "text/css; charset=utf-8");
  EXPECT_EQ(http_get(hall.port(), "/assets/font-1.woff2").headers["content-type"], "font/woff2");
  EXPECT_EQ(http_get(hall.port(), "/favicon.ico").headers["content-type"], "image/x-icon");
  EXPECT_EQ(http_get(hall.port(), "/nothing-here.js").status, 404);
  // A join link opens the client.
  r = http_get(hall.port(), "/j/" + hall.token("v001"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html><title>Dais</title>");
  EXPECT_EQ(r.headers["cache-control"], "no-cache");
}

TEST(Http, RefusesPathTraversal) {
  WebRoot web;
  Hall hall;
  hall.options.web = web.dir;
  hall.start();
  const std::string secret = "/../" + web.dir.filename().string() + "-secret/db.txt";
  for (const std::string& target :
       {secret, std::string("/assets/../../etc/passwd"), std::string("/%2e%2e/%2e%2e/etc/passwd"),
        std::string("/assets/%2E%2E/%2e%2e/etc/passwd"), std::string("/a%5c..%5c..%5cetc")}) {
    const int status = raw_status(hall.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status, 400) << target;
  }
}

TEST(Http, HealthMetricsAndLimits) {
  Hall hall;
  hall.start();
  HttpReply r = http_get(hall.port(), "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  auto c = hall.join("v001");
  ASSERT_EQ(c->request({{"type", "ping"}})["type"], "ack");
  c->send_text("garbage");
  c->wait_for([](const json& m) { return m["type"] == "error"; });
  r = http_get(hall.port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("dais_connections 1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("dais_errors_total{code=\"bad_message\"} 1"), std::string::npos);
  EXPECT_NE(r.body.find("dais_acks_total 1"), std::string::npos);
  EXPECT_NE(r.body.find("dais_commit_latency_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(r.body.find("dais_slow_client_closes_total 0"), std::string::npos);
  // Without a web directory the client's files are simply not there.
  EXPECT_EQ(http_get(hall.port(), "/index.html").status, 404);
  EXPECT_EQ(http_get(hall.port(), "/ws").status, 400);  // not an upgrade
  EXPECT_EQ(raw_status(hall.port(), "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), 405);
  const std::string huge(40 * 1024, 'h');
  EXPECT_EQ(raw_status(hall.port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + huge + "\r\n\r\n"), 413);
}

TEST(Shutdown, PendingCommitsAreAcknowledgedAndClientsGet1001) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  auto display = hall.join("screen");
  const std::string id = chair->next_id();
  chair->send({{"type", "open_check_in"}, {"id", id}});
  chair->wait_answer(id);
  hall.stop();
  EXPECT_EQ(chair->wait_closed(), net::close_code::going_away);
  EXPECT_EQ(display->wait_closed(), net::close_code::going_away);
  hall.start();
  EXPECT_EQ(hall.join("screen")->view()["hearing"]["phase"], "check_in");
}

}  // namespace
}  // namespace dais::test

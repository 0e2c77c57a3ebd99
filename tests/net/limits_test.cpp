// Bad input and every limit over the wire: each gets its specific error or close code, and nobody else
// notices.
#include <limits>

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "harness.hpp"

namespace dais::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

net::Limits with(const std::function<void(net::Limits&)>& change) {
  net::Limits l = Hall::test_limits();
  change(l);
  return l;
}

json error_for(Client& c, const std::string& text, bool binary = false) {
  const std::size_t from = c.count();
  c.send_text(text, binary);
  return c.wait_for([](const json& m) { return m["type"] == "error"; }, from);
}

TEST(BadMessages, AreAnsweredSpecificallyAndChangeNothing) {
  Hall hall;
  hall.start();
  auto voter = hall.join("v001");
  auto other = hall.join("v002");
  const auto seq = voter->seq();

  EXPECT_EQ(error_for(*voter, "{not json")["code"], "bad_message");
  EXPECT_EQ(error_for(*voter, "[\"an array\"]")["code"], "bad_message");
  EXPECT_EQ(error_for(*voter, "{\"no\":\"type\"}")["field"], "/type");
  EXPECT_EQ(error_for(*voter, "{\"type\":\"ping\"}", true)["code"], "bad_message");  // binary frame
  json e = error_for(*voter, R"({"type":"fly_to_the_moon","id":"x1"})");
  EXPECT_EQ(e["code"], "unknown_type");
  EXPECT_EQ(e["id"], "x1");
  e = error_for(*voter, R"({"type":"submit_inquiry","id":"x2","slot":"s01","text":""})");
  EXPECT_EQ(e["code"], "bad_message");
  EXPECT_EQ(e["field"], "/text");
  EXPECT_EQ(e["id"], "x2");
  e = error_for(*voter, R"({"type":"welcome","id":"x3"})");  // a server message is no request
  EXPECT_EQ(e["code"], "unknown_type");
  e = error_for(*voter, R"({"type":"hello","protocol":1,"token":"again"})");
  EXPECT_EQ(e["code"], "bad_message");
  // Well-formed but refused by the engine: its code, nothing changed.
  e = voter->request({{"type", "approve_inquiry"}, {"inquiry", "I1"}});
  EXPECT_EQ(e["code"], "not_allowed");
  e = voter->request({{"type", "check_in"}, {"participant", "v003"}});  // someone else: desk only
  EXPECT_EQ(e["code"], "not_allowed");

  EXPECT_EQ(voter->request({{"type", "ping"}})["type"], "ack");
  EXPECT_EQ(other->request({{"type", "ping"}})["type"], "ack");
  EXPECT_EQ(voter->seq(), seq);
  EXPECT_EQ(other->count(), 2u);  // its welcome and its own ack: nothing leaked from the other's mistakes
  EXPECT_GE(hall.metrics().errors("bad_message"), 4);
}

TEST(BadMessages, RequestBeforeHelloIsNotJoinedAndRevealsNothing) {
  Hall hall;
  hall.start();
  auto c = hall.connect();
  const json e = c->request({{"type", "open_check_in"}});
  EXPECT_EQ(e["code"], "not_joined");
  EXPECT_EQ(c->count(), 1u);
  EXPECT_EQ(c->hello(hall.token("v001"))["type"], "welcome");
}

TEST(BadMessages, UnknownTokenAndWrongVersionAreRefusedAndClosed) {
  Hall hall;
  hall.start();
  auto c = hall.connect();
  EXPECT_EQ(c->hello("not-a-token")["code"], "unauthorized");
  EXPECT_EQ(c->wait_closed(), net::close_code::unauthorized);
  auto d = hall.connect();
  const std::size_t from = d->count();
  d->send({{"type", "hello"}, {"protocol", 2}, {"token", hall.token("v001")}});
  EXPECT_EQ(d->wait_for([](const json& m) { return m["type"] == "error"; }, from)["code"],
            "version_mismatch");
  EXPECT_EQ(d->wait_closed(), net::close_code::version_mismatch);
}

TEST(BadMessages, TooManyInARowClose) {
  Hall hall(with([](net::Limits& l) { l.max_bad_messages = 3; }));
  hall.start();
  auto c = hall.join("v001");
  for (int i = 0; i < 3; ++i) c->send_text("nonsense");
  EXPECT_EQ(c->wait_closed(), net::close_code::bad_messages);
  EXPECT_EQ(hall.join("v002")->request({{"type", "ping"}})["type"], "ack");
}

TEST(Limits, MessageSizeGivesTooLargeThenCloses1009) {
  Hall hall(with([](net::Limits& l) { l.max_message_bytes = 1024; }));
  hall.start();
  auto c = hall.join("q01");
  const std::string big(1500, 'x');
  json e = error_for(*c, R"({"type":"ping","id":"p1","pad":")" + big + "\"}");
  EXPECT_EQ(e["code"], "too_large");
  EXPECT_EQ(c->request({{"type", "ping"}})["type"], "ack");  // still connected
  c->send_text(std::string(5000, ' ') + "{}");
  EXPECT_EQ(c->wait_closed(), 1009);
}

TEST(Limits, AMessageInManyFramesIsReadWholeAndMeasuredWhole) {
  Hall hall(with([](net::Limits& l) { l.max_message_bytes = 4096; }));
  hall.start();
  asio::io_context ioc;
  beast::websocket::stream<asio::ip::tcp::socket> ws(ioc);
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), hall.port()});
  bound_reads(ws.next_layer());
  ws.handshake("127.0.0.1", "/ws");
  ws.text(true);
  auto send_in_frames = [&](const std::string& text, std::size_t frame) {
    for (std::size_t at = 0; at < text.size(); at += frame) {
      const std::size_t n = std::min(frame, text.size() - at);
      ws.write_some(at + n == text.size(), asio::buffer(text.data() + at, n));
    }
  };
  auto read_json = [&] {
    beast::flat_buffer b;
    ws.read(b);
    return json::parse(beast::buffers_to_string(b.data()));
  };
  send_in_frames(
      json{{"type", "hello"}, {"protocol", net::kProtocolVersion}, {"token", hall.token("q01")}}.dump(), 7);
  ASSERT_EQ(read_json()["type"], "welcome");
  // Ten times the bytes an idle read holds, in frames of 100: parsed as one JSON message (its one fault is
  // the unknown field, found at its end), answered once.
  const std::string pad(2500, 'x');
  send_in_frames(R"({"type":"ping","id":"p1","pad":")" + pad + "\"}", 100);
  json answer = read_json();
  EXPECT_EQ(answer["code"], "bad_message") << answer.dump();
  EXPECT_EQ(answer["field"], "/pad");
  EXPECT_EQ(answer["id"], "p1");
  send_in_frames(R"({"type":"ping","id":"p3"})", 3);
  EXPECT_EQ(read_json()["type"], "ack");
  // The size limit counts the whole message, not one frame of it.
  const std::string big(5000, 'y');
  send_in_frames(R"({"type":"ping","id":"p2","pad":")" + big + "\"}", 1000);
  answer = read_json();
  EXPECT_EQ(answer["type"], "error");
  EXPECT_EQ(answer["code"], "too_large");
}

TEST(Limits, RateLimitPerConnectionThenCloseOnAbuse) {
  Hall hall(with([](net::Limits& l) {
    l.rate_per_s = 20;
    l.rate_burst = 40;
    l.max_rate_limited = 10;
  }));
  hall.start();
  auto c = hall.join("v001");
  auto other = hall.join("v002");
  // The clock stands still: the burst is all there is.
  std::vector<std::string> ids;
  for (int i = 0; i < 45; ++i) {
    ids.push_back(c->next_id());
    c->send({{"type", "ping"}, {"id", ids.back()}});
  }
  int acks = 0, limited = 0;
  for (const auto& id : ids) {
    const json a = c->wait_answer(id);
    if (a["type"] == "ack") ++acks;
    if (a.value("code", "") == "rate_limited") ++limited;
  }
  EXPECT_EQ(acks, 40);
  EXPECT_EQ(limited, 5);
  hall.clock().advance(std::chrono::seconds(1));  // refills 20
  EXPECT_EQ(c->request({{"type", "ping"}})["type"], "ack");
  EXPECT_EQ(other->request({{"type", "ping"}})["type"], "ack");  // a bucket per connection
  for (int i = 0; i < 40; ++i) c->send({{"type", "ping"}, {"id", c->next_id()}});
  EXPECT_EQ(c->wait_closed(), net::close_code::rate_abuse);
  EXPECT_EQ(other->request({{"type", "ping"}})["type"], "ack");
}

TEST(Limits, ConnectionsPerToken) {
  Hall hall(with([](net::Limits& l) { l.connections_per_token = 2; }));
  hall.start();
  auto a = hall.join("v001");
  auto b = hall.join("v001");
  auto c = hall.connect();
  c->send({{"type", "hello"}, {"protocol", 1}, {"token", hall.token("v001")}});
  EXPECT_EQ(c->wait_closed(), net::close_code::too_many_connections);
  EXPECT_EQ(a->request({{"type", "ping"}})["type"], "ack");
  EXPECT_EQ(b->request({{"type", "ping"}})["type"], "ack");
}

TEST(Limits, MaxConnections) {
  Hall hall(with([](net::Limits& l) { l.max_connections = 2; }));
  hall.start();
  auto a = hall.join("v001");
  auto b = hall.join("v002");
  auto c = hall.connect();
  EXPECT_EQ(c->wait_closed(), net::close_code::server_full);
}

TEST(Limits, HelloTimeout) {
  Hall hall(with([](net::Limits& l) { l.hello_timeout_ms = 50; }));
  hall.start();
  auto c = hall.connect();
  EXPECT_EQ(c->wait_closed(), net::close_code::hello_timeout);
}

// A peer that never answers the server's pings is dropped after the idle timeout. The test reads the raw
// socket (so nothing answers the pings) until the server closes it.
TEST(Limits, IdleTimeoutDropsASilentPeer) {
  Hall hall(with([](net::Limits& l) { l.idle_timeout_ms = 100; }));
  hall.start();
  boost::asio::io_context ioc;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws(ioc);
  ws.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), hall.port()});
  ws.handshake("127.0.0.1", "/ws");
  auto& socket = ws.next_layer().socket();
  boost::beast::error_code ec;
  char buf[256];
  std::size_t pings = 0;
  for (int i = 0; i < 1000 && !ec; ++i) pings += socket.read_some(boost::asio::buffer(buf), ec) > 0 ? 1u : 0u;
  EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) << ec.message();
  EXPECT_GE(pings, 1u);  // it was pinged before being dropped
}

// Queues bounded by count here, so that the readers' few in-flight messages never come near the bound.
net::Limits small_queues() {
  return with([](net::Limits& l) {
    l.max_queue_bytes = 64 * 1024 * 1024;
    l.max_queue_messages = 16;
  });
}

// Says hello and never reads, not even the welcome.
std::shared_ptr<Client> join_without_reading(Hall& hall, const std::string& participant) {
  auto c = hall.connect(false);
  c->send({{"type", "hello"}, {"protocol", net::kProtocolVersion}, {"token", hall.token(participant)}});
  return c;
}

// A client that never reads fills its queue and is closed; everyone else keeps receiving everything.
TEST(SlowClient, WithABacklogOfAnswersIsClosedAndOthersAreUnaffected) {
  Hall hall(small_queues());
  hall.start();
  auto slow = join_without_reading(hall, "sec2");
  auto desk = hall.join("sec1");
  auto chair = hall.join("chair");
  // Answers are never superseded: each one waits for a client that does not read, until the queue is full.
  // Bounded: far more than the small window and the kernel's buffers hold, and the close ends it sooner.
  for (int i = 0; i < 20000 && hall.metrics().slow_client_closes.load() == 0; ++i) {
    slow->send({{"type", "ping"}, {"id", "p" + std::to_string(i)}});
    if (i % 100 == 99) {
      ASSERT_EQ(desk->request({{"type", "ping"}})["type"], "ack");  // paces the sends
    }
  }
  EXPECT_EQ(hall.metrics().slow_client_closes.load(), 1);
  EXPECT_FALSE(desk->ended());
  EXPECT_EQ(chair->request({{"type", "ping"}})["type"], "ack");
  slow->start_reading();
  const int code = slow->wait_closed();
  EXPECT_TRUE(code == 0 || code == net::close_code::too_slow) << code;
}

// A desk (sec2) that joined and stopped reading, while two questioners submit 40 long inquiries, each
// approved at once, so the desks are sent the growing inquiries section 80 times.
struct LaggingDesk {
  static constexpr std::size_t kInquiries = 40;
  explicit LaggingDesk(net::Limits limits) : hall(limits) {
    hall.start();
    lagging = join_without_reading(hall, "sec2");
    desk = hall.join("sec1");
    chair = hall.join("chair");
  }
  // Returns the desks' view once every inquiry is in and approved: the last change they are sent.
  json run() {
    // Two questioners: one may submit only settings.inquiries_per_author (30).
    const std::shared_ptr<Client> questioners[] = {hall.join("q01"), hall.join("q02")};
    const std::string text(1900, 'Q');
    for (std::size_t i = 0; i < kInquiries; ++i) {
      const json a =
          questioners[i % 2]->request({{"type", "submit_inquiry"}, {"slot", "s01"}, {"text", text}});
      EXPECT_EQ(a["type"], "ack") << a.dump().substr(0, 200);
      // Moderated at once: a questioner may only have so many waiting.
      const json approved =
          chair->request({{"type", "approve_inquiry"}, {"inquiry", a["result"]["inquiry"]}});
      EXPECT_EQ(approved["type"], "ack") << approved.dump().substr(0, 200);
    }
    return desk->wait_view([&](const json& v) {
      const json& items = v["inquiries"]["items"];
      return items.size() == kInquiries && items.back()["status"] == "approved";
    });
  }
  void catch_up(const json& final_view) {
    lagging->start_reading();
    lagging->wait_view(
        [&](const json& v) { return v.value("inquiries", json()) == final_view["inquiries"]; });
    EXPECT_FALSE(lagging->ended());
  }

  Hall hall;
  std::shared_ptr<Client> lagging, desk, chair;
};

TEST(SlowClient, ThatOnlyLagsBehindNewerStateKeepsOneCopyAndCatchesUp) {
  // Sections sent whole (a patch is never superseded: PatchQueue.* and the test below): 80 updates, 3 MB in
  // all, far more than the small window and the socket buffers hold and than the queue's 16 messages. Each
  // supersedes the one still waiting.
  net::Limits limits = small_queues();
  limits.patch_min_bytes = std::numeric_limits<std::int32_t>::max();
  LaggingDesk flood(limits);
  const json final_view = flood.run();
  EXPECT_EQ(flood.hall.metrics().slow_client_closes.load(), 0);
  EXPECT_GT(flood.hall.metrics().queue_drops.load(), 0);
  flood.catch_up(final_view);
}

// The same lag with the growing section sent as patches: nothing can be superseded, but each patch is small,
// so the lagging desk stays within its queue and ends with exactly what the others hold.
TEST(SlowClient, ThatLagsBehindPatchesGetsEachAndCatchesUp) {
  net::Limits limits = small_queues();
  limits.patch_min_bytes = 1024;
  limits.max_queue_messages = 256;
  LaggingDesk flood(limits);
  const json final_view = flood.run();
  EXPECT_EQ(flood.hall.metrics().slow_client_closes.load(), 0);
  EXPECT_GT(flood.desk->patches_applied(), LaggingDesk::kInquiries);
  flood.catch_up(final_view);
  EXPECT_GT(flood.lagging->patches_applied(), LaggingDesk::kInquiries);
}

}  // namespace
}  // namespace dais::test

// Abusive WebSocket connections, in raw frames: close codes RFC 6455 §7.4 forbids on the wire fail the
// connection with 1002 instead of being echoed, and a stream of broken frames from clients that never joined
// costs the log a bounded number of lines, not one each.
#include <poll.h>

#include <array>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/harness.hpp"
#include "net/options.hpp"
#include "net/repeated_log.hpp"
#include "security/helpers.hpp"

namespace dais::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Bytes = std::vector<std::uint8_t>;

// A client frame: `first_byte` (FIN, reserved bits, opcode), the payload's length (under 126 bytes), the mask
// every client frame must carry, and the masked payload.
Bytes client_frame(std::uint8_t first_byte, const Bytes& payload) {
  constexpr std::array<std::uint8_t, 4> kMask = {0x37, 0xfa, 0x21, 0x3d};
  Bytes out = {first_byte, static_cast<std::uint8_t>(0x80 | payload.size())};
  for (std::uint8_t b : kMask) out.push_back(b);
  for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(payload[i] ^ kMask[i % 4]);
  return out;
}

// The same frame as a server would send it, unmasked: a protocol error from a client.
Bytes unmasked_frame(std::uint8_t first_byte, const Bytes& payload) {
  Bytes out = {first_byte, static_cast<std::uint8_t>(payload.size())};
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes close_frame(std::uint16_t code) {
  return client_frame(0x88, {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code & 0xff)});
}

struct Frame {
  std::uint8_t opcode = 0;
  Bytes payload;
};

// A WebSocket opened with Beast, then spoken to in raw bytes.
class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) : ws_(ioc_) {
    ws_.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    ws_.handshake("127.0.0.1", "/ws");
  }
  void send(const Bytes& bytes) {
    beast::error_code ec;
    asio::write(ws_.next_layer(), asio::buffer(bytes), ec);
  }
  // The next whole frame from the server (which sends them unmasked); nullopt once the stream has ended.
  std::optional<Frame> read_frame() {
    for (int turn = 0; turn < 100000; ++turn) {
      if (auto frame = take_frame()) return frame;
      // Asio's blocking read waits on its own once SO_RCVTIMEO runs out: poll first, with the bound.
      pollfd p{ws_.next_layer().native_handle(), POLLIN, 0};
      if (::poll(&p, 1, kWaitMs) != 1) return std::nullopt;
      std::array<std::uint8_t, 4096> buf{};
      beast::error_code ec;
      const std::size_t n = ws_.next_layer().read_some(asio::buffer(buf), ec);
      if (ec) return std::nullopt;
      in_.insert(in_.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    }
    return std::nullopt;
  }
  // The code of the server's close frame, frames before it skipped; 0 when the stream ended without one.
  int close_code() {
    for (int frames = 0; frames < 1000; ++frames) {
      auto frame = read_frame();
      if (!frame) return 0;
      if (frame->opcode != 0x8) continue;
      if (frame->payload.size() < 2) return 1005;  // no status
      return (frame->payload[0] << 8) | frame->payload[1];
    }
    return 0;
  }

 private:
  std::optional<Frame> take_frame() {
    if (in_.size() < 2) return std::nullopt;
    std::size_t head = 2;
    std::uint64_t length = in_[1] & 0x7f;
    if (length >= 126) {
      const std::size_t bytes = length == 126 ? 2 : 8;
      if (in_.size() < 2 + bytes) return std::nullopt;
      length = 0;
      for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | in_[2 + i];
      head += bytes;
    }
    if (in_.size() < head + length) return std::nullopt;
    Frame f{static_cast<std::uint8_t>(in_[0] & 0x0f),
            Bytes(in_.begin() + static_cast<std::ptrdiff_t>(head),
                  in_.begin() + static_cast<std::ptrdiff_t>(head + length))};
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(head + length));
    return f;
  }

  asio::io_context ioc_;
  beast::websocket::stream<tcp::socket> ws_;
  Bytes in_;
};

int answer_to_close(std::uint16_t port, int code) {
  RawSocket s(port);
  s.send(close_frame(static_cast<std::uint16_t>(code)));
  return s.close_code();
}

// std::cerr sent to a string for the life of this object (the server's log goes to stderr). Create it before
// the server starts and let it go after the server ended: no thread writes while the buffer is swapped.
class CapturedStderr {
 public:
  CapturedStderr() : old_(std::cerr.rdbuf(text_.rdbuf())) {}
  ~CapturedStderr() { std::cerr.rdbuf(old_); }
  std::string text() const { return text_.str(); }

 private:
  std::ostringstream text_;
  std::streambuf* old_;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(CloseCodes, ForbiddenOnTheWireFailTheConnectionWith1002) {
  Hall hall;
  hall.start();
  auto tablet = hall.join("v001");
  // Below 1000; reserved 1004-1006 and 1015; unassigned 1016-2999; past 4999, up to the largest a frame
  // holds.
  for (const int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 5001, 65535}) {
    EXPECT_EQ(answer_to_close(hall.port(), code), 1002) << "close code " << code;
  }
  EXPECT_EQ(tablet->request({{"type", "ping"}})["type"], "ack");
}

TEST(CloseCodes, AllowedOnesAreEchoed) {
  Hall hall;
  hall.start();
  for (const int code : {1000, 1001, 1003, 1011, 3000, 4000, 4999}) {
    EXPECT_EQ(answer_to_close(hall.port(), code), code) << "close code " << code;
  }
}

TEST(CloseCodes, AJoinedClientWithAForbiddenCodeIsFailedToo) {
  Hall hall;
  hall.start();
  RawSocket s(hall.port());
  const json hello = {{"type", "hello"}, {"protocol", net::kProtocolVersion}, {"token", hall.token("v002")}};
  const std::string text = hello.dump();
  s.send(client_frame(0x81, Bytes(text.begin(), text.end())));
  auto welcome = s.read_frame();
  ASSERT_TRUE(welcome.has_value());
  EXPECT_EQ(json::parse(std::string(welcome->payload.begin(), welcome->payload.end()))["type"], "welcome");
  s.send(close_frame(4999 + 1));
  EXPECT_EQ(s.close_code(), 1002);
}

// A self-signed P-256 certificate for 127.0.0.1 in a temporary directory, as the server's TLS files.
struct TlsFiles {
  std::filesystem::path dir;
  TlsFiles() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dais-tls-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    make_test_certificate(dir);
  }
  ~TlsFiles() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path key_path() const { return dir / "key.pem"; }
  std::filesystem::path cert_path() const { return dir / "cert.pem"; }
};

TEST(CloseCodes, OverTlsAForbiddenCodeFailsTheConnectionWith1002) {
  TlsFiles tls;
  Hall hall;
  hall.options.tls_cert = tls.cert_path();
  hall.options.tls_key = tls.key_path();
  hall.start();
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  beast::websocket::stream<asio::ssl::stream<tcp::socket>> ws(ioc, ctx);
  beast::get_lowest_layer(ws).connect({asio::ip::make_address("127.0.0.1"), hall.port()});
  ws.next_layer().handshake(asio::ssl::stream_base::client);
  ws.handshake("127.0.0.1", "/ws");
  asio::write(ws.next_layer(), asio::buffer(close_frame(5000)));
  // The answer is one small record: the close frame, then the end of the connection.
  pollfd p{beast::get_lowest_layer(ws).native_handle(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, kWaitMs), 1);
  std::array<std::uint8_t, 64> buf{};
  beast::error_code ec;
  const std::size_t n = ws.next_layer().read_some(asio::buffer(buf), ec);
  ASSERT_GE(n, 4u) << ec.message();
  EXPECT_EQ(buf[0], 0x88);
  EXPECT_EQ((buf[2] << 8) | buf[3], 1002);
}

// Broken frames, each the first frame of a connection that never joined: unmasked, reserved bits set, an
// unknown opcode, a fragmented ping, a close with a one-byte payload, a forbidden close code.
const std::vector<Bytes>& broken_frames() {
  static const std::vector<Bytes> all = {
      unmasked_frame(0x81, {'h', 'i'}), client_frame(0xC1, {'h', 'i'}), client_frame(0x83, {'h', 'i'}),
      client_frame(0x09, {'p'}),        client_frame(0x88, {0x03}),     close_frame(5000),
  };
  return all;
}

TEST(BrokenFrames, FromUnjoinedClientsCostABoundedNumberOfLogLines) {
  constexpr int kFrames = 500;
  CapturedStderr log;
  {
    Hall hall;  // its clock stands still: the whole run falls in one log interval
    hall.start();
    for (int i = 0; i < kFrames; ++i) {
      RawSocket s(hall.port());
      s.send(broken_frames()[static_cast<std::size_t>(i) % broken_frames().size()]);
      ASSERT_EQ(s.close_code(), 1002) << "frame " << i;
    }
    EXPECT_EQ(hall.join("v001")->request({{"type", "ping"}})["type"], "ack");
  }
  const auto lines = lines_of(log.text());
  EXPECT_LE(lines.size(), 5u) << log.text().substr(0, 2000);
  // The first is written as it is; the others are counted in one line when the server ends.
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front().rfind("websocket: read: ", 0), 0u) << lines.front();
  EXPECT_NE(log.text().find("websocket: " + std::to_string(kFrames - 1) + " more in the last "),
            std::string::npos)
      << log.text();
}

// ---- the repeated log itself, at the edge of its interval

TEST(RepeatedLog, WritesTheFirstLineOfAnIntervalAndCountsTheRest) {
  net::ManualClock clock;
  std::ostringstream out;
  {
    net::LogSink sink(out);
    net::RepeatedLog log("accept", 1000, clock, sink);
    log.write("Too many open files");
    log.write("Too many open files");
    clock.advance(std::chrono::milliseconds(999));
    log.write("Too many open files");
    EXPECT_EQ(out.str(), "accept: Too many open files\n");
    clock.advance(std::chrono::milliseconds(1));  // the interval is over: the count, then the new line
    log.write("Connection aborted");
    EXPECT_EQ(out.str(),
              "accept: Too many open files\n"
              "accept: 2 more in the last 1 s\n"
              "accept: Connection aborted\n");
    clock.advance(std::chrono::milliseconds(2500));
    log.write("Connection aborted");  // a new interval of its own
    log.write("Connection aborted");
    clock.advance(std::chrono::milliseconds(300));
  }
  EXPECT_EQ(lines_of(out.str()).back(), "accept: 1 more in the last 1 s");  // written when the log ends
  EXPECT_EQ(lines_of(out.str()).size(), 5u);
}

TEST(RepeatedLog, AClockSetBackStartsANewInterval) {
  net::ManualClock clock(10'000'000);
  std::ostringstream out;
  net::LogSink sink(out);
  net::RepeatedLog log("websocket", 60000, clock, sink);
  log.write("a");
  clock.set(9'000'000);
  log.write("b");
  EXPECT_EQ(out.str(), "websocket: a\nwebsocket: b\n");
}

TEST(RepeatedLog, IntervalZeroWritesEveryLine) {
  net::ManualClock clock;
  std::ostringstream out;
  net::LogSink sink(out);
  net::RepeatedLog log("http", 0, clock, sink);
  for (int i = 0; i < 3; ++i) log.write("read: bad method");
  EXPECT_EQ(lines_of(out.str()).size(), 3u);
}

TEST(RepeatedLog, IntervalSettingHasANameARangeAndADefault) {
  net::ServerOptions o;
  EXPECT_EQ(o.limits.log_interval_ms, 10000);
  EXPECT_FALSE(net::apply_setting(o, "log_interval_ms", -1).ok());
  EXPECT_TRUE(net::apply_setting(o, "log_interval_ms", 0).ok());
  EXPECT_EQ(o.limits.log_interval_ms, 0);
  EXPECT_TRUE(net::apply_config(o, {{"log_interval_ms", 60000}}).ok());
  EXPECT_EQ(o.limits.log_interval_ms, 60000);
}

}  // namespace
}  // namespace dais::test

#pragma once
// One WebSocket client. Reads run on the connection's strand; every incoming frame is checked against its
// schema and either answered here (bad messages, limits) or passed to the participant's LiveHearing. Outgoing
// messages wait in a queue bounded in bytes and messages, with one write in flight.
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "net/connection.hpp"
#include "net/decode_request.hpp"
#include "net/outgoing_queue.hpp"
#include "net/repeated_log.hpp"
#include "net/shared_state.hpp"

namespace dais::net {

// A token bucket, refilled from the server clock (so tests can drive it).
class RateLimit {
 public:
  RateLimit(double per_second, double burst, core::TimeMs now)
      : rate_(per_second), burst_(burst), tokens_(burst), last_(now) {}
  bool take(core::TimeMs now);

 private:
  double rate_;
  double burst_;
  double tokens_;
  core::TimeMs last_;
};

// Plain connections run over the bare socket (the WebSocket stream keeps its own timeouts, so Beast's
// tcp_stream and its timers would be dead weight on every one of ten thousand tablets); TLS ones over
// ssl_stream<tcp_stream>.
template <class Stream>
class websocket_session : public Connection, public std::enable_shared_from_this<websocket_session<Stream>> {
 public:
  websocket_session(Stream&& stream, std::shared_ptr<SharedState> state,
                    std::shared_ptr<ConnectionLogs> logs);
  ~websocket_session() override;

  void run(boost::beast::http::request<boost::beast::http::string_body> req);
  void deliver(Outgoing message) override;
  void close(std::uint16_t code, std::string reason, bool drain_first) override;

 private:
  // taking: the hello named a hearing this node is still taking (its last owner may be gone:
  // docs/scale-out.md).
  enum class Phase { greeting, taking, joined };
  // What a read waiting for a new message may hold (hello, votes and questions are a few hundred bytes).
  static constexpr std::size_t kIdleReadBytes = 256;

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_close_frame();
  void fail(boost::beast::error_code ec, const char* what);
  void on_message(std::string_view text);
  void on_hello(const Incoming& hello);
  void on_taken(Taken taken, const core::ParticipantId& participant, std::optional<std::int64_t> resume_from);
  void on_request(DecodedRequest request);
  void on_bad(const WireError& error, std::string_view id);
  void take_inbox();
  void on_deliver(Outgoing message);
  bool enqueue(Outgoing message);
  void write_next();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void begin_close(std::uint16_t code, std::string reason, bool drain_first);
  void do_close();
  void on_close(boost::beast::error_code ec);
  void refuse(const WireError& error, std::string_view id);

  boost::beast::websocket::stream<Stream> ws_;
  std::shared_ptr<SharedState> state_;
  std::shared_ptr<ConnectionLogs> logs_;
  boost::beast::flat_buffer buffer_;
  boost::asio::steady_timer hello_timer_;
  boost::asio::steady_timer grace_timer_;
  Phase phase_ = Phase::greeting;
  std::shared_ptr<LiveHearing> hearing_;
  core::ParticipantId participant_;
  RateLimit rate_;
  std::int64_t bad_in_row_ = 0;
  std::int64_t limited_in_row_ = 0;
  bool entered_ = false;

  std::mutex inbox_mutex_;
  std::vector<Outgoing> inbox_;  // handed over by deliver(), not yet taken on the connection's strand
  bool take_posted_ = false;     // under inbox_mutex_: take_inbox() is on its way
  OutgoingQueue queue_;
  bool writing_ = false;
  bool corked_ = false;   // the socket holds what is written until the queue is empty
  bool closing_ = false;  // no more requests read or messages queued
  bool close_sent_ = false;
  bool failed_ = false;  // the peer broke the protocol and the connection was cut here
  boost::beast::websocket::close_reason close_reason_;
};

}  // namespace dais::net

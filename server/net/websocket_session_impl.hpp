#pragma once
// The body of websocket_session<Stream>. Each stream's instantiation is compiled in a file of its own
// (websocket_session_plain.cpp, websocket_session_tls.cpp), so the two build in parallel and the plain one
// does not parse OpenSSL's and Beast's TLS headers.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "core/command.hpp"
#include "net/decode_request.hpp"
#include "net/websocket_session.hpp"
#include "store/store.hpp"

namespace dais::net {

namespace beast = boost::beast;
namespace asio = boost::asio;
namespace websocket = beast::websocket;
using nlohmann::json;

namespace ws_detail {

// RFC 6455 §7.4.2 gives the close codes up to 4999 a meaning; one above is a protocol error.
constexpr std::uint16_t kLastCloseCode = 4999;
// The close frame that fails a connection, as a server sends it (unmasked): 1002, protocol error.
constexpr unsigned char kProtocolErrorClose[] = {0x88, 0x02, 0x03, 0xEA};

inline asio::ip::tcp::socket& tcp_socket(asio::ip::tcp::socket& s) {
  return s;
}
inline asio::ip::tcp::socket& tcp_socket(beast::tcp_stream& s) {
  return s.socket();
}

// TCP_CORK: while on, what is written waits in the socket until it is turned off (or fills a segment). A
// failure only costs the saving, so it is ignored.
inline void cork(asio::ip::tcp::socket& s, bool on) {
  const int value = on ? 1 : 0;
  ::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_CORK, &value, sizeof value);
}

}  // namespace ws_detail

template <class Stream>
websocket_session<Stream>::websocket_session(Stream&& stream, std::shared_ptr<SharedState> state,
                                             std::shared_ptr<ConnectionLogs> logs)
    : ws_(std::move(stream)),
      state_(std::move(state)),
      logs_(std::move(logs)),
      hello_timer_(ws_.get_executor()),
      grace_timer_(ws_.get_executor()),
      rate_(state_->limits().rate_per_s, state_->limits().rate_burst, state_->clock().now()),
      queue_(state_->limits().max_queue_messages, state_->limits().max_queue_bytes) {}

template <class Stream>
websocket_session<Stream>::~websocket_session() {
  if (hearing_ && !state_->stopped()) hearing_->leave(this);
  state_->leave(this);
}

template <class Stream>
void websocket_session<Stream>::run(beast::http::request<beast::http::string_body> req) {
  const Limits& limits = state_->limits();
  if constexpr (requires { beast::get_lowest_layer(ws_).expires_never(); }) {
    beast::get_lowest_layer(ws_).expires_never();  // the websocket stream keeps its own timeouts
  }
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::milliseconds(std::max<std::int64_t>(limits.close_grace_ms, 1000));
  timeout.idle_timeout = std::chrono::milliseconds(limits.idle_timeout_ms);
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "dais"); }));
  // Past max_message_bytes a message is answered with too_large; far past it the stream gives up (1009).
  ws_.read_message_max(limits.max_message_bytes * 4);
  ws_.auto_fragment(false);
  ws_.control_callback([this](websocket::frame_type kind, std::string_view) {
    if (kind == websocket::frame_type::close) on_close_frame();
  });
  ws_.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept, this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  entered_ = state_->enter(this, this->weak_from_this());
  if (!entered_) return begin_close(close_code::server_full, "server full", false);
  hello_timer_.expires_after(std::chrono::milliseconds(state_->limits().hello_timeout_ms));
  hello_timer_.async_wait([self = this->shared_from_this()](beast::error_code e) {
    if (!e && self->phase_ == Phase::greeting)
      self->begin_close(close_code::hello_timeout, "hello timeout", true);
  });
  do_read();
}

// Idle connections are most of a hall: while nothing arrives, the pending read holds only a small buffer,
// which grows to fit a message only once one is under way (reading the rest asks Beast for a fitting size).
template <class Stream>
void websocket_session<Stream>::do_read() {
  const std::size_t limit = buffer_.size() == 0 ? kIdleReadBytes : 0;
  ws_.async_read_some(buffer_, limit,
                      beast::bind_front_handler(&websocket_session::on_read, this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec == websocket::error::message_too_big) state_->metrics().count_error("too_large");
  if (ec) {
    hello_timer_.cancel();
    grace_timer_.cancel();
    return fail(ec, "read");
  }
  if (!ws_.is_message_done()) return do_read();
  state_->metrics().messages_in++;
  if (!closing_) {
    if (!ws_.got_text()) {
      on_bad({"bad_message", "binary frames are not accepted; send JSON text", ""}, {});
    } else if (buffer_.size() > state_->limits().max_message_bytes) {
      on_bad(
          {"too_large",
           "the message is larger than " + std::to_string(state_->limits().max_message_bytes) + " bytes", ""},
          {});
    } else {
      const auto data = buffer_.cdata();
      on_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
  }
  buffer_.clear();
  buffer_.shrink_to_fit();  // an idle connection keeps no message buffer
  do_read();
}

// Beast fails the connection (1002) for the close codes RFC 6455 §7.4 reserves below 3000 but echoes any code
// above 4999. The control callback may not start a close of its own (Beast's rule), so the 1002 frame goes
// straight onto the stream, then the connection is shut down and the echo Beast writes next fails.
template <class Stream>
void websocket_session<Stream>::on_close_frame() {
  const std::uint16_t code = ws_.reason().code;
  if (code <= ws_detail::kLastCloseCode || close_sent_)
    return;  // a code in range, or the answer to our own close
  failed_ = true;
  logs_->websocket.write("read: close code " + std::to_string(code) + " is not allowed on the wire");
  auto& socket = ws_detail::tcp_socket(beast::get_lowest_layer(ws_));
  beast::error_code ec;
  // At once or not at all: a peer that stopped reading gets no frame rather than a stuck thread (and a
  // message of ours it left half-read may end garbled: the connection ends here anyway). Over TLS the record
  // buffer may still belong to a message being written, so there the frame goes only when none is.
  if (std::is_same_v<Stream, asio::ip::tcp::socket> || !writing_) {
    socket.non_blocking(true, ec);
    asio::write(ws_.next_layer(), asio::buffer(ws_detail::kProtocolErrorClose), ec);
  }
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
}

template <class Stream>
void websocket_session<Stream>::fail(beast::error_code ec, const char* what) {
  if (failed_ || ec == asio::error::operation_aborted || ec == websocket::error::closed ||
      ec == asio::error::eof || ec == beast::error::timeout || ec == asio::error::connection_reset ||
      ec == websocket::error::message_too_big) {  // answered with 1009 and counted in the metrics
    return;
  }
  // Broken frames are the usual entry here, and anyone may send them before joining: a repeated log.
  logs_->websocket.write(std::string(what) + ": " + ec.message());
}

template <class Stream>
void websocket_session<Stream>::on_message(std::string_view text) {
  // Commands are decoded for the hearing only once the connection has joined one.
  std::optional<Sender> sender;
  if (phase_ == Phase::joined) sender = Sender{hearing_->id(), participant_};
  DecodedRequest decoded = decode_request(state_->schemas(), text, sender);
  const Incoming& in = decoded.message;
  if (decoded.bad) return on_bad(*decoded.bad, in.id);
  if (phase_ == Phase::greeting) {
    if (in.type != "hello") return on_bad({"not_joined", "send hello first", "/type"}, in.id);
    return on_hello(in);
  }
  if (phase_ == Phase::taking)
    return on_bad({"not_joined", "the hearing is being taken over here; wait for the welcome", "/type"},
                  in.id);
  if (in.type == "hello")
    return on_bad({"bad_message", "this connection has already sent hello", "/type"}, {});
  on_request(std::move(decoded));
}

template <class Stream>
void websocket_session<Stream>::on_hello(const Incoming& hello) {
  if (hello.body.at("protocol").get<std::int64_t>() != kProtocolVersion) {
    refuse(
        {"version_mismatch", "this server speaks protocol " + std::to_string(kProtocolVersion), "/protocol"},
        {});
    return begin_close(close_code::version_mismatch, "version mismatch", true);
  }
  const auto found = state_->find_token(hello.body.at("token").get<std::string>());
  if (!found) {
    refuse({"storage_failed", "the join token cannot be checked now: " + found.error().message, ""}, {});
    return begin_close(close_code::server_full, "the store is out of reach; try again", true);
  }
  const auto& owner = *found;
  if (!owner) {
    refuse({"unauthorized", "unknown join token", "/token"}, {});
    return begin_close(close_code::unauthorized, "unauthorized", true);
  }
  // A hearing whose owner may be gone is waited for up to a lease, not a hello timeout.
  hello_timer_.cancel();
  bad_in_row_ = 0;
  phase_ = Phase::taking;
  std::optional<std::int64_t> resume_from;
  if (auto r = hello.body.find("resume_from"); r != hello.body.end()) resume_from = r->get<std::int64_t>();
  auto taken = state_->take(owner->hearing, [self = this->shared_from_this(),
                                             participant = owner->participant, resume_from](Taken t) {
    asio::post(self->ws_.get_executor(), [self, t = std::move(t), participant, resume_from]() mutable {
      self->on_taken(std::move(t), participant, resume_from);
    });
  });
  // Joined at once when the hearing is held here (always, on a single server): a request sent right after
  // the hello is then taken as before.
  if (taken) on_taken(std::move(*taken), owner->participant, resume_from);
}

template <class Stream>
void websocket_session<Stream>::on_taken(Taken taken, const core::ParticipantId& participant,
                                         std::optional<std::int64_t> resume_from) {
  if (closing_) return;
  if (!taken.owner.empty()) return begin_close(close_code::elsewhere, "node=" + taken.owner, true);
  if (!taken.error.empty()) {
    if (state_->stopping()) return begin_close(close_code::going_away, "server shutting down", true);
    logs_->websocket.write("hello: " + taken.error);
    refuse({"storage_failed", "the hearing could not be opened here; try again", ""}, {});
    return begin_close(close_code::internal_error, "internal error", true);
  }
  if (!taken.hearing) {  // the token's hearing is gone (not loaded, not in the store)
    refuse({"unauthorized", "unknown join token", "/token"}, {});
    return begin_close(close_code::unauthorized, "unauthorized", true);
  }
  phase_ = Phase::joined;
  hearing_ = std::move(taken.hearing);
  participant_ = participant;
  hearing_->join(this->shared_from_this(), participant_, resume_from);
}

template <class Stream>
void websocket_session<Stream>::on_request(DecodedRequest decoded) {
  const std::string& id = decoded.message.id;
  if (!rate_.take(state_->clock().now())) {
    refuse({"rate_limited", "too many requests; slow down", ""}, id);
    if (++limited_in_row_ >= state_->limits().max_rate_limited) {
      begin_close(close_code::rate_abuse, "rate limit abuse", true);
    }
    return;
  }
  limited_in_row_ = 0;
  bad_in_row_ = 0;
  if (state_->stopping()) return refuse({"shutting_down", "the server is stopping", ""}, id);
  if (decoded.refused) return refuse(*decoded.refused, id);
  hearing_->submit(
      Request{this->weak_from_this(), participant_, std::move(decoded.message), std::move(decoded.command)});
}

template <class Stream>
void websocket_session<Stream>::on_bad(const WireError& error, std::string_view id) {
  refuse(error, id);
  if (++bad_in_row_ >= state_->limits().max_bad_messages) {
    begin_close(close_code::bad_messages, "too many bad messages", true);
  }
}

template <class Stream>
void websocket_session<Stream>::refuse(const WireError& error, std::string_view id) {
  state_->metrics().count_error(error.code);
  on_deliver(make_outgoing(error_text(error, id)));
}

// ---- writing
// -----------------------------------------------------------------------------------------------

// Messages handed over from a hearing's strand gather in the inbox, and the connection's strand takes them
// all at once. An update marked `more` waits for the ack behind it: both cost one hand-over and are queued
// together before the first is written, so they leave the socket together (write_next).
template <class Stream>
void websocket_session<Stream>::deliver(Outgoing message) {
  bool post = false;
  {
    std::lock_guard lock(inbox_mutex_);
    post = !message.more && !take_posted_;
    take_posted_ = take_posted_ || post;
    inbox_.push_back(std::move(message));
  }
  if (post) asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->take_inbox(); });
}

template <class Stream>
void websocket_session<Stream>::take_inbox() {
  std::vector<Outgoing> arrived;  // the inbox is left without a buffer: idle connections keep none
  {
    std::lock_guard lock(inbox_mutex_);
    arrived.swap(inbox_);
    take_posted_ = false;
  }
  for (auto& m : arrived) {
    if (!enqueue(std::move(m))) return;
  }
  if (!writing_ && !close_sent_ && !queue_.empty()) write_next();
}

template <class Stream>
void websocket_session<Stream>::on_deliver(Outgoing message) {
  if (enqueue(std::move(message)) && !writing_) write_next();
}

// false: the connection is closing (now, or already).
template <class Stream>
bool websocket_session<Stream>::enqueue(Outgoing message) {
  if (closing_) return false;
  switch (queue_.push(std::move(message), writing_)) {
    case OutgoingQueue::Pushed::replaced_stale:
      state_->metrics().queue_drops++;
      break;
    case OutgoingQueue::Pushed::over_bound:
      state_->metrics().slow_client_closes++;
      begin_close(close_code::too_slow, "too slow", false);
      return false;
    case OutgoingQueue::Pushed::queued:
      break;
  }
  return true;
}

template <class Stream>
void websocket_session<Stream>::write_next() {
  writing_ = true;
  // Several messages waiting (an update and its ack): corked, they go out as one segment when the last is
  // written, not one each. On loopback and on a hall's Wi-Fi every segment costs the sender a transmit and
  // the tablet a wake-up.
  if (!corked_ && queue_.size() > 1) {
    corked_ = true;
    ws_detail::cork(ws_detail::tcp_socket(beast::get_lowest_layer(ws_)), true);
  }
  ws_.text(true);
  ws_.async_write(asio::buffer(*queue_.front().text),
                  beast::bind_front_handler(&websocket_session::on_write, this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_write(beast::error_code ec, std::size_t bytes) {
  writing_ = false;
  if (ec) {
    grace_timer_.cancel();
    return fail(ec, "write");
  }
  state_->metrics().messages_out++;
  state_->metrics().bytes_out += static_cast<std::int64_t>(bytes);
  queue_.pop_front();
  if (corked_ && queue_.empty()) {
    corked_ = false;
    ws_detail::cork(ws_detail::tcp_socket(beast::get_lowest_layer(ws_)), false);
  }
  if (closing_ && queue_.empty()) return do_close();
  if (!queue_.empty()) write_next();
}

// ---- closing
// -----------------------------------------------------------------------------------------------

template <class Stream>
void websocket_session<Stream>::close(std::uint16_t code, std::string reason, bool drain_first) {
  asio::post(ws_.get_executor(),
             [self = this->shared_from_this(), code, r = std::move(reason), drain_first]() mutable {
               self->begin_close(code, std::move(r), drain_first);
             });
}

template <class Stream>
void websocket_session<Stream>::begin_close(std::uint16_t code, std::string reason, bool drain_first) {
  if (closing_) return;
  closing_ = true;
  hello_timer_.cancel();
  close_reason_.code = code;
  close_reason_.reason = reason;
  if (!drain_first) queue_.drop_unsent(writing_);  // a frame cannot be taken back halfway
  if (!writing_) return do_close();
  // A peer that stopped reading never lets the write finish: cut the connection after a grace period.
  grace_timer_.expires_after(std::chrono::milliseconds(state_->limits().close_grace_ms));
  grace_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
    if (!ec) beast::close_socket(beast::get_lowest_layer(self->ws_));
  });
}

template <class Stream>
void websocket_session<Stream>::do_close() {
  if (close_sent_) return;
  close_sent_ = true;
  grace_timer_.cancel();
  ws_.async_close(close_reason_,
                  beast::bind_front_handler(&websocket_session::on_close, this->shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_close(beast::error_code ec) {
  if (ec) fail(ec, "close");
}

}  // namespace dais::net

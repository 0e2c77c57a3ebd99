#pragma once
// The body of http_session<Stream>. Each stream's instantiation is compiled in a file of its own
// (http_session_plain.cpp, http_session_tls.cpp), so the two build in parallel and the plain one does not
// parse Beast's TLS stream.
#include <algorithm>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/websocket.hpp>

#include "net/http_routes.hpp"
#include "net/http_session.hpp"
#include "net/websocket_session.hpp"

namespace dais::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace http_detail {

template <class Stream>
constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

}  // namespace http_detail

template <class Stream>
http_session<Stream>::http_session(Stream&& stream, std::shared_ptr<SharedState> state,
                                   std::shared_ptr<ConnectionLogs> logs)
    : stream_(std::move(stream)), state_(std::move(state)), logs_(std::move(logs)) {
  state_->metrics().http_connections++;
}

template <class Stream>
http_session<Stream>::~http_session() {
  state_->metrics().http_connections--;
}

template <class Stream>
void http_session<Stream>::fail(beast::error_code ec, const char* what) {
  if (ec == asio::error::operation_aborted || ec == beast::error::timeout ||
      ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated) {
    return;
  }
  logs_->http.write(std::string(what) + ": " + ec.message());
}

template <class Stream>
void http_session<Stream>::run() {
  // Start on the connection's strand.
  asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    if constexpr (http_detail::is_tls<Stream>) {
      beast::get_lowest_layer(self->stream_)
          .expires_after(std::chrono::milliseconds(self->state_->limits().http_timeout_ms));
      self->stream_.async_handshake(asio::ssl::stream_base::server,
                                    beast::bind_front_handler(&http_session::on_handshake, self));
    } else {
      self->do_read();
    }
  });
}

template <class Stream>
void http_session<Stream>::on_handshake(beast::error_code ec) {
  if (ec) return fail(ec, "handshake");
  do_read();
}

template <class Stream>
void http_session<Stream>::do_read() {
  parser_.emplace();
  // Beast checks a Content-Length against the limit as the head is parsed: start from the larger one and
  // narrow it once the target is known (on_header).
  parser_->body_limit(
      std::max(state_->limits().http_max_request_bytes, state_->limits().organize_max_request_bytes));
  parser_->header_limit(
      static_cast<std::uint32_t>(std::min<std::size_t>(state_->limits().http_max_request_bytes, 1u << 20)));
  beast::get_lowest_layer(stream_).expires_after(std::chrono::milliseconds(state_->limits().http_timeout_ms));
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session::on_header, this->shared_from_this()));
}

// The organizer's page sends whole definitions and rosters; everything else is small.
template <class Stream>
void http_session<Stream>::on_header(beast::error_code ec, std::size_t bytes) {
  if (ec) return on_read(ec, bytes);
  const std::uint64_t limit = parser_->get().target().starts_with("/organize/api/")
                                  ? state_->limits().organize_max_request_bytes
                                  : state_->limits().http_max_request_bytes;
  if (parser_->content_length().value_or(0) > limit) return on_read(http::error::body_limit, bytes);
  parser_->body_limit(limit);  // a chunked body is counted as it comes
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_eof();
  if (ec == http::error::body_limit || ec == http::error::header_limit) {
    auto res = std::make_shared<http::response<http::string_body>>(http::status::payload_too_large, 11);
    res->set(http::field::content_type, "text/plain; charset=utf-8");
    res->keep_alive(false);
    res->body() = "request too large\n";
    res->prepare_payload();
    return http::async_write(stream_, *res,
                             [self = this->shared_from_this(), res](beast::error_code e, std::size_t n) {
                               self->on_write(false, e, n);
                             });
  }
  if (ec) return fail(ec, "read");

  auto req = parser_->release();
  if (beast::websocket::is_upgrade(req)) {
    const auto target = req.target();
    if (target.substr(0, target.find('?')) == "/ws") {
      beast::get_lowest_layer(stream_).expires_never();
      if constexpr (http_detail::is_tls<Stream>) {
        std::make_shared<websocket_session<Stream>>(std::move(stream_), state_, logs_)->run(std::move(req));
      } else {
        std::make_shared<websocket_session<asio::ip::tcp::socket>>(stream_.release_socket(), state_, logs_)
            ->run(std::move(req));
      }
      return;
    }
  }
  beast::error_code peer_ec;
  const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(peer_ec);
  route_http(
      *state_, std::move(req),
      [self = this->shared_from_this()](http::message_generator msg) {
        // Exports answer from the hearing's strand: come back to this connection's strand to write.
        asio::dispatch(self->stream_.get_executor(), [self, m = std::move(msg)]() mutable {
          const bool keep_alive = m.keep_alive();
          beast::async_write(self->stream_, std::move(m),
                             beast::bind_front_handler(&http_session::on_write, self, keep_alive));
        });
      },
      peer_ec ? std::string() : peer.address().to_string());
}

template <class Stream>
void http_session<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "write");
  if (!keep_alive) return do_eof();
  do_read();
}

template <class Stream>
void http_session<Stream>::do_eof() {
  if constexpr (http_detail::is_tls<Stream>) {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
  } else {
    beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  }
}

}  // namespace dais::net

#pragma once
// One HTTP connection (plain or TLS): reads requests with a size limit and a timeout, answers them through
// route_http, keeps the connection alive, and hands a WebSocket upgrade on /ws over to a websocket_session.
#include <memory>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "net/shared_state.hpp"

namespace dais::net {

template <class Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
 public:
  http_session(Stream&& stream, std::shared_ptr<SharedState> state);
  void run();

 private:
  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_eof();

  Stream stream_;
  std::shared_ptr<SharedState> state_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
};

}  // namespace dais::net

#pragma once
// One HTTP connection (plain or TLS): reads requests with a size limit and a timeout, answers them through
// route_http, keeps the connection alive, and hands a WebSocket upgrade on /ws over to a websocket_session.
// While it lives it counts in Metrics::http_connections, which the listener holds to max_http_connections.
#include <memory>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "net/repeated_log.hpp"
#include "net/shared_state.hpp"

namespace dais::net {

template <class Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
 public:
  http_session(Stream&& stream, std::shared_ptr<SharedState> state, std::shared_ptr<ConnectionLogs> logs);
  ~http_session();
  http_session(const http_session&) = delete;
  http_session& operator=(const http_session&) = delete;
  void run();

 private:
  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_eof();
  void fail(boost::beast::error_code ec, const char* what);

  Stream stream_;
  std::shared_ptr<SharedState> state_;
  std::shared_ptr<ConnectionLogs> logs_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
};

}  // namespace dais::net

#pragma once
// Accepts TCP connections and starts an HTTP session (plain or TLS) on a strand of its own for each. It keeps
// working when the process runs out of file descriptors: a failing accept waits (accept_backoff_ms) instead
// of spinning, and one descriptor held in reserve lets it take the waiting connection and close it at once,
// so the tablet hears "no" and retries instead of timing out in the backlog.
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include "net/repeated_log.hpp"
#include "net/shared_state.hpp"

namespace dais::net {

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(boost::asio::io_context& ioc, std::shared_ptr<SharedState> state,
           std::shared_ptr<ConnectionLogs> logs);
  ~listener();
  // Binds and listens; the error says why not (port in use, bad address).
  boost::beast::error_code open(const boost::asio::ip::tcp::endpoint& endpoint);
  std::uint16_t port() const;
  void run();
  void stop();  // stops accepting; open connections go on

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  void on_accept_failed(boost::beast::error_code ec);
  void on_backoff(boost::beast::error_code ec);
  void shed_waiting_connection();
  bool admit(boost::asio::ip::tcp::socket& socket);
  void start_session(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  std::shared_ptr<SharedState> state_;
  std::shared_ptr<ConnectionLogs> logs_;
  int reserve_fd_ = -1;  // /dev/null, given back for a moment when accept fails for lack of descriptors
};

}  // namespace dais::net

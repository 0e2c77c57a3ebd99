#pragma once
// Accepts TCP connections and starts an HTTP session (plain or TLS) on a strand of its own for each.
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

#include "net/shared_state.hpp"

namespace dais::net {

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(boost::asio::io_context& ioc, std::shared_ptr<SharedState> state);
  // Binds and listens; the error says why not (port in use, bad address).
  boost::beast::error_code open(const boost::asio::ip::tcp::endpoint& endpoint);
  std::uint16_t port() const;
  void run();
  void stop();  // stops accepting; open connections go on

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<SharedState> state_;
};

}  // namespace dais::net

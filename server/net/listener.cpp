#include "net/listener.hpp"

#include <iostream>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include "net/http_session.hpp"

namespace dais::net {

namespace beast = boost::beast;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

listener::listener(asio::io_context& ioc, std::shared_ptr<SharedState> state)
    : ioc_(ioc), acceptor_(asio::make_strand(ioc)), state_(std::move(state)) {}

beast::error_code listener::open(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return ec;
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return ec;
  acceptor_.bind(endpoint, ec);
  if (ec) return ec;
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  return ec;
}

std::uint16_t listener::port() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void listener::run() {
  do_accept();
}

void listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
}

void listener::do_accept() {
  // Each connection gets its own strand: its handlers never run concurrently, on any of the I/O threads.
  acceptor_.async_accept(asio::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    std::cerr << "accept: " << ec.message() << "\n";
  } else {
    socket.set_option(tcp::no_delay(true), ec);  // small frames go out at once
    if (auto* tls = state_->tls()) {
      std::make_shared<http_session<beast::ssl_stream<beast::tcp_stream>>>(
          beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls), state_)
          ->run();
    } else {
      std::make_shared<http_session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), state_)->run();
    }
  }
  do_accept();
}

}  // namespace dais::net

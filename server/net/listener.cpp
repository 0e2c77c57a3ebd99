#include "net/listener.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include "net/http_session.hpp"

namespace dais::net {

namespace beast = boost::beast;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

int open_reserve() {
  return ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

bool out_of_descriptors(beast::error_code ec) {
  return ec == asio::error::no_descriptors || ec == std::errc::too_many_files_open_in_system;
}

}  // namespace

listener::listener(asio::io_context& ioc, std::shared_ptr<SharedState> state,
                   std::shared_ptr<ConnectionLogs> logs)
    : ioc_(ioc),
      acceptor_(asio::make_strand(ioc)),
      backoff_(acceptor_.get_executor()),
      state_(std::move(state)),
      logs_(std::move(logs)),
      reserve_fd_(open_reserve()) {}

listener::~listener() {
  if (reserve_fd_ >= 0) ::close(reserve_fd_);
}

beast::error_code listener::open(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return ec;
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return ec;
  // The shedding accept must not block when the waiting connection has gone meanwhile.
  acceptor_.non_blocking(true, ec);
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
    self->backoff_.cancel();
  });
}

void listener::do_accept() {
  // Each connection gets its own strand: its handlers never run concurrently, on any of the I/O threads.
  acceptor_.async_accept(asio::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) return on_accept_failed(ec);
  if (admit(socket)) start_session(std::move(socket));
  do_accept();
}

// Retrying at once would fail at once, in a loop that takes a core and floods the log; only a connection that
// went away before it was accepted is worth retrying straight away.
void listener::on_accept_failed(beast::error_code ec) {
  state_->metrics().accept_errors++;
  logs_->accept.write(ec.message());
  if (ec == asio::error::connection_aborted) return do_accept();
  if (out_of_descriptors(ec)) shed_waiting_connection();
  backoff_.expires_after(std::chrono::milliseconds(state_->limits().accept_backoff_ms));
  backoff_.async_wait(beast::bind_front_handler(&listener::on_backoff, shared_from_this()));
}

void listener::on_backoff(beast::error_code ec) {
  if (ec || !acceptor_.is_open()) return;
  if (reserve_fd_ < 0) reserve_fd_ = open_reserve();  // lost to another thread's open last time
  do_accept();
}

// The reserve is given back just for the time it takes to accept the waiting connection and close it.
void listener::shed_waiting_connection() {
  if (reserve_fd_ < 0) return;
  ::close(reserve_fd_);
  reserve_fd_ = -1;
  beast::error_code ec;
  tcp::socket waiting = acceptor_.accept(ec);
  if (!ec) {
    state_->metrics().accept_shed++;
    waiting.close(ec);
  }
  reserve_fd_ = open_reserve();
}

// Connections count against max_http_connections until they become WebSockets; past it a new one is closed
// before it costs more than its descriptor.
bool listener::admit(tcp::socket& socket) {
  const Limits& limits = state_->limits();
  if (state_->metrics().http_connections.load() < limits.max_http_connections) return true;
  state_->metrics().http_refused++;
  logs_->refused.write(std::to_string(limits.max_http_connections) +
                       " HTTP connections open; closing a new one");
  beast::error_code ec;
  socket.close(ec);
  return false;
}

void listener::start_session(tcp::socket socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);  // small frames go out at once
  if (auto* tls = state_->tls()) {
    std::make_shared<http_session<beast::ssl_stream<beast::tcp_stream>>>(
        beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls), state_, logs_)
        ->run();
  } else {
    std::make_shared<http_session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), state_, logs_)
        ->run();
  }
}

}  // namespace dais::net

#include "bench/broadcast_server.hpp"

#include <csignal>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace dais::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// Named rather than anonymous: BroadcastServer holds a listener.
namespace broadcast {

class Session;

// Everyone connected. Sessions run on their own strands, so the list is shared under a lock and a broadcast
// works on a copy: no session's strand waits for another's.
class Room {
 public:
  void enter(Session* session, std::weak_ptr<Session> handle) {
    std::lock_guard lock(mutex_);
    sessions_[session] = std::move(handle);
  }
  void leave(Session* session) {
    std::lock_guard lock(mutex_);
    sessions_.erase(session);
  }
  void broadcast(const std::shared_ptr<const std::string>& message);

 private:
  std::mutex mutex_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<Room> room)
      : ws_(std::move(socket)), room_(std::move(room)) {}
  ~Session() { room_->leave(this); }

  void start() {
    asio::dispatch(ws_.get_executor(), beast::bind_front_handler(&Session::accept, shared_from_this()));
  }

  // Any thread: the message joins this session's queue on its strand.
  void deliver(std::shared_ptr<const std::string> message) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)]() mutable {
      self->enqueue(std::move(message));
    });
  }

 private:
  // The session is in the room before its upgrade is answered, so a client that has its 101 gets every
  // message broadcast from then on; what comes before the upgrade is done waits in the queue.
  void accept() {
    room_->enter(this, weak_from_this());
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(beast::bind_front_handler(&Session::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec) {
    if (ec) return;
    ws_.text(true);
    upgraded_ = true;
    if (!queue_.empty()) write();
    read();
  }

  void read() { ws_.async_read(buffer_, beast::bind_front_handler(&Session::on_read, shared_from_this())); }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;  // closed or reset: the session ends when its last handler lets go of it
    room_->broadcast(std::make_shared<const std::string>(beast::buffers_to_string(buffer_.data())));
    buffer_.consume(buffer_.size());
    read();
  }

  void enqueue(std::shared_ptr<const std::string> message) {
    queue_.push_back(std::move(message));
    if (upgraded_ && queue_.size() == 1) write();
  }

  void write() {
    ws_.async_write(asio::buffer(*queue_.front()),
                    beast::bind_front_handler(&Session::on_written, shared_from_this()));
  }

  void on_written(beast::error_code ec, std::size_t) {
    if (ec) return;  // the read fails too and ends the session
    queue_.pop_front();
    if (!queue_.empty()) write();
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::shared_ptr<Room> room_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool upgraded_ = false;
};

void Room::broadcast(const std::shared_ptr<const std::string>& message) {
  std::vector<std::weak_ptr<Session>> everyone;
  {
    std::lock_guard lock(mutex_);
    everyone.reserve(sessions_.size());
    for (const auto& [raw, handle] : sessions_) everyone.push_back(handle);
  }
  for (const auto& handle : everyone) {
    if (auto session = handle.lock()) session->deliver(message);
  }
}

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& ioc, std::uint16_t port, std::shared_ptr<Room> room)
      : ioc_(ioc), acceptor_(asio::make_strand(ioc)), room_(std::move(room)) {
    const tcp::endpoint loopback(asio::ip::make_address_v4("127.0.0.1"), port);
    acceptor_.open(loopback.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(loopback);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void start() { accept(); }
  void stop() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void accept() {
    // Each session gets a strand of its own: its handlers never run at once, on whichever thread is free.
    acceptor_.async_accept(asio::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);  // small frames go out at once, as Dais sends them
      std::make_shared<Session>(std::move(socket), room_)->start();
    }
    accept();
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  std::shared_ptr<Room> room_;
};

}  // namespace broadcast

struct BroadcastServer::Running {
  asio::io_context ioc;
  std::shared_ptr<broadcast::Listener> listener;
  std::vector<std::thread> threads;
};

BroadcastServer::BroadcastServer(std::uint16_t port, std::size_t threads) : running_(new Running) {
  const auto count = std::max<std::size_t>(1, threads);
  running_->listener =
      std::make_shared<broadcast::Listener>(running_->ioc, port, std::make_shared<broadcast::Room>());
  running_->listener->start();
  for (std::size_t i = 0; i < count; ++i)
    running_->threads.emplace_back([r = running_.get()] { r->ioc.run(); });
}

BroadcastServer::~BroadcastServer() {
  stop();
}

std::uint16_t BroadcastServer::port() const {
  return running_->listener->port();
}

void BroadcastServer::stop() {
  if (running_->threads.empty()) return;
  running_->listener->stop();
  running_->ioc.stop();
  for (auto& t : running_->threads) t.join();
  running_->threads.clear();
}

int serve_broadcast(std::uint16_t port, std::size_t threads) {
  // The signals are caught before the line goes out: whoever read it may stop the server at once.
  asio::io_context signals_ioc;
  asio::signal_set signals(signals_ioc, SIGINT, SIGTERM);
  signals.async_wait([](beast::error_code, int) {});
  BroadcastServer server(port, threads);
  std::cout << "broadcast server listening on http://127.0.0.1:" << server.port() << " with " << threads
            << " threads" << std::endl;
  signals_ioc.run();
  server.stop();
  return 0;
}

}  // namespace dais::bench

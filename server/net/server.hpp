#pragma once
// The live server: loads every hearing of the store, listens on one port for HTTP and WebSocket, and runs N
// I/O threads. stop() ends it cleanly: no new connections or requests, pending commits finish and are
// acknowledged, every client gets a close frame (1001). As one node of several (ServerOptions::node) it loads
// no hearing at start and serves each under a lease (docs/scale-out.md), released when it stops.
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "net/clock.hpp"
#include "net/heap_trim.hpp"
#include "net/metrics.hpp"
#include "net/options.hpp"
#include "store/store.hpp"

namespace dais::net {

class SharedState;
class listener;
struct ConnectionLogs;

class Server {
 public:
  Server(store::Store& store, const Clock& clock, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the hearings, binds, and starts the threads. Returns the bound port (useful with port 0).
  core::Result<std::uint16_t> start();
  void stop();  // idempotent
  // From now on SIGINT and SIGTERM stop the server (in run_until_signal) instead of ending the process. Call
  // it before telling anyone the server is up: a signal sent on that word must find the handler in place.
  void catch_signals();
  // Blocks until SIGINT or SIGTERM (catching them first if catch_signals was not called), then stops.
  void run_until_signal();

  std::uint16_t port() const { return port_; }
  Metrics& metrics();

 private:
  store::Store& store_;
  const Clock& clock_;
  ServerOptions options_;
  boost::asio::io_context ioc_;
  // SIGINT and SIGTERM are waited for on a context of their own, made before the first accept: waiting then
  // needs neither a descriptor that a flood of connections could have taken nor a free I/O thread. The
  // signals are added only by catch_signals, so a process that embeds the server keeps its own.
  boost::asio::io_context signals_io_;
  std::optional<boost::asio::signal_set> signals_;
  std::shared_ptr<SharedState> state_;
  std::shared_ptr<ConnectionLogs> logs_;  // also held by every session, so it writes its counts last
  std::shared_ptr<listener> listener_;
  std::optional<HeapTrim> heap_trim_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  bool running_ = false;
};

}  // namespace dais::net

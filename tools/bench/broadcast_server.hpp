#pragma once
// The reference the fan-out target is measured against (issue 12: "≤ 1.0× Beast"): a bare Boost.Beast
// broadcast server with no hearing logic and no store. Every text message a session sends is serialised once
// and written to every session, the sender too. Loopback only; one strand per session, one write in flight
// per session with a queue behind it, TCP_NODELAY: what Dais does per connection, and nothing else.
#include <cstdint>
#include <memory>

namespace dais::bench {

class BroadcastServer {
 public:
  // Listens on 127.0.0.1:`port` (0: a free one) and serves on `threads` I/O threads once constructed.
  BroadcastServer(std::uint16_t port, std::size_t threads);
  ~BroadcastServer();
  BroadcastServer(const BroadcastServer&) = delete;
  BroadcastServer& operator=(const BroadcastServer&) = delete;

  std::uint16_t port() const;
  // Stops accepting and serving and joins the I/O threads; every session ends with them.
  void stop();

 private:
  struct Running;
  std::unique_ptr<Running> running_;
};

// `dais-bench broadcast-server`: prints "broadcast server listening on http://127.0.0.1:PORT" (the line
// `dais serve` prints, so the bench starts both the same way) and serves until SIGTERM or SIGINT.
int serve_broadcast(std::uint16_t port, std::size_t threads);

}  // namespace dais::bench

// The WebSocket session over a bare socket (ws://), and the rate limit every session keeps.
#include "net/websocket_session_impl.hpp"

namespace dais::net {

bool RateLimit::take(core::TimeMs now) {
  if (now > last_) {
    tokens_ = std::min(burst_, tokens_ + static_cast<double>(now - last_) * rate_ / 1000.0);
    last_ = now;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

template class websocket_session<asio::ip::tcp::socket>;

}  // namespace dais::net

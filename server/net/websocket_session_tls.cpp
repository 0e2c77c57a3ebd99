// The WebSocket session over TLS (wss://).
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/websocket_session_impl.hpp"

namespace dais::net {

template class websocket_session<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace dais::net

// HTTP over TLS (https://).
#include <boost/beast/ssl.hpp>

#include "net/http_session_impl.hpp"

namespace dais::net {

template class http_session<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace dais::net

// HTTP over a bare TCP stream (http://).
#include "net/http_session_impl.hpp"

namespace dais::net {

template class http_session<beast::tcp_stream>;

}  // namespace dais::net

#pragma once
// Everything served over plain HTTP on the WebSocket's port: the web client's files, join links, health,
// metrics, and the chair's and scrutineer's exports. See docs/protocol.md, HTTP endpoints.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>

#include "net/shared_state.hpp"

namespace dais::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using Respond = std::function<void(boost::beast::http::message_generator)>;

// Answers one request; `respond` may be called later, from another thread (exports run on the hearing's
// strand).
void route_http(SharedState& state, HttpRequest&& req, Respond respond);

// Exposed for tests.
std::string_view mime_type(std::string_view path);
// Percent-decodes a request path; empty when it is not a safe path under the web root (.., \, NUL, bad
// escapes).
std::optional<std::string> safe_path(std::string_view target);

}  // namespace dais::net

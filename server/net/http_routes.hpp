#pragma once
// Everything served over plain HTTP on the WebSocket's port: the web client's files, join links, health,
// metrics, and the chair's and scrutineer's exports. See docs/protocol.md, HTTP endpoints.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>

#include "net/shared_state.hpp"
#include "net/static_files.hpp"

namespace dais::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using Respond = std::function<void(boost::beast::http::message_generator)>;

// Answers one request; `respond` may be called later, from another thread (exports run on the hearing's
// strand). Every answer carries the security headers (docs/protocol.md, HTTP endpoints).
// `peer` is the client's address (the organizer sign-in limits count per address).
void route_http(SharedState& state, HttpRequest&& req, Respond respond, const std::string& peer = {});

// web_path with the default http_max_path_bytes, or nothing when it is refused. Exposed for tests.
std::optional<std::string> safe_path(std::string_view target);

}  // namespace dais::net

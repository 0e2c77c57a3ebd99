#include "net/http_routes.hpp"

#include <fstream>
#include <sstream>

#include <boost/beast/core/string.hpp>

#include "net/exports.hpp"

namespace dais::net {
namespace {

namespace http = boost::beast::http;

using Response = http::response<http::string_body>;

Response text_response(const HttpRequest& req, http::status status, std::string body,
                       std::string_view type = "text/plain; charset=utf-8") {
  Response res{status, req.version()};
  res.set(http::field::server, "dais");
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void serve_file(SharedState& state, const HttpRequest& req, const std::string& relative,
                const Respond& respond) {
  const auto& web = state.options().web;
  if (web.empty()) {
    return respond(
        text_response(req, http::status::not_found, "the web client is not installed (serve --web DIR)\n"));
  }
  const std::filesystem::path path = web / relative;
  auto body = read_file(path);
  if (!body) return respond(text_response(req, http::status::not_found, "not found\n"));
  Response res{http::status::ok, req.version()};
  res.set(http::field::server, "dais");
  res.set(http::field::content_type, mime_type(relative));
  // Files under /assets/ carry a content hash in their names: cache forever. Everything else is revalidated.
  const bool hashed = relative.rfind("assets/", 0) == 0;
  res.set(http::field::cache_control, hashed ? "public, max-age=31536000, immutable" : "no-cache");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(*body);
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();
  respond(std::move(res));
}

std::optional<std::string> bearer(const HttpRequest& req) {
  const auto auth = req[http::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (auth.size() <= prefix.size() || !boost::beast::iequals(auth.substr(0, prefix.size()), prefix)) {
    return std::nullopt;
  }
  return std::string(auth.substr(prefix.size()));
}

// Exports need the hearing's committed state, which lives on the hearing's strand.
void serve_export(SharedState& state, HttpRequest&& req, std::string_view which, const Respond& respond) {
  const auto token = bearer(req);
  const auto owner = token ? state.find_token(*token) : std::nullopt;
  auto hearing = owner ? state.hearing(owner->hearing) : nullptr;
  if (!hearing) {
    Response res =
        text_response(req, http::status::unauthorized, "a chair's or scrutineer's token is needed\n");
    res.set(http::field::www_authenticate, "Bearer");
    return respond(std::move(res));
  }
  std::string head_hash;
  if (which == "minutes.html") {
    std::lock_guard lock(state.store_reads());
    head_hash = state.store().head_hash(owner->hearing);
  }
  const core::TimeMs now = state.clock().now();
  hearing->inspect([req = std::move(req), which = std::string(which), participant = owner->participant,
                    head_hash, now, respond](const core::HearingState& s) {
    const core::Participant* p = s.participant(participant);
    if (p == nullptr || s.revoked.count(participant) != 0 ||
        !(p->roles.has(core::Role::chair) || p->roles.has(core::Role::scrutineer))) {
      return respond(
          text_response(req, http::status::forbidden, "exports are for the chair and the scrutineer\n"));
    }
    if (which == "results.json")
      return respond(text_response(req, http::status::ok, results_json(s), "application/json"));
    if (which == "results.csv") {
      Response res = text_response(req, http::status::ok, results_csv(s), "text/csv; charset=utf-8");
      res.set(http::field::content_disposition, "attachment; filename=\"results.csv\"");
      return respond(std::move(res));
    }
    respond(
        text_response(req, http::status::ok, minutes_html(s, head_hash, now), "text/html; charset=utf-8"));
  });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view mime_type(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  using boost::beast::iequals;
  if (iequals(ext, "html")) return "text/html; charset=utf-8";
  if (iequals(ext, "js") || iequals(ext, "mjs")) return "text/javascript; charset=utf-8";
  if (iequals(ext, "css")) return "text/css; charset=utf-8";
  if (iequals(ext, "svg")) return "image/svg+xml";
  if (iequals(ext, "png")) return "image/png";
  if (iequals(ext, "ico")) return "image/x-icon";
  if (iequals(ext, "json") || iequals(ext, "map")) return "application/json";
  if (iequals(ext, "woff2")) return "font/woff2";
  if (iequals(ext, "txt")) return "text/plain; charset=utf-8";
  if (iequals(ext, "webmanifest")) return "application/manifest+json";
  return "application/octet-stream";
}

std::optional<std::string> safe_path(std::string_view target) {
  std::string out;
  for (std::size_t i = 0; i < target.size(); ++i) {
    char c = target[i];
    if (c == '%') {
      if (i + 2 >= target.size()) return std::nullopt;
      const int hi = hex_value(target[i + 1]);
      const int lo = hex_value(target[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0' || c == '\\') return std::nullopt;
    out += c;
  }
  if (out.empty() || out[0] != '/') return std::nullopt;
  // Refuse any ".." segment, whichever way it was spelled.
  std::size_t start = 1;
  while (start <= out.size()) {
    const auto end = std::min(out.find('/', start), out.size());
    const std::string_view segment(out.data() + start, end - start);
    if (segment == "..") return std::nullopt;
    start = end + 1;
  }
  out.erase(0, 1);
  return out;
}

void route_http(SharedState& state, HttpRequest&& req, Respond respond) {
  state.metrics().http_requests++;
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    Response res = text_response(req, http::status::method_not_allowed, "only GET and HEAD\n");
    res.set(http::field::allow, "GET, HEAD");
    return respond(std::move(res));
  }
  std::string_view target = req.target();
  target = target.substr(0, target.find('?'));
  const auto path = safe_path(target);
  if (!path) return respond(text_response(req, http::status::bad_request, "illegal path\n"));

  if (*path == "healthz") return respond(text_response(req, http::status::ok, "ok\n"));
  if (*path == "metrics") {
    return respond(
        text_response(req, http::status::ok, state.metrics().render(), "text/plain; version=0.0.4"));
  }
  if (*path == "ws")
    return respond(text_response(req, http::status::bad_request, "WebSocket upgrade required\n"));
  if (*path == "api/results.json" || *path == "api/results.csv" || *path == "api/minutes.html") {
    return serve_export(state, std::move(req), std::string_view(*path).substr(4), respond);
  }
  // A join link opens the client, which reads the token from the URL; the server does not look at it here.
  if (path->rfind("j/", 0) == 0 || path->empty() || path->back() == '/') {
    return serve_file(state, req, "index.html", respond);
  }
  serve_file(state, req, *path, respond);
}

}  // namespace dais::net

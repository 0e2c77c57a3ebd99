#include "net/http_routes.hpp"

#include <cctype>
#include <filesystem>
#include <memory>

#include <boost/beast/core/string.hpp>

#include "net/exports.hpp"
#include "net/workbook.hpp"

namespace dais::net {
namespace {

namespace http = boost::beast::http;

using Response = http::response<http::string_body>;

// What a page of this server may do in a browser. The client is a Vite build: one module script and one
// stylesheet from /assets, its WebSocket back here, QR codes as data: images. Scripts never run inline.
// Styles may: the charts' tooltips (ECharts) are HTML with style attributes, blocked otherwise.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";
// A browser that reached the server over TLS once keeps to TLS for a year.
constexpr std::string_view kStrictTransportSecurity = "max-age=31536000";

enum class Transport { plain, tls };

// What every answer to one request shares: its HTTP version, keep-alive and HEAD, and the headers that keep a
// page from being framed or sniffed, and a join link (its token is in the path) out of the Referer.
class Reply {
 public:
  Reply(const HttpRequest& req, Transport transport)
      : version_(req.version()),
        keep_alive_(req.keep_alive()),
        head_(req.method() == http::verb::head),
        transport_(transport) {}

  Response make(http::status status, std::string body, std::string_view type, std::string_view cache) const {
    Response res{status, version_};
    res.set(http::field::server, "dais");
    res.set(http::field::content_type, type);
    res.set(http::field::cache_control, cache);
    res.set("Content-Security-Policy", kContentSecurityPolicy);
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Content-Type-Options", "nosniff");
    if (transport_ == Transport::tls)
      res.set(http::field::strict_transport_security, kStrictTransportSecurity);
    res.keep_alive(keep_alive_);
    res.body() = std::move(body);
    res.prepare_payload();
    if (head_) res.body().clear();
    return res;
  }

  Response text(http::status status, std::string body,
                std::string_view type = "text/plain; charset=utf-8") const {
    return make(status, std::move(body), type, "no-store");
  }

 private:
  unsigned version_;
  bool keep_alive_;
  bool head_;
  Transport transport_;
};

void serve_file(const SharedState& state, const HttpRequest& req, const Reply& reply,
                std::string_view relative, const Respond& respond) {
  const auto& web = state.options().web;
  if (web.empty()) {
    return respond(
        reply.text(http::status::not_found, "the web client is not installed (serve --web DIR)\n"));
  }
  auto file = read_web_file(web, relative, accepted_encodings(req[http::field::accept_encoding]));
  if (!file) return respond(reply.text(http::status::not_found, "not found\n"));
  // Files under /assets/ carry a content hash in their names: cache forever. Everything else is revalidated.
  const bool hashed = relative.rfind("assets/", 0) == 0;
  Response res = reply.make(http::status::ok, std::move(file->body), file->type,
                            hashed ? "public, max-age=31536000, immutable" : "no-cache");
  // The same path answers differently by Accept-Encoding (a precompressed copy or the file): caches must key
  // on it.
  res.set(http::field::vary, "Accept-Encoding");
  if (!file->encoding.empty()) res.set(http::field::content_encoding, file->encoding);
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

// The commission's workbook, named after the hearing. It is written through a private temporary directory: a
// failure there (a full disk) is the server's, said as such.
Response workbook_reply(const Reply& reply, const core::HearingState& s, const std::string& head_hash,
                        const CastingOrder& order) {
  std::string bytes;
  try {
    bytes = results_workbook(s, head_hash, std::filesystem::temp_directory_path(), order);
  } catch (const std::exception& e) {
    return reply.text(http::status::internal_server_error, std::string(e.what()) + "\n");
  }
  Response res = reply.text(http::status::ok, std::move(bytes),
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  res.set(http::field::content_disposition, "attachment; filename=\"" + workbook_file_name(s) + "\"");
  return res;
}

// Exports need the hearing's committed state, which lives on the hearing's strand.
void serve_export(SharedState& state, const HttpRequest& req, const Reply& reply, std::string_view which,
                  const Respond& respond) {
  const auto token = bearer(req);
  core::Result<std::optional<store::TokenOwner>> found = std::optional<store::TokenOwner>();
  if (token) found = state.find_token(*token);
  if (!found) return respond(reply.text(http::status::service_unavailable, "the store is out of reach\n"));
  const auto& owner = *found;
  const Taken taken = owner ? state.take_now(owner->hearing) : Taken{};
  if (!taken.owner.empty()) {
    return respond(reply.text(http::status::conflict, "hearing " + owner->hearing +
                                                          " is being served by node " + taken.owner + "\n"));
  }
  auto hearing = taken.hearing;
  if (!hearing) {
    Response res = reply.text(http::status::unauthorized, "a chair's or scrutineer's token is needed\n");
    res.set(http::field::www_authenticate, "Bearer");
    return respond(std::move(res));
  }
  std::string head_hash;
  auto order = std::make_shared<CastingOrder>();
  if (which == "minutes.html" || which == "results.xlsx" || which == "results.json") {
    std::lock_guard lock(state.store_reads());
    head_hash = state.store().head_hash(owner->hearing);
    if (auto log = state.store().read_log(owner->hearing); log && which != "minutes.html")
      *order = casting_order(*log);
  }
  const core::TimeMs now = state.clock().now();
  hearing->inspect([reply, which = std::string(which), participant = owner->participant, head_hash, order,
                    now, respond](const core::HearingState& s) {
    const core::Participant* p = s.participant(participant);
    if (p == nullptr || s.revoked.count(participant) != 0 ||
        !(p->roles.has(core::Role::chair) || p->roles.has(core::Role::scrutineer))) {
      return respond(reply.text(http::status::forbidden, "exports are for the chair and the scrutineer\n"));
    }
    if (which == "results.json")
      return respond(reply.text(http::status::ok, results_json(s, *order), "application/json"));
    if (which == "results.csv") {
      Response res = reply.text(http::status::ok, results_csv(s), "text/csv; charset=utf-8");
      res.set(http::field::content_disposition, "attachment; filename=\"results.csv\"");
      return respond(std::move(res));
    }
    if (which == "results.xlsx") return respond(workbook_reply(reply, s, head_hash, *order));
    respond(
        reply.text(http::status::ok, minutes_html(s, p->roles, head_hash, now), "text/html; charset=utf-8"));
  });
}

// /organize/api/…: the desk decides; every answer gets the security headers here, and is never cached.
void serve_organize(SharedState& state, const HttpRequest& req, const Reply& reply, const std::string& peer,
                    const Respond& respond) {
  state.organize().answer(state, req, peer, [reply, respond](OrganizeAnswer a) {
    Response res = reply.text(a.status, std::move(a.body), "application/json");
    // A feature answering a file (a workbook, a page) names its own type.
    for (auto& [name, value] : a.headers) {
      if (boost::beast::iequals(name, "Content-Type"))
        res.set(http::field::content_type, value);
      else
        res.insert(name, value);
    }
    respond(std::move(res));
  });
}

}  // namespace

std::optional<std::string> safe_path(std::string_view target) {
  auto path = web_path(target, Limits{}.http_max_path_bytes);
  if (!path) return std::nullopt;
  return std::move(*path);
}

void route_http(SharedState& state, HttpRequest&& req, Respond respond, const std::string& peer) {
  state.metrics().http_requests++;
  const Reply reply(req, state.tls() != nullptr ? Transport::tls : Transport::plain);
  if (req.target().starts_with("/organize/api/")) return serve_organize(state, req, reply, peer, respond);
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    Response res = reply.text(http::status::method_not_allowed, "only GET and HEAD\n");
    res.set(http::field::allow, "GET, HEAD");
    return respond(std::move(res));
  }
  std::string_view target = req.target();
  target = target.substr(0, target.find('?'));
  const auto path = web_path(target, state.limits().http_max_path_bytes);
  if (!path)
    return respond(reply.text(http::status::bad_request, "illegal path: " + path.error().message + "\n"));

  if (*path == "healthz") return respond(reply.text(http::status::ok, "ok\n"));
  if (*path == "metrics") {
    return respond(reply.text(http::status::ok, state.metrics().render(), "text/plain; version=0.0.4"));
  }
  if (*path == "ws") return respond(reply.text(http::status::bad_request, "WebSocket upgrade required\n"));
  if (*path == "api/results.json" || *path == "api/results.csv" || *path == "api/results.xlsx" ||
      *path == "api/minutes.html") {
    return serve_export(state, req, reply, std::string_view(*path).substr(4), respond);
  }
  // The secretariat's page: its own entry of the client (client-web/organize.html).
  if (*path == "organize" || *path == "organize/")
    return serve_file(state, req, reply, "organize.html", respond);
  // A join link opens the client, which reads the token from the URL; the server does not look at it here.
  if (path->rfind("j/", 0) == 0 || path->empty() || path->back() == '/') {
    return serve_file(state, req, reply, "index.html", respond);
  }
  serve_file(state, req, reply, *path, respond);
}

}  // namespace dais::net

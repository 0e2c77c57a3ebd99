#include "net/organize.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <memory>

#include <boost/asio/post.hpp>

#include <nlohmann/json.hpp>

#include "core/wire.hpp"
#include "net/shared_state.hpp"
#include "net/static_files.hpp"
#include "store/passwords.hpp"

namespace dais::net {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

constexpr std::string_view kCookie = "dais_org";
constexpr std::size_t kMaxStrikeEntries = 100000;  // a flood of made-up names or addresses cannot grow memory

OrganizeAnswer reply(http::status status, const json& body) {
  return organize_reply(status, body);
}

OrganizeAnswer refusal(http::status status, std::string_view error, std::string_view message) {
  return organize_refusal(status, error, message);
}

bool equal_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The value of cookie `name` in the Cookie header, or empty.
std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

// A cross-site page cannot set X-CSRF-Token without the server's say (no CORS here); the Origin a browser
// sends on a POST must also name this server.
bool same_origin(const OrganizeRequest& req) {
  const auto origin = req[http::field::origin];
  if (origin.empty()) return true;
  const auto host = req[http::field::host];
  const auto scheme_end = origin.find("://");
  return scheme_end != std::string_view::npos && !host.empty() && origin.substr(scheme_end + 3) == host;
}

std::string session_cookie(const std::string& id, std::int64_t max_age_s, bool tls) {
  std::string c = std::string(kCookie) + "=" + id +
                  "; Path=/organize; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
  if (tls) c += "; Secure";
  return c;
}

bool changes_state(http::verb method) {
  return method != http::verb::get && method != http::verb::head;
}

}  // namespace

OrganizeAnswer organize_reply(http::status status, const json& body) {
  return OrganizeAnswer{status, body.dump(), {}};
}

OrganizeAnswer organize_refusal(http::status status, std::string_view error, std::string_view message) {
  return organize_reply(status, json{{"error", error}, {"message", message}});
}

OrganizeAnswer organize_invalid(const core::Error& e) {
  return organize_reply(http::status::bad_request,
                        json{{"error", "invalid"}, {"message", e.message}, {"field", e.field}});
}

OrganizeAnswer organize_not_draft(const std::string& id) {
  return organize_refusal(http::status::conflict, "not_draft",
                          "hearing " + id + " can no longer be edited here: its log has begun");
}

std::shared_ptr<LiveHearing> organize_hearing(OrganizeCall& call, const std::string& id) {
  Taken taken = call.state.take_now(id);
  if (taken.hearing) return taken.hearing;
  if (!taken.owner.empty()) {
    call.done(reply(http::status::conflict,
                    json{{"error", "elsewhere"},
                         {"message", "hearing " + id + " is being served by node " + taken.owner +
                                         "; open it through that node (or wait until it stops)"},
                         {"node", taken.owner}}));
  } else if (!taken.error.empty()) {
    call.done(refusal(http::status::internal_server_error, "storage", taken.error));
  } else {
    call.done(refusal(http::status::not_found, "not_found", "no hearing " + id));
  }
  return nullptr;
}

void look_at_every_hearing(SharedState& state, std::function<void(const core::HearingState&)> look,
                           std::function<void()> done) {
  const auto live = state.hearings();
  std::vector<core::HearingState> stored;
  if (state.node_mode()) {
    std::lock_guard lock(state.store_reads());
    for (const auto& id : state.store().hearings()) {
      const bool held = std::any_of(live.begin(), live.end(), [&](const auto& h) { return h->id() == id; });
      if (held) continue;
      if (auto s = state.store().load(id)) stored.push_back(std::move(*s));
    }
  }
  struct Gathering {
    std::atomic<std::size_t> waiting;
    std::function<void(const core::HearingState&)> look;
    std::function<void()> done;
  };
  auto g = std::make_shared<Gathering>(live.size() + 1, std::move(look), std::move(done));
  const auto finish = [g] {
    if (--g->waiting == 0) g->done();
  };
  for (const auto& s : stored) g->look(s);
  for (const auto& h : live) {
    h->inspect([g, finish](const core::HearingState& s) {
      g->look(s);
      finish();
    });
  }
  finish();
}

bool OrganizeDesk::strike(std::unordered_map<std::string, Strikes>& table, const std::string& key,
                          std::int64_t max, std::int64_t now, std::int64_t lockout_ms) {
  if (table.size() >= kMaxStrikeEntries && table.find(key) == table.end()) {
    std::erase_if(table, [now](const auto& e) { return e.second.blocked_until_ms <= now; });
  }
  Strikes& s = table[key];
  if (++s.failures < max) return false;
  s.failures = 0;
  s.blocked_until_ms = now + lockout_ms;
  return true;
}

void OrganizeDesk::answer(SharedState& state, const OrganizeRequest& req, const std::string& peer,
                          std::function<void(OrganizeAnswer)> done) {
  std::string_view target = req.target();
  target = target.substr(0, target.find('?'));
  const auto path = web_path(target, state.limits().http_max_path_bytes);
  const std::string endpoint = path ? path->substr(std::string_view("organize/api/").size()) : "";
  const bool change = changes_state(req.method());
  if (change && !same_origin(req)) {
    return done(refusal(http::status::forbidden, "cross_origin", "the request came from another site"));
  }
  if (endpoint == "login") {
    if (req.method() != http::verb::post)
      return done(refusal(http::status::method_not_allowed, "method", "POST"));
    if (queued_checks_.fetch_add(1) >= kMaxQueuedChecks) {
      --queued_checks_;
      return done(
          refusal(http::status::too_many_requests, "busy", "too many sign-ins at once; try again shortly"));
    }
    boost::asio::post(checks_, [this, &state, body = req.body(), peer, done = std::move(done)] {
      OrganizeAnswer a = login(state, body, peer);
      --queued_checks_;
      done(std::move(a));
    });
    return;
  }
  const auto who = signed_in(state, req);
  if (!who) return done(refusal(http::status::unauthorized, "signed_out", "sign in first"));
  if (change) {
    const auto token = req["X-CSRF-Token"];
    if (!equal_secret(token, who->session.csrf)) {
      return done(refusal(http::status::forbidden, "csrf", "the request lacks this session's CSRF token"));
    }
    if (endpoint == "logout" && req.method() == http::verb::post) return done(logout(state, *who));
    if (who->role != "organizer") {
      return done(
          refusal(http::status::forbidden, "read_only", "observers may read but not change anything"));
    }
  } else {
    if (endpoint == "me") return done(me(*who));
    if (endpoint == "hearings") return hearings(state, std::move(done));
  }
  OrganizeCall call{state, req, endpoint, who->session.account, who->role, std::move(done)};
  if (answer_hearing_prep(call) || answer_reports(call) || answer_ledger(call)) return;
  call.done(refusal(http::status::not_found, "not_found", "no such organizer endpoint"));
}

OrganizeAnswer OrganizeDesk::login(SharedState& state, const std::string& text, const std::string& peer) {
  const json body = json::parse(text, nullptr, false);
  if (!body.is_object() || !body.contains("name") || !body["name"].is_string() ||
      !body.contains("password") || !body["password"].is_string()) {
    return refusal(http::status::bad_request, "bad_request", "expected JSON {\"name\": …, \"password\": …}");
  }
  const std::string name = body["name"].get<std::string>();
  const std::string password = body["password"].get<std::string>();
  const Limits& limits = state.limits();
  const std::int64_t now = state.clock().now();
  auto blocked = [&](http::status status, std::string_view error, std::int64_t until) {
    const char* message = error == "locked" ? "this account is locked after too many failed sign-ins"
                                            : "too many failed sign-ins from this address";
    return reply(status, json{{"error", error}, {"message", message}, {"until", until}});
  };
  {
    std::lock_guard lock(mutex_);
    if (auto it = by_address_.find(peer); it != by_address_.end() && it->second.blocked_until_ms > now) {
      return blocked(http::status::too_many_requests, "rate_limited", it->second.blocked_until_ms);
    }
    if (auto it = unknown_names_.find(name);
        it != unknown_names_.end() && it->second.blocked_until_ms > now) {
      return blocked(http::status::locked, "locked", it->second.blocked_until_ms);
    }
  }
  const auto account = state.store().find_account(name);
  if (account && account->locked_until_ms && *account->locked_until_ms > now) {
    return blocked(http::status::locked, "locked", *account->locked_until_ms);
  }
  // An unknown name costs the same Argon2id check as a wrong password: neither time nor answer tells them
  // apart.
  const bool ok =
      store::verify_password(account ? account->password_hash : store::decoy_password_hash(), password) &&
      account.has_value();
  if (!ok) {
    std::optional<std::int64_t> locked_until;
    {
      std::lock_guard lock(mutex_);
      strike(by_address_, peer, limits.login_max_failures_per_address, now, limits.login_lockout_ms);
      if (!account && strike(unknown_names_, name, limits.login_max_failures, now, limits.login_lockout_ms)) {
        locked_until = unknown_names_[name].blocked_until_ms;
      }
    }
    if (account) {
      auto r =
          state.store().record_failed_sign_in(name, now, limits.login_max_failures, limits.login_lockout_ms);
      if (r) locked_until = *r;
    }
    log_.write_line("organize: failed sign-in for account '" + name + "' from " + peer +
                    (locked_until ? " (now locked)" : ""));
    if (locked_until) return blocked(http::status::locked, "locked", *locked_until);
    return refusal(http::status::unauthorized, "wrong_credentials", "wrong name or password");
  }
  if (store::password_needs_rehash(account->password_hash)) {
    state.store().set_password(name, store::hash_password(password));
  }
  state.store().record_sign_in(name, now);
  const std::string id = store::random_token(32);
  OrganizerSession session{name, store::random_token(32), now, now};
  {
    std::lock_guard lock(mutex_);
    by_address_.erase(peer);
    sessions_[store::sha256_hex(id)] = session;
  }
  log_.write_line("organize: " + account->role + " '" + name + "' signed in from " + peer);
  OrganizeAnswer a =
      reply(http::status::ok, json{{"name", name}, {"role", account->role}, {"csrf", session.csrf}});
  a.headers.emplace_back(
      "Set-Cookie", session_cookie(id, limits.organize_session_lifetime_ms / 1000, state.tls() != nullptr));
  return a;
}

std::optional<OrganizeDesk::Signed> OrganizeDesk::signed_in(SharedState& state, const OrganizeRequest& req) {
  const std::string id = cookie_value(req[http::field::cookie], kCookie);
  if (id.empty()) return std::nullopt;
  const std::string hash = store::sha256_hex(id);
  const std::int64_t now = state.clock().now();
  Signed who;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(hash);
    if (it == sessions_.end()) return std::nullopt;
    const OrganizerSession& s = it->second;
    if (now - s.last_seen_ms >= state.limits().organize_idle_timeout_ms ||
        now - s.created_ms >= state.limits().organize_session_lifetime_ms) {
      sessions_.erase(it);
      return std::nullopt;
    }
    it->second.last_seen_ms = now;
    who = Signed{hash, it->second, {}};
  }
  // The role is read again on every request: a removed account's sessions end at once.
  const auto account = state.store().find_account(who.session.account);
  if (!account) {
    std::lock_guard lock(mutex_);
    sessions_.erase(hash);
    return std::nullopt;
  }
  who.role = account->role;
  return who;
}

OrganizeAnswer OrganizeDesk::logout(SharedState& state, const Signed& who) {
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(who.session_hash);
  }
  log_.write_line("organize: '" + who.session.account + "' signed out");
  OrganizeAnswer a = reply(http::status::ok, json{{"signed_out", true}});
  a.headers.emplace_back("Set-Cookie", session_cookie("", 0, state.tls() != nullptr));
  return a;
}

OrganizeAnswer OrganizeDesk::me(const Signed& who) {
  return reply(http::status::ok,
               json{{"name", who.session.account}, {"role", who.role}, {"csrf", who.session.csrf}});
}

// Every hearing of the file, as its live copy has it now (each answers from its own strand), or as the store
// has it for one another node serves.
void OrganizeDesk::hearings(SharedState& state, std::function<void(OrganizeAnswer)> done) {
  struct Gathering {
    std::mutex mutex;
    json rows = json::array();
  };
  auto g = std::make_shared<Gathering>();
  look_at_every_hearing(
      state,
      [g](const core::HearingState& s) {
        json row{{"id", s.def.id},
                 {"title", s.def.title},
                 {"date", s.def.date},
                 {"venue", s.def.venue},
                 {"phase", std::string(core::wire::name_of(s.phase))},
                 {"rehearsal", s.def.settings.rehearsal}};
        std::lock_guard lock(g->mutex);
        g->rows.push_back(std::move(row));
      },
      [g, done = std::move(done)] {
        std::lock_guard lock(g->mutex);
        std::sort(g->rows.begin(), g->rows.end(), [](const json& a, const json& b) {
          return std::tie(a["date"].get_ref<const std::string&>(), a["id"].get_ref<const std::string&>()) <
                 std::tie(b["date"].get_ref<const std::string&>(), b["id"].get_ref<const std::string&>());
        });
        done(reply(http::status::ok, json{{"hearings", std::move(g->rows)}}));
      });
}

}  // namespace dais::net

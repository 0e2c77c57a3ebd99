#pragma once
// The secretariat's door, /organize/api/…: sign-in with an organizer account (store::Account), a session in
// an HttpOnly cookie, a CSRF token for every change, lockout and rate limits on sign-in, and the list of
// hearings. See docs/protocol.md (Organizer API) and docs/security.md.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <atomic>

#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json_fwd.hpp>

#include "core/result.hpp"
#include "core/state.hpp"
#include "net/repeated_log.hpp"

namespace dais::net {

class SharedState;
class LiveHearing;
using OrganizeRequest = boost::beast::http::request<boost::beast::http::string_body>;

// What the desk answers; the router adds the security headers every answer carries.
struct OrganizeAnswer {
  boost::beast::http::status status = boost::beast::http::status::ok;
  std::string body;  // JSON
  std::vector<std::pair<std::string, std::string>> headers;
};

// Only the hash of the session id is kept; the id itself lives in the browser's cookie.
struct OrganizerSession {
  std::string account;
  std::string csrf;  // sent back in X-CSRF-Token on every change
  std::int64_t created_ms = 0;
  std::int64_t last_seen_ms = 0;
};

// One signed-in request to a feature of the desk (organize_*.cpp). The account's role is read afresh for each
// request; changes have already passed the Origin, CSRF and observer checks.
struct OrganizeCall {
  SharedState& state;
  const OrganizeRequest& req;
  std::string endpoint;  // the path after /organize/api/, percent-decoded and checked
  std::string account;
  std::string role;  // "organizer" or "observer"
  std::function<void(OrganizeAnswer)> done;
};

OrganizeAnswer organize_reply(boost::beast::http::status status, const nlohmann::json& body);
OrganizeAnswer organize_refusal(boost::beast::http::status status, std::string_view error,
                                std::string_view message);
// 400 invalid with the field and message of the definition's rule an edit breaks.
OrganizeAnswer organize_invalid(const core::Error& e);
// 409 not_draft: a change to a hearing whose log has begun (its definition, cards, review).
OrganizeAnswer organize_not_draft(const std::string& id);
// The live hearing `id` for the call: held here, or taken now when no other node holds it
// (docs/scale-out.md). Otherwise the call is answered (404 not_found; 409 elsewhere naming in `node` the node
// that holds it; 500 storage) and the result is empty.
std::shared_ptr<LiveHearing> organize_hearing(OrganizeCall& call, const std::string& id);
// Runs `look` on every hearing of the store, then `done` once. A hearing held here is looked at on its strand
// (its committed state); on a node of several, one it does not hold is read from the store as it stands, and
// is not taken. `look` may run on several threads at once.
void look_at_every_hearing(SharedState& state, std::function<void(const core::HearingState&)> look,
                           std::function<void()> done);

// The desk's features, each in its own file. Each answers (through call.done) and returns true when the
// endpoint is one of its own, else returns false without answering.
bool answer_hearing_prep(OrganizeCall& call);  // organize_hearings.cpp: presets, drafts, definitions, cards
bool answer_reports(OrganizeCall& call);       // organize_reports.cpp: results and the printable report
bool answer_ledger(OrganizeCall& call);        // organize_ledger.cpp: the rectification ledger

class OrganizeDesk {
 public:
  explicit OrganizeDesk(std::ostream& log) : log_(log) {}

  // Answers one request under /organize/api/: now, from the caller's thread, or later (a sign-in from the
  // checking thread, the list from the hearings' strands). `peer` is the client's address, for its limit.
  void answer(SharedState& state, const OrganizeRequest& req, const std::string& peer,
              std::function<void(OrganizeAnswer)> done);
  // A line of the desk's log (what an organizer did; never a password, a cookie or a token).
  void note(const std::string& line) { log_.write_line(line); }
  // Runs the sign-ins already queued and ends the checking thread; called once the I/O threads have ended.
  void stop() { checks_.join(); }

 private:
  struct Strikes {
    std::int64_t failures = 0;
    std::int64_t blocked_until_ms = 0;
  };
  struct Signed {
    std::string session_hash;
    OrganizerSession session;
    std::string role;
  };

  OrganizeAnswer login(SharedState& state, const std::string& body, const std::string& peer);
  OrganizeAnswer logout(SharedState& state, const Signed& who);
  OrganizeAnswer me(const Signed& who);
  void hearings(SharedState& state, std::function<void(OrganizeAnswer)> done);
  // The session the request's cookie names, still alive, of an account that still exists.
  std::optional<Signed> signed_in(SharedState& state, const OrganizeRequest& req);
  // Counts a failure of `key` in `table`; true when it just reached `max` (then blocked for lockout_ms).
  static bool strike(std::unordered_map<std::string, Strikes>& table, const std::string& key,
                     std::int64_t max, std::int64_t now, std::int64_t lockout_ms);

  std::mutex mutex_;
  std::unordered_map<std::string, OrganizerSession> sessions_;  // by SHA-256 of the session id
  std::unordered_map<std::string, Strikes> by_address_;
  std::unordered_map<std::string, Strikes> unknown_names_;  // names with no account lock like real ones
  LogSink log_;
  // Password checks run here, one at a time: each takes ~0.1 s and 64 MiB, which neither a hearing's I/O
  // threads nor the machine's memory should give to a burst of sign-ins. Past kMaxQueuedChecks: 429 busy.
  static constexpr int kMaxQueuedChecks = 32;
  std::atomic<int> queued_checks_{0};
  boost::asio::thread_pool checks_{1};
};

}  // namespace dais::net
